-- vehicles.hero_image_path: the storage key of each car's first image, kept by triggers
-- from vehicle_media, so that a card reads its hero from the row it already has.
--
-- Why: a card's hero was a sub-select on vehicle_media, and under anon that table's
-- policy checks the car's visibility per row (a primary-key probe of vehicles). For
-- 8 similar cards that probe and the media index descent were ~35 µs of ~150 µs
-- of PostgreSQL time (pgbench, pipelined like the server; bench/README.md), and a
-- search page renders 20 cards.
--
-- The column is derived, never written by hand:
--   * private.sync_vehicle_hero_images(), after each statement on vehicle_media,
--     recomputes it for the cars that statement touched;
--   * private.vehicles_keep_hero_image_path(), before each write to vehicles,
--     puts back the stored value when the write comes from anything else (a staff
--     UPDATE, an import, an RPC): only the sync trigger (trigger depth > 1) and
--     bulk loaders (private.bulk_load_active(), never an end user) set it.
--   * private.seed_vehicles() writes it for the cars it generates (its triggers
--     are off: session_replication_role = replica).

alter table public.vehicles add column hero_image_path text;
comment on column public.vehicles.hero_image_path is
  'Storage key of the first image (vehicle_media kind = image, lowest position); derived by triggers, read-only. Served only as a signed URL.';

-- Existing rows. The backfill changes no fact of a listing: no audit entry, no
-- change-feed row per car (the search index does not hold the hero), same updated_at.
-- (By name: the feed triggers are ENABLE ALWAYS, which a blanket ENABLE would undo.)
alter table public.vehicles disable trigger vehicles_audit;
alter table public.vehicles disable trigger vehicles_set_updated_at;
alter table public.vehicles disable trigger vehicles_change_feed_update;
update public.vehicles v
set hero_image_path = h.path
from (select distinct on (m.vehicle_id) m.vehicle_id, m.path
      from public.vehicle_media m
      where m.kind = 'image'
      order by m.vehicle_id, m.position) h
where h.vehicle_id = v.id;
alter table public.vehicles enable trigger vehicles_audit;
alter table public.vehicles enable trigger vehicles_set_updated_at;
alter table public.vehicles enable always trigger vehicles_change_feed_update;

-- ---------------------------------------------------------------- derivation
create function private.sync_vehicle_hero_images() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_ids uuid[];
begin
  if private.bulk_load_active() then
    return null;   -- bulk loaders write the column themselves
  end if;
  if tg_op = 'TRUNCATE' then
    update public.vehicles set hero_image_path = null where hero_image_path is not null;
    return null;
  elsif tg_op = 'INSERT' then
    select array_agg(distinct n.vehicle_id) into v_ids from new_media n;
  elsif tg_op = 'DELETE' then
    select array_agg(distinct o.vehicle_id) into v_ids from old_media o;
  else  -- UPDATE: a row may move to another car, so both cars are recomputed
    select array_agg(distinct c.vehicle_id) into v_ids
    from (select n.vehicle_id from new_media n union select o.vehicle_id from old_media o) c;
  end if;
  update public.vehicles v
  set hero_image_path = h.path
  from (select c.id,
               (select m.path from public.vehicle_media m
                where m.vehicle_id = c.id and m.kind = 'image'
                order by m.position limit 1) as path
        from unnest(v_ids) as c(id)) h
  where v.id = h.id and v.hero_image_path is distinct from h.path;
  return null;
end
$$;
revoke all on function private.sync_vehicle_hero_images() from public;

create trigger vehicle_media_hero_after_insert after insert on public.vehicle_media
  referencing new table as new_media
  for each statement execute function private.sync_vehicle_hero_images();
create trigger vehicle_media_hero_after_update after update on public.vehicle_media
  referencing old table as old_media new table as new_media
  for each statement execute function private.sync_vehicle_hero_images();
create trigger vehicle_media_hero_after_delete after delete on public.vehicle_media
  referencing old table as old_media
  for each statement execute function private.sync_vehicle_hero_images();
create trigger vehicle_media_hero_after_truncate after truncate on public.vehicle_media
  for each statement execute function private.sync_vehicle_hero_images();

-- Security definer only to call private.bulk_load_active(), which end users may not.
create function private.vehicles_keep_hero_image_path() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- Depth 1 is a statement on vehicles itself; the sync trigger's UPDATE runs at depth 2.
  if pg_trigger_depth() = 1 and not private.bulk_load_active() then
    if tg_op = 'INSERT' then
      new.hero_image_path := null;   -- a new car has no media yet (vehicle_media references it)
    else
      new.hero_image_path := old.hero_image_path;
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.vehicles_keep_hero_image_path() from public;

