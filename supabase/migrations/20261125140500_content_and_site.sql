-- =============================================================================
-- Content and site configuration: blog, CMS-lite pages (about/team/awards),
-- menu, SEO entries, feature flags, site config (+ defaults for /meta/config).
-- =============================================================================

create type public.blog_status as enum ('draft', 'published', 'scheduled');

-- -----------------------------------------------------------------------------
-- blog_posts (markdown body, scheduled publish)
-- -----------------------------------------------------------------------------
create table public.blog_posts (
  id              uuid primary key default gen_random_uuid(),
  slug            text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  title           text not null check (char_length(title) between 1 and 200),
  excerpt         text check (excerpt is null or char_length(excerpt) <= 500),
  body_md         text not null default '',
  hero_path       text,
  author_id       uuid references public.profiles (id) on delete set null,
  -- public display name (profiles are not readable by anon); filled from the author
  author_name     text,
  status          public.blog_status not null default 'draft',
  published_at    timestamptz,
  categories      text[] not null default '{}',
  tags            text[] not null default '{}',
  reading_minutes integer generated always as (greatest(1, char_length(body_md) / 1200)) stored,
  search_tsv      tsvector generated always as (
                    setweight(to_tsvector('english'::regconfig, title), 'A') ||
                    setweight(to_tsvector('english'::regconfig, coalesce(excerpt, '')), 'B') ||
                    setweight(to_tsvector('english'::regconfig, body_md), 'D')
                  ) stored,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  check (status = 'draft' or published_at is not null)
);
comment on column public.blog_posts.status is
  'draft | published | scheduled. Public once published_at <= now() and status is published or scheduled (the publish job flips scheduled -> published and emits blog_published).';
create index blog_posts_public_idx on public.blog_posts (published_at desc) where status in ('published', 'scheduled');
create index blog_posts_scheduled_idx on public.blog_posts (published_at) where status = 'scheduled';
create index blog_posts_author_idx on public.blog_posts (author_id);
create index blog_posts_categories_idx on public.blog_posts using gin (categories);
create index blog_posts_tags_idx on public.blog_posts using gin (tags);
create index blog_posts_search_tsv_idx on public.blog_posts using gin (search_tsv);
create index blog_posts_title_trgm_idx on public.blog_posts using gin (title extensions.gin_trgm_ops);

create trigger blog_posts_set_updated_at before update on public.blog_posts
  for each row execute function private.set_updated_at();

create function private.blog_posts_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status = 'published' and new.published_at is null then
    new.published_at := now();
  end if;
  if new.author_id is not null and new.author_name is null then
    select p.full_name into new.author_name from public.profiles p where p.id = new.author_id;
  end if;
  return new;
end
$$;

create function private.blog_posts_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status = 'published' and (tg_op = 'INSERT' or old.status is distinct from 'published') then
    perform private.emit_event('blog_published', 'blog_posts', new.id,
      jsonb_build_object('post_id', new.id, 'slug', new.slug, 'title', new.title,
                         'published_at', new.published_at));
  end if;
  return null;
end
$$;
revoke all on function private.blog_posts_before_write(), private.blog_posts_after_write() from public;

create trigger blog_posts_before_write before insert or update on public.blog_posts
  for each row execute function private.blog_posts_before_write();
create trigger blog_posts_after_write after insert or update of status on public.blog_posts
  for each row execute function private.blog_posts_after_write();
create trigger blog_posts_audit after insert or update or delete on public.blog_posts
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- CMS-lite: content_pages (about, ...), team_members, awards
-- -----------------------------------------------------------------------------
create table public.content_pages (
  id         uuid primary key default gen_random_uuid(),
  slug       text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  locale     text not null default 'en-US' check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  title      text not null check (char_length(title) between 1 and 200),
  body_md    text not null default '',
  hero_path  text,
  -- structured blocks for the page (e.g. {"stats":[{"label":"Years","value":"35"}]})
  data       jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  published  boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (slug, locale)
);

