-- =============================================================================
-- Locations and inventory: locations, vehicles, vehicle_specs, vehicle_media,
-- price_history, vehicle_views; price/listing events; public search helpers.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- locations (multi-rooftop)
-- -----------------------------------------------------------------------------
create table public.locations (
  id          uuid primary key default gen_random_uuid(),
  name        text not null check (char_length(name) between 1 and 120),
  slug        text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  address     text not null,
  city        text not null,
  state       text not null,
  postal_code text,
  country     text not null default 'US' check (country ~ '^[A-Z]{2}$'),
  -- float8 rather than numeric: comparisons are leakproof and distance maths is cheap.
  lat         double precision check (lat between -90 and 90),
  lng         double precision check (lng between -180 and 180),
  phone       text,
  whatsapp    text,
  email       text,
  timezone    text not null default 'America/New_York',
  -- {"sales": {"mon": [["09:00","20:00"]], ..., "sun": []}, "service": {...}}
  hours_json  jsonb not null default '{}'::jsonb check (jsonb_typeof(hours_json) = 'object'),
  is_active   boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
comment on table public.locations is 'Dealership branches (rooftops); hours_json drives test-drive and service slots.';
create index locations_city_idx on public.locations (state, city);

create trigger locations_set_updated_at before update on public.locations
  for each row execute function private.set_updated_at();
create trigger locations_audit after insert or update or delete on public.locations
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- vehicles
-- -----------------------------------------------------------------------------
-- Why text + CHECK instead of enum types for filterable columns, and why the
-- *_cents columns exist (the "RLS and leakproof operators" pitfall):
--   Under RLS (anon/authenticated have no BYPASSRLS) PostgreSQL may evaluate a
--   query's own WHERE conditions before the policy, and therefore use them in
--   an index scan, only when their operators are LEAKPROOF. In PostgreSQL 15
--   texteq/text_ge, int4/int8 comparisons, booleq, uuid_eq and timestamptz
--   comparisons are leakproof; numeric_* and enum_eq are not. So
--     condition = 'used'               -> text column, CHECK-constrained
--     make = 'Toyota'                  -> text column
--     price_current_cents between a and b -> generated bigint column
--   all stay index-usable for anon, while price_current numeric(12,2) keeps
--   the spec's name and exact decimal type for display and arithmetic.
--   Filter and sort on *_cents; render price_current.
create table public.vehicles (
  id                   uuid primary key default gen_random_uuid(),
  vin                  text not null unique check (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  stock_no             text unique check (stock_no is null or stock_no ~ '^[A-Za-z0-9-]{1,20}$'),
  make                 text not null check (char_length(make) between 1 and 40 and make = btrim(make)),
  model                text not null check (char_length(model) between 1 and 60 and model = btrim(model)),
  trim                 text check (trim is null or char_length(trim) <= 60),
  year                 integer not null check (year between 1900 and 2100),
  body_type            text not null check (body_type in
                         ('sedan', 'suv', 'truck', 'coupe', 'convertible', 'hatchback', 'wagon', 'van', 'minivan')),
  color_ext            text check (color_ext in
                         ('black', 'white', 'silver', 'gray', 'blue', 'red', 'green', 'brown',
                          'beige', 'gold', 'orange', 'yellow', 'purple')),
  color_ext_name       text check (color_ext_name is null or char_length(color_ext_name) <= 60),
  color_int            text check (color_int is null or char_length(color_int) <= 60),
  mileage              integer not null default 0 check (mileage between 0 and 2000000),
  fuel                 text not null check (fuel in
                         ('petrol', 'diesel', 'hybrid', 'plugin_hybrid', 'electric', 'flex', 'hydrogen')),
  transmission         text not null check (transmission in ('automatic', 'manual', 'cvt', 'dual_clutch')),
  drivetrain           text check (drivetrain in ('fwd', 'rwd', 'awd', '4wd')),
  doors                smallint check (doors between 0 and 6),
  seats                smallint check (seats between 1 and 15),
  condition            text not null check (condition in ('new', 'used', 'cpo')),
  is_special           boolean not null default false,
  location_id          uuid references public.locations (id) on delete restrict,
  price_current        numeric(12, 2) not null check (price_current >= 0),
  price_list           numeric(12, 2) check (price_list >= 0),
  -- Set by trigger when price_current changes: cards show "was $X".
  price_previous       numeric(12, 2) check (price_previous >= 0),
  price_changed_at     timestamptz,
  price_current_cents  bigint generated always as ((price_current * 100)::bigint) stored,
  price_list_cents     bigint generated always as ((price_list * 100)::bigint) stored,
  price_previous_cents bigint generated always as ((price_previous * 100)::bigint) stored,
  visible              boolean not null default true,
  stock_status         text not null default 'in_stock'
                         check (stock_status in ('in_stock', 'in_transit', 'on_order', 'reserved', 'sold')),
  sold_at              timestamptz,
  is_featured          boolean not null default false,
  featured_position    integer check (featured_position >= 0),
  description          text,
  title                text generated always as
                         (year::text || ' ' || make || ' ' || model || coalesce(' ' || trim, '')) stored,
  search_tsv           tsvector generated always as (
                         setweight(to_tsvector('simple'::regconfig, make || ' ' || model), 'A') ||
                         setweight(to_tsvector('simple'::regconfig, coalesce(trim, '') || ' ' || year::text), 'B') ||
                         setweight(to_tsvector('simple'::regconfig,
                           body_type || ' ' || fuel || ' ' || transmission || ' ' || coalesce(drivetrain, '') || ' ' ||
                           coalesce(color_ext, '') || ' ' || coalesce(color_ext_name, '') || ' ' || condition), 'C') ||
                         setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'D')
                       ) stored,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check (not is_featured or featured_position is not null),
  check ((stock_status = 'sold') = (sold_at is not null))
);
comment on table public.vehicles is 'Inventory. Filter on text/int/bigint columns only (leakproof operators, see header comment).';
comment on column public.vehicles.price_current_cents is 'Leakproof (bigint) mirror of price_current for filters and sorts under RLS.';
comment on column public.vehicles.title is 'Generated "<year> <make> <model> <trim>" for cards and SEO.';

-- Search and card indexes. Public queries must also say `visible` explicitly:
-- for authenticated users the combined policy is (visible OR is_staff), which
-- alone does not imply the partial-index predicate.
create index vehicles_make_model_year_idx on public.vehicles (make, model, year);
create index vehicles_price_current_cents_idx on public.vehicles (price_current_cents);
create index vehicles_visible_idx on public.vehicles (visible);
create index vehicles_location_id_idx on public.vehicles (location_id);
create index vehicles_visible_condition_price_idx on public.vehicles (condition, price_current_cents) where visible;
create index vehicles_visible_body_price_idx on public.vehicles (body_type, price_current_cents) where visible;
create index vehicles_visible_year_idx on public.vehicles (year) where visible;
create index vehicles_visible_mileage_idx on public.vehicles (mileage) where visible;
create index vehicles_visible_created_idx on public.vehicles (created_at desc) where visible;
create index vehicles_visible_special_idx on public.vehicles (price_current_cents) where visible and is_special;
create index vehicles_featured_idx on public.vehicles (featured_position) where visible and is_featured;
create index vehicles_sold_at_idx on public.vehicles (sold_at) where sold_at is not null;
-- Covering index for result cards sorted by price: an index-only scan returns
-- every card column without touching the heap (after VACUUM sets the VM).
create index vehicles_card_price_idx on public.vehicles (price_current_cents, id)
  include (title, make, model, year, mileage, fuel, transmission, condition, is_special,
           price_list_cents, price_previous_cents, location_id)
  where visible;
-- Full text + fuzzy make/model ("toyta camry"). Text-search and trigram
-- operators are not leakproof: use public.search_vehicle_ids() from
-- anon/authenticated contexts so these indexes are usable.
create index vehicles_search_tsv_idx on public.vehicles using gin (search_tsv);
create index vehicles_make_model_trgm_idx on public.vehicles
  using gin (make extensions.gin_trgm_ops, model extensions.gin_trgm_ops);
create index vehicles_make_model_concat_trgm_idx on public.vehicles
  using gin ((make || ' ' || model) extensions.gin_trgm_ops);

-- -----------------------------------------------------------------------------
-- vehicle_specs — one JSONB document per vehicle (spec §2 allows "key, value"
-- rows or JSONB). Chosen because: the VDP reads every spec of one vehicle in
-- a single row fetch; specs differ by powertrain/body (EV range vs towing), so
-- no fixed columns; containment filters ("has sunroof") use one GIN index;
-- 1M vehicles cost 1M rows instead of ~15M key/value rows (bulk load, vacuum,
-- index size). Keys are documented in docs/data-model.md.
-- -----------------------------------------------------------------------------
create table public.vehicle_specs (
  vehicle_id uuid primary key references public.vehicles (id) on delete cascade,
  specs      jsonb not null default '{}'::jsonb check (jsonb_typeof(specs) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index vehicle_specs_specs_gin_idx on public.vehicle_specs using gin (specs jsonb_path_ops);

create trigger vehicle_specs_set_updated_at before update on public.vehicle_specs
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- vehicle_media
-- -----------------------------------------------------------------------------
create type public.media_kind as enum ('image', 'video', 'spin360');

create table public.vehicle_media (
  id           uuid primary key default gen_random_uuid(),
  vehicle_id   uuid not null references public.vehicles (id) on delete cascade,
  kind         public.media_kind not null default 'image',
  -- Storage key "<bucket>/<object name>", e.g. vehicle-media/<vehicle_id>/1.jpg
  path         text not null check (path ~ '^[a-z0-9-]+/[^/].*$' and path !~ '\.\.'),
  position     integer not null default 0 check (position >= 0),
  alt_text     text,
  content_type text,
  width        integer check (width > 0),
  height       integer check (height > 0),
  -- {"thumb": "...", "card": "...", "hero": "..."} generated by process_media
  variants     jsonb not null default '{}'::jsonb check (jsonb_typeof(variants) = 'object'),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (vehicle_id, kind, position)
);
comment on column public.vehicle_media.path is 'Bucket-prefixed storage key; served only through signed URLs.';
-- Hero lookup for cards: first image of each vehicle.
create index vehicle_media_hero_idx on public.vehicle_media (vehicle_id, position) include (path) where kind = 'image';

create trigger vehicle_media_set_updated_at before update on public.vehicle_media
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- price_history — written by trigger on every price_current change.
-- -----------------------------------------------------------------------------
create table public.price_history (
  id             uuid primary key default gen_random_uuid(),
  vehicle_id     uuid not null references public.vehicles (id) on delete cascade,
  price          numeric(12, 2) not null check (price >= 0),
  price_cents    bigint generated always as ((price * 100)::bigint) stored,
  previous_price numeric(12, 2) check (previous_price >= 0),
  changed_by     uuid references public.profiles (id) on delete set null,
  source         text not null default 'app' check (source in ('initial', 'app', 'import', 'job', 'seed')),
  recorded_at    timestamptz not null default now()
);
create index price_history_vehicle_idx on public.price_history (vehicle_id, recorded_at desc);
create index price_history_changed_by_idx on public.price_history (changed_by) where changed_by is not null;
create index price_history_recorded_at_brin on public.price_history using brin (recorded_at);

-- -----------------------------------------------------------------------------
-- vehicle_views — daily view counters for nudges ("3 people viewed today").
-- -----------------------------------------------------------------------------
create table public.vehicle_views (
  vehicle_id      uuid not null references public.vehicles (id) on delete cascade,
  day             date not null default current_date,
  views           integer not null default 0 check (views >= 0),
  unique_visitors integer not null default 0 check (unique_visitors >= 0),
  updated_at      timestamptz not null default now(),
  primary key (vehicle_id, day)
);
create index vehicle_views_day_idx on public.vehicle_views (day, views desc);

-- -----------------------------------------------------------------------------
-- Vehicle triggers: previous price, sold_at, price history, outbox events.
-- -----------------------------------------------------------------------------
create function private.vehicles_before_write() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- On insert an importer may carry a known previous price ("was $X").
  if tg_op = 'UPDATE' and new.price_current is distinct from old.price_current then
    new.price_previous := old.price_current;
    new.price_changed_at := now();
  end if;
  if new.stock_status = 'sold' and new.sold_at is null then
    new.sold_at := now();
  elsif new.stock_status <> 'sold' then
    new.sold_at := null;
  end if;
  if not new.is_featured then
    new.featured_position := null;
  end if;
  return new;
end
$$;

create trigger vehicles_before_write before insert or update on public.vehicles
  for each row execute function private.vehicles_before_write();
create trigger vehicles_set_updated_at before update on public.vehicles
  for each row execute function private.set_updated_at();

create function private.vehicle_event_payload(v public.vehicles) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'vehicle_id', v.id, 'vin', v.vin, 'title', v.title, 'make', v.make, 'model', v.model,
    'year', v.year, 'condition', v.condition, 'location_id', v.location_id,
    'price_current', v.price_current, 'price_current_cents', v.price_current_cents)
$$;

create function private.vehicles_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_actor uuid;
begin
  if private.bulk_load_active() then
    return null;   -- bulk loaders write price_history themselves and emit no events
  end if;
  select p.id into v_actor from public.profiles p where p.id = auth.uid();

  if tg_op = 'INSERT' then
    insert into public.price_history (vehicle_id, price, changed_by, source)
    values (new.id, new.price_current, v_actor, 'initial');
    if new.visible then
      perform private.emit_event('new_listing', 'vehicles', new.id, private.vehicle_event_payload(new));
    end if;
    return null;
  end if;

  if new.price_current is distinct from old.price_current then
    insert into public.price_history (vehicle_id, price, previous_price, changed_by, source)
    values (new.id, new.price_current, old.price_current, v_actor,
            case when private.in_end_user_context() then 'app' else 'job' end);
    if new.price_current < old.price_current and new.visible then
      perform private.emit_event('price_drop', 'vehicles', new.id,
        private.vehicle_event_payload(new) || jsonb_build_object(
          'old_price', old.price_current, 'new_price', new.price_current,
          'old_price_cents', old.price_current_cents, 'new_price_cents', new.price_current_cents,
          'drop_cents', old.price_current_cents - new.price_current_cents));
    end if;
  end if;

  if new.visible and not old.visible and new.stock_status <> 'sold' then
    perform private.emit_event('new_listing', 'vehicles', new.id, private.vehicle_event_payload(new));
  end if;
  if new.is_special and not old.is_special and new.visible then
    perform private.emit_event('special_added', 'vehicles', new.id, private.vehicle_event_payload(new));
  end if;
  if new.stock_status = 'sold' and old.stock_status <> 'sold' then
    perform private.emit_event('vehicle_sold', 'vehicles', new.id, private.vehicle_event_payload(new));
  end if;
  return null;
end
$$;

create trigger vehicles_after_insert after insert on public.vehicles
  for each row execute function private.vehicles_after_write();
create trigger vehicles_after_update after update of price_current, visible, is_special, stock_status
  on public.vehicles
  for each row execute function private.vehicles_after_write();

create trigger vehicles_audit after insert or update or delete on public.vehicles
  for each row execute function private.audit_row();
create trigger vehicle_specs_audit after insert or update or delete on public.vehicle_specs
  for each row execute function private.audit_row('all', 'vehicle_id');
create trigger vehicle_media_audit after insert or update or delete on public.vehicle_media
  for each row execute function private.audit_row();

revoke all on function private.vehicles_before_write(), private.vehicle_event_payload(public.vehicles),
  private.vehicles_after_write() from public;
-- -----------------------------------------------------------------------------
-- Inventory version: bumped once per statement that changes vehicles, media
-- or specs, and announced with NOTIFY forecourt_inventory '<version>' on
-- commit. Caches put the version in their keys, so an edit is visible on the
-- next request instead of after the TTL (issue 5). Read it with
-- public.inventory_version().
-- -----------------------------------------------------------------------------
create sequence private.inventory_version;

create function private.bump_inventory_version() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if private.bulk_load_active() then
    return null;   -- bulk loaders bump once when they finish
  end if;
  perform pg_notify('forecourt_inventory', nextval('private.inventory_version')::text);
  return null;
end
$$;
revoke all on function private.bump_inventory_version() from public;

create trigger vehicles_inventory_version after insert or update or delete or truncate on public.vehicles
  for each statement execute function private.bump_inventory_version();
create trigger vehicle_media_inventory_version after insert or update or delete or truncate on public.vehicle_media
  for each statement execute function private.bump_inventory_version();
create trigger vehicle_specs_inventory_version after insert or update or delete or truncate on public.vehicle_specs
  for each statement execute function private.bump_inventory_version();

create function public.inventory_version() returns bigint
language sql stable security definer set search_path = '' as $$
  select last_value from private.inventory_version
$$;
revoke all on function public.inventory_version() from public;
grant execute on function public.inventory_version() to anon, authenticated, service_role;


-- -----------------------------------------------------------------------------
-- Public search helpers (schema public = callable as RPC; security definer so
-- the planner can use GIN indexes whose operators are not leakproof; each one
-- restricts itself to visible vehicles, which is exactly what the public
-- policy would allow).
-- -----------------------------------------------------------------------------

-- -----------------------------------------------------------------------------
-- vehicle_model_stats: one row per make/model in the visible inventory
-- (counts, price and year ranges, body types). ~100 rows instead of 1M:
-- fuzzy make/model matching, typeahead suggestions and facet hints run
-- against this table, then vehicles are fetched through the btree
-- (make, model, year). Refreshed by private.refresh_vehicle_model_stats()
-- (jobs: every minute and after imports/seeds), so it may lag by a minute.
-- -----------------------------------------------------------------------------
create table public.vehicle_model_stats (
  make            text not null,
  model           text not null,
  body_types      text[] not null default '{}',
  vehicles        integer not null check (vehicles >= 0),
  min_price_cents bigint,
  max_price_cents bigint,
  min_year        integer,
  max_year        integer,
  refreshed_at    timestamptz not null default now(),
  primary key (make, model)
);
comment on table public.vehicle_model_stats is
  'Aggregate of visible inventory per make/model for typeahead, fuzzy search and facet hints (refreshed by a job).';
create index vehicle_model_stats_trgm_idx on public.vehicle_model_stats
  using gin ((make || ' ' || model) extensions.gin_trgm_ops);

create function private.refresh_vehicle_model_stats() returns integer
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
begin
  with agg as (
    select v.make, v.model, array_agg(distinct v.body_type order by v.body_type) as body_types,
           count(*)::integer as vehicles, min(v.price_current_cents) as min_price_cents,
           max(v.price_current_cents) as max_price_cents, min(v.year) as min_year, max(v.year) as max_year
    from public.vehicles v
    where v.visible
    group by v.make, v.model
  ), upserted as (
    insert into public.vehicle_model_stats as s
      (make, model, body_types, vehicles, min_price_cents, max_price_cents, min_year, max_year, refreshed_at)
    select a.make, a.model, a.body_types, a.vehicles, a.min_price_cents, a.max_price_cents, a.min_year, a.max_year, now()
    from agg a
    on conflict (make, model) do update
      set body_types = excluded.body_types, vehicles = excluded.vehicles,
          min_price_cents = excluded.min_price_cents, max_price_cents = excluded.max_price_cents,
          min_year = excluded.min_year, max_year = excluded.max_year, refreshed_at = excluded.refreshed_at
    returning 1
  ), removed as (
    delete from public.vehicle_model_stats s
    where not exists (select 1 from agg a where a.make = s.make and a.model = s.model)
    returning 1
  )
  select count(*) into n from upserted;
  return n;
end
$$;
revoke all on function private.refresh_vehicle_model_stats() from public;
grant execute on function private.refresh_vehicle_model_stats() to service_role;

-- Ids of visible vehicles matching free text, best first:
--   1. fuzzy make/model ("toyta camry", "camry", "toyota") resolved against
--      vehicle_model_stats by trigram similarity, then vehicles of those
--      models through the (make, model, year) btree, newest years first;
--   2. full text over the generated tsvector (trim, year, body, fuel,
--      colour, description words) for everything else.
-- Security definer so that the non-leakproof text operators can use their
-- indexes; it filters `visible` itself, exactly the public policy. Join the
-- result to vehicles on id (uuid_eq is leakproof, so the join is indexed).
create function public.search_vehicle_ids(p_query text, p_limit integer default 1000)
returns table (vehicle_id uuid, rank real)
language sql stable security definer set search_path = '' as $$
  with q as (
    select websearch_to_tsquery('simple'::regconfig, left(coalesce(p_query, ''), 200)) as tsq,
           lower(btrim(left(coalesce(p_query, ''), 200))) as raw,
           least(greatest(coalesce(p_limit, 1000), 1), 10000) as lim
  ), models as (
    select s.make, s.model,
           greatest(extensions.similarity(s.make || ' ' || s.model, q.raw),
                    extensions.word_similarity(q.raw, s.make || ' ' || s.model)) as sim
    from public.vehicle_model_stats s, q
    where q.raw <> ''
  ), by_model as (
    select v.id, m.sim::real as rank
    from models m
    cross join lateral (
      select v.id from public.vehicles v
      where v.make = m.make and v.model = m.model and v.visible
      order by v.year desc
      limit (select q.lim from q)) v
    where m.sim >= 0.3
  ), by_text as (
    select v.id, ts_rank(v.search_tsv, q.tsq) as rank
    from (select v.id, v.search_tsv from public.vehicles v, q
          where v.visible and v.search_tsv @@ q.tsq
          limit (select q.lim from q)) v, q
  )
  select u.id, max(u.rank)::real
  from (select * from by_model union all select * from by_text) u
  group by u.id
  order by max(u.rank) desc, u.id
  limit (select q.lim from q)
$$;
comment on function public.search_vehicle_ids(text, integer) is
  'Visible vehicle ids matching free text (fuzzy make/model + full text), best first. Index-backed even for anon.';

-- Count one page view of a visible vehicle (nudges). No-op for hidden ids.
create function public.record_vehicle_view(p_vehicle_id uuid)
returns void
language sql volatile security definer set search_path = '' as $$
  insert into public.vehicle_views as vv (vehicle_id, day, views)
  select v.id, current_date, 1 from public.vehicles v where v.id = p_vehicle_id and v.visible
  on conflict (vehicle_id, day) do update set views = vv.views + 1, updated_at = now()
$$;

revoke all on function public.search_vehicle_ids(text, integer), public.record_vehicle_view(uuid) from public;
grant execute on function public.search_vehicle_ids(text, integer), public.record_vehicle_view(uuid)
  to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- RLS + grants
-- -----------------------------------------------------------------------------
alter table public.locations enable row level security;
alter table public.vehicles enable row level security;
alter table public.vehicle_specs enable row level security;
alter table public.vehicle_media enable row level security;
alter table public.price_history enable row level security;
alter table public.vehicle_views enable row level security;
alter table public.vehicle_model_stats enable row level security;

revoke all on table public.locations, public.vehicles, public.vehicle_specs, public.vehicle_media,
  public.price_history, public.vehicle_views, public.vehicle_model_stats from anon, authenticated, service_role;

grant select on public.locations, public.vehicles, public.vehicle_specs, public.vehicle_media,
  public.price_history, public.vehicle_views to anon, authenticated;
grant insert, update, delete on public.locations, public.vehicles, public.vehicle_specs,
  public.vehicle_media to authenticated;
grant delete on public.price_history to authenticated;
grant select, insert, update, delete on public.locations, public.vehicles, public.vehicle_specs,
  public.vehicle_media, public.price_history, public.vehicle_views, public.vehicle_model_stats to service_role;
grant select on public.vehicle_model_stats to anon, authenticated;

-- locations: public read of active branches; staff manage.
create policy locations_select_public on public.locations
  for select to anon, authenticated using (is_active);
create policy locations_select_staff on public.locations
  for select to authenticated using ((select private.is_staff()));
create policy locations_insert_staff on public.locations
  for insert to authenticated with check ((select private.is_staff()));
create policy locations_update_staff on public.locations
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy locations_delete_admin on public.locations
  for delete to authenticated using ((select private.is_admin()));

-- vehicles: public read where visible; staff full access.
create policy vehicles_select_public on public.vehicles
  for select to anon, authenticated using (visible);
create policy vehicles_select_staff on public.vehicles
  for select to authenticated using ((select private.is_staff()));
create policy vehicles_insert_staff on public.vehicles
  for insert to authenticated with check ((select private.is_staff()));
create policy vehicles_update_staff on public.vehicles
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy vehicles_delete_staff on public.vehicles
  for delete to authenticated using ((select private.is_staff()));

-- specs / media / price history / views: public when the vehicle is visible.
-- The sub-select is planned once per statement (hashed), not per row.
create policy vehicle_specs_select_public on public.vehicle_specs
  for select to anon, authenticated
  using (vehicle_id in (select v.id from public.vehicles v where v.visible));
create policy vehicle_specs_select_staff on public.vehicle_specs
  for select to authenticated using ((select private.is_staff()));
create policy vehicle_specs_insert_staff on public.vehicle_specs
  for insert to authenticated with check ((select private.is_staff()));
create policy vehicle_specs_update_staff on public.vehicle_specs
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy vehicle_specs_delete_staff on public.vehicle_specs
  for delete to authenticated using ((select private.is_staff()));

create policy vehicle_media_select_public on public.vehicle_media
  for select to anon, authenticated
  using (vehicle_id in (select v.id from public.vehicles v where v.visible));
create policy vehicle_media_select_staff on public.vehicle_media
  for select to authenticated using ((select private.is_staff()));
create policy vehicle_media_insert_staff on public.vehicle_media
  for insert to authenticated with check ((select private.is_staff()));
create policy vehicle_media_update_staff on public.vehicle_media
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy vehicle_media_delete_staff on public.vehicle_media
  for delete to authenticated using ((select private.is_staff()));

-- price_history is append-only from the trigger; admins may prune it.
create policy price_history_select_public on public.price_history
  for select to anon, authenticated
  using (vehicle_id in (select v.id from public.vehicles v where v.visible));
create policy price_history_select_staff on public.price_history
  for select to authenticated using ((select private.is_staff()));
create policy price_history_delete_admin on public.price_history
  for delete to authenticated using ((select private.is_admin()));

create policy vehicle_views_select_public on public.vehicle_views
  for select to anon, authenticated
  using (vehicle_id in (select v.id from public.vehicles v where v.visible));
create policy vehicle_views_select_staff on public.vehicle_views
  for select to authenticated using ((select private.is_staff()));

-- model stats are aggregates of the public inventory: readable by everyone,
-- written only by the refresh function (owner) and jobs.
create policy vehicle_model_stats_select_public on public.vehicle_model_stats
  for select to anon, authenticated using (true);