create trigger vehicles_keep_hero_image_path before insert or update on public.vehicles
  for each row execute function private.vehicles_keep_hero_image_path();

-- Cards no longer probe vehicle_media for their hero; the unique
-- (vehicle_id, kind, position) index serves the sync trigger's lookups. (A bulk
-- load that crashed may have it on its list of indexes to rebuild.)
drop index if exists public.vehicle_media_hero_idx;
delete from private.seed_deferred_indexes where index_name = 'vehicle_media_hero_idx';

-- The RPC reads the column too (same rule: a visible car, or any car for staff).
create or replace function public.vehicle_hero_path(p_vehicle_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select v.hero_image_path
  from public.vehicles v
  where v.id = p_vehicle_id and (v.visible or (select private.is_staff()))
$$;

-- ---------------------------------------------------------------- audit
-- Unchanged from 20261125140000_foundation.sql but for the no-op test.
create or replace function private.audit_row() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_mode   text := coalesce(tg_argv[0], 'all');
  v_key    text := coalesce(tg_argv[1], 'id');
  v_before jsonb;
  v_after  jsonb;
  v_actor  uuid;
begin
  if private.bulk_load_active() then
    return null;
  end if;
  if v_mode = 'staff_only' and not private.is_staff() then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    v_before := to_jsonb(old) - 'search_tsv';
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    v_after := to_jsonb(new) - 'search_tsv';
  end if;
  -- A no-op update, or one of only the derived hero_image_path (its source, a
  -- vehicle_media row, has its own audit entry).
  if tg_op = 'UPDATE' and (v_before - 'updated_at' - 'hero_image_path') = (v_after - 'updated_at' - 'hero_image_path') then
    return null;
  end if;
  -- Only reference a real profile (claims of a deleted user must not fail the write).
  select p.id into v_actor from public.profiles p where p.id = auth.uid();

  insert into public.audit_log (actor_user_id, action, resource_table, resource_id, before, after, ip, ua)
  values (v_actor, lower(tg_op), tg_table_name,
          coalesce(v_after, v_before) ->> v_key,
          v_before, v_after, private.request_ip(), private.request_user_agent());
  return null;
end
$$;

-- ---------------------------------------------------------------- generator
-- Unchanged from 20261125140700_seed_generators.sql but for hero_image_path.
create or replace function private.seed_vehicles(p_start bigint, p_count integer, p_ref_year integer default 2026)
returns integer
language plpgsql
set search_path = ''
set jit = off   -- the batch statement's cost estimate triggers LLVM JIT; compiling it cost ~3x the load (measured)
as $$
declare
  v_locations  uuid[];
  v_nloc       integer;
  v_ncat       integer;
  v_inserted   integer;
  v_replica    boolean := false;
  v_bulk_prev  text := coalesce(current_setting('forecourt.bulk_load', true), '');
  -- colour palette weighted like US sales (white/black/gray/silver dominate)
  v_colors     text[] := array['white', 'black', 'gray', 'silver', 'white', 'black', 'gray', 'blue', 'red',
                               'white', 'silver', 'blue', 'green', 'brown', 'beige', 'red', 'gold', 'orange',
                               'yellow', 'purple'];
  v_color_names text[] := array['Pearl White', 'Jet Black', 'Graphite Gray', 'Silver Metallic', 'Glacier White',
                               'Midnight Black', 'Lunar Gray', 'Deep Blue Pearl', 'Ruby Red', 'Arctic White',
                               'Sterling Silver', 'Harbor Blue', 'Forest Green', 'Espresso Brown', 'Sandstone Beige',
                               'Rapid Red', 'Champagne Gold', 'Sunset Orange', 'Solar Yellow', 'Plum Purple'];
  v_interiors  text[] := array['Black Cloth', 'Black Leather', 'Gray Cloth', 'Beige Leather', 'Brown Leather',
                               'Black SofTex', 'Red Leather'];
  v_features   jsonb[] := array[
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control","Leather Seats","Sunroof","Navigation","Power Liftgate"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control","Leather Seats","Sunroof","Navigation","Power Liftgate","Premium Audio","Ventilated Seats","Heads-Up Display","360 Camera"]'
  ]::jsonb[];