create table public.team_members (
  id          uuid primary key default gen_random_uuid(),
  location_id uuid references public.locations (id) on delete set null,
  name        text not null check (char_length(name) between 1 and 120),
  job_title   text not null check (char_length(job_title) between 1 and 120),
  bio_md      text,
  photo_path  text,
  email       text,
  phone       text,
  position    integer not null default 0,
  published   boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index team_members_location_idx on public.team_members (location_id);
create index team_members_public_idx on public.team_members (position) where published;

create table public.awards (
  id          uuid primary key default gen_random_uuid(),
  title       text not null check (char_length(title) between 1 and 200),
  issuer      text not null check (char_length(issuer) between 1 and 120),
  year        integer not null check (year between 1900 and 2100),
  description text,
  image_path  text,
  awarded_on  date,
  position    integer not null default 0,
  published   boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index awards_public_idx on public.awards (year desc, position) where published;

-- -----------------------------------------------------------------------------
-- menu_items (/meta/menu) and seo_entries (/meta/seo)
-- -----------------------------------------------------------------------------
create table public.menu_items (
  id            uuid primary key default gen_random_uuid(),
  menu          text not null default 'main' check (menu in ('main', 'footer', 'account', 'mobile', 'admin')),
  parent_id     uuid references public.menu_items (id) on delete cascade,
  label         text not null check (char_length(label) between 1 and 80),
  href          text not null check (href ~ '^(/|https?://)'),
  icon          text,
  locale        text not null default 'en-US',
  position      integer not null default 0,
  visible       boolean not null default true,
  requires_auth boolean not null default false,
  staff_only    boolean not null default false,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  check (parent_id is distinct from id)
);
create index menu_items_menu_idx on public.menu_items (menu, locale, position);
create index menu_items_parent_idx on public.menu_items (parent_id);

create table public.seo_entries (
  id              uuid primary key default gen_random_uuid(),
  -- route pattern as the frontend names it: '/', '/inventory', '/vehicles/{id}'
  route           text not null check (route ~ '^/'),
  locale          text not null default 'en-US',
  title           text not null check (char_length(title) between 1 and 200),
  description     text check (description is null or char_length(description) <= 500),
  canonical_url   text,
  og_image_path   text,
  structured_data jsonb check (structured_data is null or jsonb_typeof(structured_data) in ('object', 'array')),
  noindex         boolean not null default false,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (route, locale)
);

-- -----------------------------------------------------------------------------
-- feature_flags and site_config (natural text keys: they are looked up by key)
-- -----------------------------------------------------------------------------
create table public.feature_flags (
  key             text primary key check (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
  description     text,
  enabled         boolean not null default false,
  rollout_percent integer not null default 100 check (rollout_percent between 0 and 100),
  -- A/B variants {"control":50,"new_card":50}; targeting rules evaluated by the app
  variants        jsonb not null default '{}'::jsonb check (jsonb_typeof(variants) = 'object'),
  rules           jsonb not null default '{}'::jsonb check (jsonb_typeof(rules) = 'object'),
  -- public flags are shipped to browsers with /meta/config
  is_public       boolean not null default false,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);

create table public.site_config (
  key         text primary key check (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
  value       jsonb not null,
  is_public   boolean not null default true,
  description text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
comment on table public.site_config is 'Key/JSON settings; public keys are returned by /meta/config.';

create trigger content_pages_set_updated_at before update on public.content_pages
  for each row execute function private.set_updated_at();
create trigger team_members_set_updated_at before update on public.team_members
  for each row execute function private.set_updated_at();
create trigger awards_set_updated_at before update on public.awards
  for each row execute function private.set_updated_at();
create trigger menu_items_set_updated_at before update on public.menu_items
  for each row execute function private.set_updated_at();
create trigger seo_entries_set_updated_at before update on public.seo_entries
  for each row execute function private.set_updated_at();
create trigger feature_flags_set_updated_at before update on public.feature_flags
  for each row execute function private.set_updated_at();
create trigger site_config_set_updated_at before update on public.site_config
  for each row execute function private.set_updated_at();

create trigger content_pages_audit after insert or update or delete on public.content_pages
  for each row execute function private.audit_row();
create trigger team_members_audit after insert or update or delete on public.team_members
  for each row execute function private.audit_row();
create trigger awards_audit after insert or update or delete on public.awards
  for each row execute function private.audit_row();
create trigger menu_items_audit after insert or update or delete on public.menu_items
  for each row execute function private.audit_row();
create trigger seo_entries_audit after insert or update or delete on public.seo_entries
  for each row execute function private.audit_row();
create trigger feature_flags_audit after insert or update or delete on public.feature_flags
  for each row execute function private.audit_row('all', 'key');
create trigger site_config_audit after insert or update or delete on public.site_config
  for each row execute function private.audit_row('all', 'key');

-- -----------------------------------------------------------------------------
-- Defaults so /meta/config answers right after `migrate` (seed adds more).
-- -----------------------------------------------------------------------------
insert into public.site_config (key, value, is_public, description) values
('brand', jsonb_build_object(
   'name', 'Forecourt Motors',
   'short_name', 'Forecourt',
   'tagline', 'Find your next car, the easy way.',
   'logo', jsonb_build_object('light', 'brand/logo-light.svg', 'dark', 'brand/logo-dark.svg'),
   'favicon', 'brand/favicon.svg'),
 true, 'Brand identity'),
('theme', jsonb_build_object(
   'default_mode', 'light',
   'respect_system_preference', true,
   'modes', jsonb_build_object(
     'light', jsonb_build_object('background', '#FFFFFF', 'surface', '#F5F7FA', 'text', '#111827',
                                 'muted', '#6B7280', 'primary', '#0B5FFF', 'primary_contrast', '#FFFFFF',
                                 'accent', '#FF6B00', 'success', '#16A34A', 'warning', '#D97706',
                                 'danger', '#DC2626', 'border', '#E5E7EB'),
     'dark', jsonb_build_object('background', '#0B1220', 'surface', '#111A2E', 'text', '#F3F4F6',
                                'muted', '#9CA3AF', 'primary', '#4C8DFF', 'primary_contrast', '#0B1220',
                                'accent', '#FF8A3D', 'success', '#22C55E', 'warning', '#F59E0B',
                                'danger', '#F87171', 'border', '#1F2A44')),
   'typography', jsonb_build_object('font_family_base', 'Inter, system-ui, sans-serif',
                                    'font_family_heading', 'Poppins, Inter, system-ui, sans-serif',
                                    'base_size_px', 16, 'scale_ratio', 1.25, 'line_height', 1.5),
   'radius_px', 8),
 true, 'Colour scheme (light/dark) and typography'),
('locales', jsonb_build_object(
   'default', 'en-US',
   'supported', jsonb_build_array('en-US', 'es-US'),
   'currency', 'USD',
   'distance_unit', 'mi'),
 true, 'Supported locales and units'),
('inventory', jsonb_build_object(
   'page_size_default', 20, 'page_size_max', 100, 'compare_max', 10,
   'finance_terms_months', jsonb_build_array(36, 48, 60, 72, 84),
   'default_apr', 6.9, 'default_down_payment_pct', 10),
 true, 'Inventory and calculator defaults'),
('seo_defaults', jsonb_build_object(
   'title_template', '%s | Forecourt Motors',
   'description', 'New, used and certified pre-owned cars with transparent prices, financing and service.',
   'og_image', 'brand/og-default.jpg'),
 true, 'Fallback SEO fields')
on conflict (key) do nothing;

-- -----------------------------------------------------------------------------
-- RLS + grants
-- -----------------------------------------------------------------------------
alter table public.blog_posts enable row level security;
alter table public.content_pages enable row level security;
alter table public.team_members enable row level security;
alter table public.awards enable row level security;
alter table public.menu_items enable row level security;
alter table public.seo_entries enable row level security;
alter table public.feature_flags enable row level security;
alter table public.site_config enable row level security;

revoke all on table public.blog_posts, public.content_pages, public.team_members, public.awards,
  public.menu_items, public.seo_entries, public.feature_flags, public.site_config
  from anon, authenticated, service_role;
grant select on public.blog_posts, public.content_pages, public.team_members, public.awards,
  public.menu_items, public.seo_entries, public.feature_flags, public.site_config to anon, authenticated;
grant insert, update, delete on public.blog_posts, public.content_pages, public.team_members, public.awards,
  public.menu_items, public.seo_entries, public.feature_flags, public.site_config to authenticated;
grant select, insert, update, delete on public.blog_posts, public.content_pages, public.team_members,
  public.awards, public.menu_items, public.seo_entries, public.feature_flags, public.site_config to service_role;

-- blog: public once due; staff manage.
create policy blog_posts_select_public on public.blog_posts for select to anon, authenticated
  using (status in ('published', 'scheduled') and published_at <= now());
create policy blog_posts_select_staff on public.blog_posts for select to authenticated
  using ((select private.is_staff()));
create policy blog_posts_insert_staff on public.blog_posts for insert to authenticated
  with check ((select private.is_staff()));
create policy blog_posts_update_staff on public.blog_posts for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy blog_posts_delete_staff on public.blog_posts for delete to authenticated
  using ((select private.is_staff()));

create policy content_pages_select_public on public.content_pages for select to anon, authenticated using (published);
create policy content_pages_select_staff on public.content_pages for select to authenticated using ((select private.is_staff()));
create policy content_pages_insert_staff on public.content_pages for insert to authenticated with check ((select private.is_staff()));
create policy content_pages_update_staff on public.content_pages for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy content_pages_delete_staff on public.content_pages for delete to authenticated using ((select private.is_staff()));

create policy team_members_select_public on public.team_members for select to anon, authenticated using (published);
create policy team_members_select_staff on public.team_members for select to authenticated using ((select private.is_staff()));
create policy team_members_insert_staff on public.team_members for insert to authenticated with check ((select private.is_staff()));
create policy team_members_update_staff on public.team_members for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy team_members_delete_staff on public.team_members for delete to authenticated using ((select private.is_staff()));

create policy awards_select_public on public.awards for select to anon, authenticated using (published);
create policy awards_select_staff on public.awards for select to authenticated using ((select private.is_staff()));
create policy awards_insert_staff on public.awards for insert to authenticated with check ((select private.is_staff()));
create policy awards_update_staff on public.awards for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy awards_delete_staff on public.awards for delete to authenticated using ((select private.is_staff()));

create policy menu_items_select_public on public.menu_items for select to anon, authenticated
  using (visible and not staff_only);
create policy menu_items_select_staff on public.menu_items for select to authenticated using ((select private.is_staff()));
create policy menu_items_insert_staff on public.menu_items for insert to authenticated with check ((select private.is_staff()));
create policy menu_items_update_staff on public.menu_items for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy menu_items_delete_staff on public.menu_items for delete to authenticated using ((select private.is_staff()));

create policy seo_entries_select_public on public.seo_entries for select to anon, authenticated using (true);
create policy seo_entries_insert_staff on public.seo_entries for insert to authenticated with check ((select private.is_staff()));
create policy seo_entries_update_staff on public.seo_entries for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy seo_entries_delete_staff on public.seo_entries for delete to authenticated using ((select private.is_staff()));

-- flags and config: public keys readable by all, everything by staff, writes by admins.
create policy feature_flags_select_public on public.feature_flags for select to anon, authenticated using (is_public);
create policy feature_flags_select_staff on public.feature_flags for select to authenticated using ((select private.is_staff()));
create policy feature_flags_insert_admin on public.feature_flags for insert to authenticated with check ((select private.is_admin()));
create policy feature_flags_update_admin on public.feature_flags for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy feature_flags_delete_admin on public.feature_flags for delete to authenticated using ((select private.is_admin()));

create policy site_config_select_public on public.site_config for select to anon, authenticated using (is_public);
create policy site_config_select_staff on public.site_config for select to authenticated using ((select private.is_staff()));
create policy site_config_insert_admin on public.site_config for insert to authenticated with check ((select private.is_admin()));
create policy site_config_update_admin on public.site_config for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy site_config_delete_admin on public.site_config for delete to authenticated using ((select private.is_admin()));
