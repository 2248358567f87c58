-- =============================================================================
-- Catalog managed by staff: service packages and availability, parts and
-- their categories, offers, trade-in valuation rules and the market index.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- service_packages (tiered offerings, /service/packages)
-- -----------------------------------------------------------------------------
create table public.service_packages (
  id             uuid primary key default gen_random_uuid(),
  slug           text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title          text not null check (char_length(title) between 1 and 120),
  description    text,
  tier           text not null default 'standard' check (tier in ('basic', 'standard', 'premium')),
  price          numeric(10, 2) not null check (price >= 0),
  duration_min   integer not null check (duration_min between 5 and 1440),
  included_items jsonb not null default '[]'::jsonb check (jsonb_typeof(included_items) = 'array'),
  position       integer not null default 0,
  active         boolean not null default true,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
create index service_packages_active_idx on public.service_packages (position) where active;

create trigger service_packages_set_updated_at before update on public.service_packages
  for each row execute function private.set_updated_at();
create trigger service_packages_audit after insert or update or delete on public.service_packages
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- service_availability: bookable slots per location and day, with capacity.
-- Generated ahead of time from locations.hours_json by a job (and by the
-- seed). Remaining capacity: public.service_slot_availability().
-- -----------------------------------------------------------------------------
create table public.service_availability (
  id           uuid primary key default gen_random_uuid(),
  location_id  uuid not null references public.locations (id) on delete cascade,
  kind         text not null default 'service' check (kind in ('service', 'test_drive')),
  service_date date not null,
  start_time   time not null,
  end_time     time not null,
  capacity     integer not null check (capacity between 1 and 500),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  check (end_time > start_time),
  unique (location_id, kind, service_date, start_time)
);
comment on table public.service_availability is 'Bookable slots (local wall-clock time of the location) with capacity.';
create index service_availability_date_idx on public.service_availability (service_date, location_id);

create trigger service_availability_set_updated_at before update on public.service_availability
  for each row execute function private.set_updated_at();
create trigger service_availability_audit after insert or update or delete on public.service_availability
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- part_categories / parts
-- -----------------------------------------------------------------------------
create table public.part_categories (
  id         uuid primary key default gen_random_uuid(),
  name       text not null check (char_length(name) between 1 and 80),
  slug       text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- restrict: deleting a parent must not silently orphan or delete a subtree.
  parent_id  uuid references public.part_categories (id) on delete restrict,
  position   integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (parent_id is distinct from id)
);
create index part_categories_parent_idx on public.part_categories (parent_id);

create trigger part_categories_set_updated_at before update on public.part_categories
  for each row execute function private.set_updated_at();
create trigger part_categories_audit after insert or update or delete on public.part_categories
  for each row execute function private.audit_row();

create table public.parts (
  id               uuid primary key default gen_random_uuid(),
  sku              text not null unique check (sku ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
  name             text not null check (char_length(name) between 1 and 200),
  description      text,
  price            numeric(10, 2) not null check (price >= 0),
  -- leakproof mirror for price filters under RLS (see vehicles)
  price_cents      bigint generated always as ((price * 100)::bigint) stored,
  stock            integer not null default 0 check (stock >= 0),
  category_id      uuid references public.part_categories (id) on delete restrict,
  media            jsonb not null default '[]'::jsonb check (jsonb_typeof(media) = 'array'),
  compatible_makes jsonb not null default '[]'::jsonb check (jsonb_typeof(compatible_makes) = 'array'),
  active           boolean not null default true,
  search_tsv       tsvector generated always as (
                     setweight(to_tsvector('simple'::regconfig, sku), 'A') ||
                     setweight(to_tsvector('english'::regconfig, name), 'A') ||
                     setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
                   ) stored,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index parts_category_idx on public.parts (category_id);
create index parts_price_cents_idx on public.parts (price_cents) where active;
create index parts_search_tsv_idx on public.parts using gin (search_tsv);
create index parts_name_trgm_idx on public.parts using gin (name extensions.gin_trgm_ops);
create index parts_compatible_makes_idx on public.parts using gin (compatible_makes jsonb_path_ops);

create trigger parts_set_updated_at before update on public.parts
  for each row execute function private.set_updated_at();
create trigger parts_audit after insert or update or delete on public.parts
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- offers (spec: id, title, description, starts_at, ends_at, terms_md, active)
-- -----------------------------------------------------------------------------
create table public.offers (
  id          uuid primary key default gen_random_uuid(),
  title       text not null check (char_length(title) between 1 and 160),
  description text,
  kind        text not null default 'sales' check (kind in ('sales', 'finance', 'lease', 'service', 'parts', 'trade_in')),
  starts_at   timestamptz,
  ends_at     timestamptz,
  terms_md    text,
  active      boolean not null default true,
  location_id uuid references public.locations (id) on delete cascade,
  image_path  text,
  position    integer not null default 0,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at)
);
create index offers_active_idx on public.offers (position, starts_at) where active;
create index offers_location_idx on public.offers (location_id);

create trigger offers_set_updated_at before update on public.offers
  for each row execute function private.set_updated_at();
create trigger offers_audit after insert or update or delete on public.offers
  for each row execute function private.audit_row();

-- -----------------------------------------------------------------------------
-- Trade-in valuation (spec §12): rules by make/model/year(/body) plus a
-- configurable market index. Business-sensitive: readable by staff only; the
-- public gets numbers through public.tradein_estimate().
-- -----------------------------------------------------------------------------
create table public.tradein_valuation_rules (
  id                          uuid primary key default gen_random_uuid(),
  make                        text,             -- null = any make
  model                       text,             -- null = any model of the make
  body_type                   text,             -- null = any body type
  year_min                    integer not null default 1981 check (year_min between 1900 and 2100),
  year_max                    integer not null default 2100 check (year_max between 1900 and 2100),
  base_value                  numeric(12, 2) not null check (base_value >= 0),  -- value at age 0
  annual_depreciation         numeric(5, 4) not null default 0.12 check (annual_depreciation between 0 and 0.6),
  mileage_allowance_per_year  integer not null default 12000 check (mileage_allowance_per_year >= 0),
  mileage_penalty_per_1000    numeric(10, 2) not null default 60 check (mileage_penalty_per_1000 >= 0),
  -- multipliers for condition_grade 1..5
  condition_multipliers       numeric[] not null default '{0.70,0.82,0.92,1.00,1.06}'
                                check (array_length(condition_multipliers, 1) = 5),
  spread_pct                  numeric(5, 4) not null default 0.06 check (spread_pct between 0 and 0.5),
  min_value                   numeric(12, 2) not null default 500 check (min_value >= 0),
  priority                    integer not null default 0,
  active                      boolean not null default true,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now(),
  check (year_max >= year_min),
  check (model is null or make is not null)
);
create index tradein_valuation_rules_lookup_idx on public.tradein_valuation_rules (lower(make), lower(model)) where active;

create trigger tradein_valuation_rules_set_updated_at before update on public.tradein_valuation_rules
  for each row execute function private.set_updated_at();
create trigger tradein_valuation_rules_audit after insert or update or delete on public.tradein_valuation_rules
  for each row execute function private.audit_row();

create table public.market_index (
  id             uuid primary key default gen_random_uuid(),
  segment        text not null default 'all',     -- 'all' or a vehicles.body_type
  make           text,                            -- null = every make
  index_value    numeric(6, 4) not null check (index_value > 0 and index_value < 10),
  effective_from date not null,
  source         text,
  notes          text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
comment on table public.market_index is 'Wholesale market multiplier (1.0 = neutral) by segment/make, effective from a date.';
create unique index market_index_key on public.market_index (segment, coalesce(make, ''), effective_from);

create trigger market_index_set_updated_at before update on public.market_index
  for each row execute function private.set_updated_at();
create trigger market_index_audit after insert or update or delete on public.market_index
  for each row execute function private.audit_row();

-- Quick estimate [low, high]: most specific active rule (model > make > body >
-- priority), depreciation by age, mileage beyond the yearly allowance,
-- condition multiplier, market index; rounded to $50. No row = no rule.
create function public.tradein_estimate(p_make text, p_model text, p_year integer, p_mileage integer,
                                        p_condition_grade integer default 3, p_body_type text default null)
returns table (est_value_low numeric, est_value_high numeric, rule_id uuid, market_index numeric)
language sql stable security definer set search_path = '' as $$
  with params as (
    select greatest(0, extract(year from current_date)::int - p_year) as age,
           greatest(coalesce(p_mileage, 0), 0) as miles,
           least(greatest(coalesce(p_condition_grade, 3), 1), 5) as grade
  ), rule as (
    select r.* from public.tradein_valuation_rules r
    where r.active
      and (r.make is null or lower(r.make) = lower(p_make))
      and (r.model is null or lower(r.model) = lower(p_model))
      and (r.body_type is null or r.body_type = p_body_type)
      and p_year between r.year_min and r.year_max
    order by (r.model is not null) desc, (r.make is not null) desc, (r.body_type is not null) desc,
             r.priority desc, r.id
    limit 1
  ), mkt as (
    select coalesce((
      select mi.index_value from public.market_index mi
      where mi.effective_from <= current_date
        and (mi.make is null or lower(mi.make) = lower(p_make))
        and mi.segment in ('all', coalesce(p_body_type, 'all'))
      order by (mi.make is not null) desc, (mi.segment <> 'all') desc, mi.effective_from desc
      limit 1), 1.0) as idx
  ), calc as (
    select rule.id, mkt.idx, rule.spread_pct,
           greatest(rule.min_value,
             (rule.base_value * power(1 - rule.annual_depreciation, params.age)
              - greatest(0, params.miles - rule.mileage_allowance_per_year * (params.age + 1)) / 1000.0
                * rule.mileage_penalty_per_1000)
             * rule.condition_multipliers[params.grade] * mkt.idx) as value
    from rule, mkt, params
  )
  select round(value * (1 - spread_pct) / 50) * 50,
         round(value * (1 + spread_pct) / 50) * 50,
         id, idx
  from calc
$$;
comment on function public.tradein_estimate(text, text, integer, integer, integer, text) is
  'Trade-in quick estimate [low, high] from tradein_valuation_rules x market_index (spec §12).';
revoke all on function public.tradein_estimate(text, text, integer, integer, integer, text) from public;
grant execute on function public.tradein_estimate(text, text, integer, integer, integer, text)
  to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- RLS + grants: public read of what is on sale/active; staff manage;
-- deletes of reference data that others point to are admin-only.
-- -----------------------------------------------------------------------------
alter table public.service_packages enable row level security;
alter table public.service_availability enable row level security;
alter table public.part_categories enable row level security;
alter table public.parts enable row level security;
alter table public.offers enable row level security;
alter table public.tradein_valuation_rules enable row level security;
alter table public.market_index enable row level security;

revoke all on table public.service_packages, public.service_availability, public.part_categories,
  public.parts, public.offers from anon, authenticated, service_role;
grant select on public.service_packages, public.service_availability, public.part_categories,
  public.parts, public.offers to anon, authenticated;
grant insert, update, delete on public.service_packages, public.service_availability,
  public.part_categories, public.parts, public.offers to authenticated;
grant select, insert, update, delete on public.service_packages, public.service_availability,
  public.part_categories, public.parts, public.offers to service_role;

create policy service_packages_select_public on public.service_packages
  for select to anon, authenticated using (active);
create policy service_packages_select_staff on public.service_packages
  for select to authenticated using ((select private.is_staff()));
create policy service_packages_insert_staff on public.service_packages
  for insert to authenticated with check ((select private.is_staff()));
create policy service_packages_update_staff on public.service_packages
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy service_packages_delete_admin on public.service_packages
  for delete to authenticated using ((select private.is_admin()));

create policy service_availability_select_public on public.service_availability
  for select to anon, authenticated using (service_date >= current_date);
create policy service_availability_select_staff on public.service_availability
  for select to authenticated using ((select private.is_staff()));
create policy service_availability_insert_staff on public.service_availability
  for insert to authenticated with check ((select private.is_staff()));
create policy service_availability_update_staff on public.service_availability
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy service_availability_delete_staff on public.service_availability
  for delete to authenticated using ((select private.is_staff()));

create policy part_categories_select_public on public.part_categories
  for select to anon, authenticated using (true);
create policy part_categories_insert_staff on public.part_categories
  for insert to authenticated with check ((select private.is_staff()));
create policy part_categories_update_staff on public.part_categories
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy part_categories_delete_admin on public.part_categories
  for delete to authenticated using ((select private.is_admin()));

create policy parts_select_public on public.parts
  for select to anon, authenticated using (active);
create policy parts_select_staff on public.parts
  for select to authenticated using ((select private.is_staff()));
create policy parts_insert_staff on public.parts
  for insert to authenticated with check ((select private.is_staff()));
create policy parts_update_staff on public.parts
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy parts_delete_admin on public.parts
  for delete to authenticated using ((select private.is_admin()));

-- Active = switched on and inside its validity window.
create policy offers_select_public on public.offers
  for select to anon, authenticated
  using (active and (starts_at is null or starts_at <= now()) and (ends_at is null or ends_at > now()));
create policy offers_select_staff on public.offers
  for select to authenticated using ((select private.is_staff()));
create policy offers_insert_staff on public.offers
  for insert to authenticated with check ((select private.is_staff()));
create policy offers_update_staff on public.offers
  for update to authenticated using ((select private.is_staff())) with check ((select private.is_staff()));
create policy offers_delete_staff on public.offers
  for delete to authenticated using ((select private.is_staff()));

-- Valuation data: staff read, admin write; the public uses tradein_estimate().
revoke all on table public.tradein_valuation_rules, public.market_index from anon, authenticated, service_role;
grant select, insert, update, delete on public.tradein_valuation_rules, public.market_index to authenticated;
grant select, insert, update, delete on public.tradein_valuation_rules, public.market_index to service_role;

create policy tradein_valuation_rules_select_staff on public.tradein_valuation_rules
  for select to authenticated using ((select private.is_staff()));
create policy tradein_valuation_rules_insert_admin on public.tradein_valuation_rules
  for insert to authenticated with check ((select private.is_admin()));
create policy tradein_valuation_rules_update_admin on public.tradein_valuation_rules
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy tradein_valuation_rules_delete_admin on public.tradein_valuation_rules
  for delete to authenticated using ((select private.is_admin()));

create policy market_index_select_staff on public.market_index
  for select to authenticated using ((select private.is_staff()));
create policy market_index_insert_admin on public.market_index
  for insert to authenticated with check ((select private.is_admin()));
create policy market_index_update_admin on public.market_index
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy market_index_delete_admin on public.market_index
  for delete to authenticated using ((select private.is_admin()));