begin
  if p_count is null or p_count < 1 then
    return 0;
  end if;
  if p_count > 100000 then
    raise exception 'seed_vehicles: batch of % is too large (max 100000)', p_count using errcode = '22023';
  end if;
  if p_start < 1 or p_start + p_count > 33000000 then
    raise exception 'seed_vehicles: numbers must lie in 1..32999999' using errcode = '22023';
  end if;

  perform set_config('forecourt.bulk_load', 'on', true);
  -- demo data: a crash loses at most the last batch, which a re-run restores
  perform set_config('synchronous_commit', 'off', true);
  begin
    perform set_config('session_replication_role', 'replica', true);
    v_replica := true;
  exception when insufficient_privilege then
    v_replica := false;  -- not a superuser: triggers run but honour forecourt.bulk_load
  end;

  select array_agg(l.id order by l.slug), count(*) into v_locations, v_nloc
  from public.locations l where l.is_active;
  select count(*) into v_ncat from private.seed_catalog;

  with existing as (
    -- numbers of this batch that are already loaded (re-runs): one range scan
    -- on stock_no instead of an ON CONFLICT probe of three unique indexes per
    -- row, which cost ~20% of the load (measured)
    select substr(v.stock_no, 3)::bigint as n
    from public.vehicles v
    where v.stock_no ~ '^FC[0-9]{8}$'
      and v.stock_no between 'FC' || lpad(p_start::text, 8, '0')
                         and 'FC' || lpad((p_start + p_count - 1)::text, 8, '0')
  ), cat as (
    -- weighted VIN check-digit sum of positions 1-8 (WMI + VDS), per model
    select c.*,
           substr(t, 1, 1)::int * 8 + substr(t, 2, 1)::int * 7 + substr(t, 3, 1)::int * 6 + substr(t, 4, 1)::int * 5
           + substr(t, 5, 1)::int * 4 + substr(t, 6, 1)::int * 3 + substr(t, 7, 1)::int * 2 + substr(t, 8, 1)::int * 10
             as vin_prefix_sum
    from private.seed_catalog c
    cross join lateral (select translate(c.wmi || c.vds, 'ABCDEFGHJKLMNPRSTUVWXYZ', '12345678123457923456789') as t) x
  ), gen as (
    select n,
           (pg_catalog.hashint8extended(n, 1) & 9223372036854775807) as h1,
           (pg_catalog.hashint8extended(n, 2) & 9223372036854775807) as h2,
           (pg_catalog.hashint8extended(n, 3) & 9223372036854775807) as h3,
           (pg_catalog.hashint8extended(n, 4) & 9223372036854775807) as h4,
           (pg_catalog.hashint8extended(n, 5) & 9223372036854775807) as h5
    from generate_series(p_start, p_start + p_count - 1) as n
    where n not in (select e.n from existing e)
  ), pick as (
    select g.n, g.h3, g.h4, g.h5, c.*,
           case when g.h2 % 100 < 35 then 'new' when g.h2 % 100 < 85 then 'used' else 'cpo' end as cond,
           1 + (g.h2 / 100 % cardinality(c.trims))::int as tidx
    from gen g
    join cat c on c.idx = 1 + (g.h1 % v_ncat)::int
  ), dated as (
    select p.*,
           case p.cond
             when 'new' then p_ref_year - (p.h3 % 4 = 0 and p.first_year < p_ref_year)::int
             when 'cpo' then p_ref_year - 1 - (p.h3 % greatest(1, least(6, p_ref_year - p.first_year)))::int
             else p_ref_year - 1 - (p.h3 % greatest(1, least(14, p_ref_year - p.first_year)))::int
           end as yr,
           p.fuels[1 + (p.h3 / 16 % cardinality(p.fuels))::int] as fuel,
           p.drivetrains[1 + (p.h3 / 512 % cardinality(p.drivetrains))::int] as drive,
           1 + (p.h4 / 7 % cardinality(v_colors))::int as cidx,
           (p.h5 % 100) as roll
    from pick p
  ), priced as (
    select d.*,
           case when d.cond = 'new' then (d.h4 % 60)::int
                when d.cond = 'cpo' then least(72000, greatest(1500, (p_ref_year - d.yr) * 11500 + (d.h4 % 12000)::int - 6000))
                else greatest(1500, (p_ref_year - d.yr) * 11500 + (d.h4 % 16000)::int - 8000)
           end as miles,
           round(d.base_msrp * (1 + 0.09 * (d.tidx - 1)) / 5) * 5 as msrp
    from dated d
  ), valued as (
    select pr.*,
           case when pr.cond = 'new'
                then pr.msrp - (array[0, 0, 500, 750, 1000, 1500, 2000, 2500])[1 + (pr.h5 / 100 % 8)::int]
                else greatest(4995, round(
                       pr.msrp * power(0.86, p_ref_year - pr.yr)
                       * least(1.10, greatest(0.75, 1 - 0.0025 * (pr.miles - (p_ref_year - pr.yr) * 12000) / 1000.0))
                       * case when pr.cond = 'cpo' then 1.05 else 1.0 end
                       / 100) * 100 - 5)
           end as price_now,
           (pr.cond <> 'new' and pr.roll < 25) as dropped,
           (pr.n % 53 = 0) as sold,
           (pr.n % 71 = 0) as in_transit,
           now() - make_interval(days => 5 + (pr.h4 / 1000 % 115)::int, secs => (pr.h5 / 1000 % 86400)::int) as created
    from priced pr
  ), ins as (
    insert into public.vehicles (
      id, vin, stock_no, make, model, trim, year, body_type, color_ext, color_ext_name, color_int,
      mileage, fuel, transmission, drivetrain, doors, seats, condition, is_special, location_id,
      price_current, price_list, price_previous, price_changed_at, visible, stock_status, sold_at,
      created_at, updated_at, hero_image_path)
    select private.seed_uuid(1, v.n),
           -- = private.make_vin(n, wmi, year, vds), computed inline: the
           -- PL/pgSQL call was ~15% of the load (the suite checks every
           -- seeded VIN with private.vin_is_valid)
           v.wmi || v.vds
           || substr('0123456789X',
                (v.vin_prefix_sum
                 + 9 * ('{1,2,3,4,5,6,7,8,1,2,3,4,5,7,9,2,3,5,6,7,8,1,2,3,4,5,6,7,8,9}'::int[])[((v.yr - 1980) % 30 + 30) % 30 + 1]
                 + 8 * ('{1,2,3,4,5,6,7,8,1,2,3,4,5,7,9,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9}'::int[])[((v.n / 1000000) % 33)::int + 1]
                 + 7 * ((v.n % 1000000) / 100000 % 10) + 6 * ((v.n % 1000000) / 10000 % 10)
                 + 5 * ((v.n % 1000000) / 1000 % 10) + 4 * ((v.n % 1000000) / 100 % 10)
                 + 3 * ((v.n % 1000000) / 10 % 10) + 2 * (v.n % 10))::int % 11 + 1, 1)
           || substr('ABCDEFGHJKLMNPRSTVWXY123456789', ((v.yr - 1980) % 30 + 30) % 30 + 1, 1)
           || substr('ABCDEFGHJKLMNPRSTUVWXYZ0123456789', ((v.n / 1000000) % 33)::int + 1, 1)
           || lpad((v.n % 1000000)::text, 6, '0'),
           'FC' || lpad(v.n::text, 8, '0'),
           v.make, v.model, v.trims[v.tidx], v.yr, v.body_type,
           v_colors[v.cidx], v_color_names[v.cidx],
           v_interiors[1 + (v.h3 / 8192 % cardinality(v_interiors))::int],
           v.miles, v.fuel,
           case when v.fuel = 'electric' then 'automatic'
                else v.transmissions[1 + (v.h4 / 131072 % cardinality(v.transmissions))::int] end,
           v.drive, v.doors, v.seats, v.cond,
           (v.roll between 90 and 97),
           case when v_nloc > 0 then v_locations[1 + (v.h5 / 8 % v_nloc)::int] end,
           v.price_now,
           case when v.cond = 'new' then v.msrp
                else v.price_now + (1 + v.h3 / 65536 % 5) * 400 + (case when v.dropped then 1000 else 0 end) end,
           case when v.dropped then v.price_now + (1 + v.h5 / 7 % 4) * 500 end,
           case when v.dropped then now() - make_interval(days => (v.h4 / 33 % 10)::int, hours => 1 + (v.h3 % 20)::int) end,
           not (v.sold or v.in_transit),
           case when v.sold then 'sold' when v.in_transit then 'in_transit'
                when v.n % 97 = 0 then 'reserved' else 'in_stock' end,
           case when v.sold then v.created + (now() - v.created) / 2 end,
           v.created, v.created,
           -- the first image inserted below (k = 1, position 0): triggers are off here
           'vehicle-media/' || private.seed_uuid(1, v.n) || '/1.jpg'
    from valued v
    returning id, substr(stock_no, 3)::bigint as n, make, model, trim, year, condition, fuel, transmission,
              drivetrain, seats, doors, color_ext_name, color_int, mileage, title, price_current, price_previous,
              price_changed_at, created_at
  ), media as (
    insert into public.vehicle_media (id, vehicle_id, kind, path, position, alt_text, content_type, width, height,
                                      created_at, updated_at)
    select private.seed_uuid(2, i.n * 8 + k), i.id, 'image'::public.media_kind, 'vehicle-media/' || i.id || '/' || k || '.jpg', k - 1,
           i.title || ', photo ' || k, 'image/jpeg', 1600, 1067, i.created_at, i.created_at
    from ins i
    cross join lateral generate_series(1, 2 + ((pg_catalog.hashint8extended(i.n, 7) & 2147483647) % 3)::int) as k
    union all
    select private.seed_uuid(2, i.n * 8 + 6), i.id, 'spin360'::public.media_kind, 'vehicle-media/' || i.id || '/spin/manifest.json', 0,
           i.title || ', 360 degree view', 'application/json', null, null, i.created_at, i.created_at
    from ins i where (pg_catalog.hashint8extended(i.n, 8) & 2147483647) % 10 = 0
    union all
    select private.seed_uuid(2, i.n * 8 + 7), i.id, 'video'::public.media_kind, 'vehicle-media/' || i.id || '/walkaround.mp4', 0,
           i.title || ', walkaround video', 'video/mp4', 1920, 1080, i.created_at, i.created_at
    from ins i where (pg_catalog.hashint8extended(i.n, 9) & 2147483647) % 20 = 0
    returning 1
  ), specs as (
    insert into public.vehicle_specs (vehicle_id, specs, created_at, updated_at)
    select i.id,
           jsonb_strip_nulls(jsonb_build_object(
             'engine', c.engine,
             'horsepower', c.horsepower + (case when i.trim = c.trims[cardinality(c.trims)] then c.horsepower / 10 else 0 end),
             'mpg_city', case when i.fuel in ('hybrid', 'plugin_hybrid') then c.mpg_city + 12 else c.mpg_city end,
             'mpg_highway', case when i.fuel in ('hybrid', 'plugin_hybrid') then c.mpg_highway + 6 else c.mpg_highway end,
             'range_miles', c.range_miles,
             'battery_kwh', c.battery_kwh,
             'cargo_cu_ft', c.cargo_cu_ft,
             'towing_lbs', c.towing_lbs,
             'drivetrain', i.drivetrain,
             'transmission', i.transmission,
             'fuel', i.fuel,
             'seats', i.seats,
             'doors', i.doors,
             'exterior_color', i.color_ext_name,
             'interior_color', i.color_int,
             'features', v_features[1 + least(3, coalesce(array_position(c.trims, i.trim), 1) - 1)],
             'owners', case when i.condition <> 'new' then 1 + (pg_catalog.hashint8extended(i.n, 10) & 3) % 3 end,
             'accident_free', case when i.condition <> 'new' then (pg_catalog.hashint8extended(i.n, 11) & 7) <> 0 end,
             'warranty', case i.condition
                           when 'new' then '3 yr / 36,000 mi basic, 5 yr / 60,000 mi powertrain'
                           when 'cpo' then 'Certified: 7 yr / 100,000 mi powertrain from original in-service date'
                           else 'Limited 90-day / 3,000 mi dealer warranty' end)),
           i.created_at, i.created_at
    from ins i
    join private.seed_catalog c on c.make = i.make and c.model = i.model
    returning 1
  ), registry as (
    insert into private.generated_vehicles (seed_number, vehicle_id)
    select i.n, i.id from ins i
    on conflict (seed_number) do nothing
    returning 1
  ), history as (
    insert into public.price_history (id, vehicle_id, price, previous_price, source, recorded_at)
    select private.seed_uuid(3, i.n * 2), i.id, coalesce(i.price_previous, i.price_current), null, 'seed', i.created_at
    from ins i
    union all
    select private.seed_uuid(3, i.n * 2 + 1), i.id, i.price_current, i.price_previous, 'seed', i.price_changed_at
    from ins i where i.price_previous is not null
    returning 1
  )
  select count(*) into v_inserted from ins;

  if v_inserted > 0 then
    perform nextval('private.inventory_version');   -- statement triggers were skipped
  end if;
  perform set_config('forecourt.bulk_load', v_bulk_prev, true);
  if v_replica then
    perform set_config('session_replication_role', 'origin', true);
  end if;
  return v_inserted;
end
$$;
comment on function private.seed_vehicles(bigint, integer, integer) is
  'Deterministic bulk inventory generator (vehicles + media + specs + price history); owner only. See docs/data-model.md.';
revoke all on function private.seed_vehicles(bigint, integer, integer) from public;
