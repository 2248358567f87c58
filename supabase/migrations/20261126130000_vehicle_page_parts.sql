-- vehicle_page_parts: the parts of a car's page (/vehicles/{id}) that come from other
-- tables than vehicles, kept beside the car by triggers, so that the page reads one
-- row instead of a join and four statements per request.
--
-- Why: at 1M vehicles with the caches off, the page's media, price-history, reviews
-- and test-drive statements were ~110 µs of the ~200 µs per page that pgbench
-- measured for its pipeline (as the server sends it; bench/README.md, session 8). Each one paid for itself:
-- under anon the child tables' policies probe the car's visibility per row, the
-- bookings go through a security-definer function, and each statement has its own
-- executor start-up, index descents and JSON building. The specs join cost as much
-- as the parts join that replaces it, so the specs come along. A page is read
-- thousands of times for each time one of these changes.
--
-- One definition per part: the renderers below, listed once in
-- private.render_vehicle_page_parts(). The triggers store what they return; the
-- page reads the stored row and renders the parts itself only for a car without
-- one (so a missing row is slower, never wrong).
--
-- The parts follow every write to their tables, bulk or not. Only writes with
-- triggers off (session_replication_role = replica) skip them:
-- private.seed_vehicles() does that as a superuser, and now derives the parts of
-- the cars it generated itself.
--
-- Time stamps are rendered in UTC (the functions' callers here set it), as the
-- page rendered them before: the embedded stack and Supabase both run in UTC.

-- ---------------------------------------------------------------- renderers
-- Security invoker: called by a user, they see what that user may see (the page
-- calls them only for a car the user can see); called by the triggers below
-- (security definer, the tables' owner), they see every row. PL/pgSQL rather than
-- SQL: a SQL function with a SET clause is planned again on every call (see
-- 20261126030000). The backfill below at 1M cars, on the development VM: 113 s for
-- four parts as SQL functions, 104 s for all five as PL/pgSQL.

-- The car's spec document, {} when it has none.
create function public.vehicle_specs_json(p_vehicle_id uuid) returns jsonb
language plpgsql stable set search_path = '' as $$
begin
  return (
    select coalesce((select s.specs from public.vehicle_specs s where s.vehicle_id = p_vehicle_id), '{}'::jsonb));
end
$$;

-- Every media item of the car, ordered by kind and position, as stored: the API
-- signs each path (and its variants) per request.
create function public.vehicle_media_json(p_vehicle_id uuid) returns json
language plpgsql stable set search_path = '' as $$
begin
  return (
    select coalesce(json_agg(json_build_object(
             'id', m.id, 'kind', m.kind, 'path', m.path, 'position', m.position,
             'alt_text', m.alt_text, 'content_type', m.content_type, 'width', m.width,
             'height', m.height, 'variants', m.variants) order by m.kind, m.position), '[]'::json)
    from public.vehicle_media m
    where m.vehicle_id = p_vehicle_id);
end
$$;

-- The latest 100 prices, oldest first (a chart reads left to right).
create function public.vehicle_price_history_json(p_vehicle_id uuid) returns json
language plpgsql stable set search_path = '' as $$
begin
  return (
    select coalesce(json_agg(json_build_object(
             'price', h.price, 'previous_price', h.previous_price,
             'change', h.price - h.previous_price, 'source', h.source,
             'recorded_at', h.recorded_at) order by h.recorded_at, h.id), '[]'::json)
    from (select h.id, h.price, h.previous_price, h.source, h.recorded_at
          from public.price_history h
          where h.vehicle_id = p_vehicle_id
          order by h.recorded_at desc, h.id desc
          limit 100) h);
end
$$;

-- Approved reviews only, said explicitly: a customer's RLS also shows their own
-- pending review, and the page reads the same for everyone.
create function public.vehicle_reviews_json(p_vehicle_id uuid) returns json
language plpgsql stable set search_path = '' as $$
begin
  return (
    with r as (
      select r.id, r.rating, r.title, r.body, r.author_name, r.created_at
      from public.reviews r
      where r.target_id = p_vehicle_id and r.target_type = 'vehicle' and r.status = 'approved'
    )
    select json_build_object(
             'count', count(*),
             'average_rating', round(avg(r.rating), 2),
             'distribution', json_build_object(
               '5', count(*) filter (where r.rating = 5), '4', count(*) filter (where r.rating = 4),
               '3', count(*) filter (where r.rating = 3), '2', count(*) filter (where r.rating = 2),
               '1', count(*) filter (where r.rating = 1)),
             'latest', coalesce((
               select json_agg(json_build_object(
                        'id', x.id, 'rating', x.rating, 'title', x.title, 'body', x.body,
                        'author_name', x.author_name, 'created_at', x.created_at)
                      order by x.created_at desc, x.id)
               from (select * from r order by r.created_at desc, r.id limit 5) x), '[]'::json))
    from r);
end
$$;

revoke all on function public.vehicle_specs_json(uuid), public.vehicle_media_json(uuid),
  public.vehicle_price_history_json(uuid), public.vehicle_reviews_json(uuid) from public;
grant execute on function public.vehicle_specs_json(uuid), public.vehicle_media_json(uuid),
  public.vehicle_price_history_json(uuid), public.vehicle_reviews_json(uuid)
  to anon, authenticated, service_role;

-- Start times (epoch seconds) of the car's active test-drive bookings, from a day
-- before now on: the page's week starts today in the car's own time zone, and the
-- API drops any start before the slots it offers. Private: customers' bookings are
-- read through public.vehicle_test_drive_starts(), for visible cars only.
create function private.vehicle_booked_test_drives(p_vehicle_id uuid) returns bigint[]
language plpgsql stable set search_path = '' as $$
begin
  return (
    select coalesce(array_agg(extract(epoch from a.desired_at)::bigint order by a.desired_at), '{}')
    from public.service_appointments a
    where a.vehicle_id = p_vehicle_id
      and a.service_type = 'test_drive'
      and a.status in ('booked', 'rescheduled')
      and a.desired_at >= now() - interval '1 day');
end
$$;
revoke all on function private.vehicle_booked_test_drives(uuid) from public;

-- ---------------------------------------------------------------- the table
create table public.vehicle_page_parts (
  vehicle_id         uuid primary key references public.vehicles (id) on delete cascade,
  specs              jsonb not null,
  media              json not null,
  price_history      json not null,
  reviews            json not null,
  booked_test_drives bigint[] not null,
  updated_at         timestamptz not null default now()
);
comment on table public.vehicle_page_parts is
  'Derived, read-only: each car''s specs, media, price history, review summary and booked test drives as its page reads them (private.render_vehicle_page_parts), kept by triggers on the tables they come from.';

-- Readable as its car is; no API role writes it (the triggers do, as the owner).
alter table public.vehicle_page_parts enable row level security;
revoke all on table public.vehicle_page_parts from anon, authenticated, service_role;
grant select on public.vehicle_page_parts to anon, authenticated, service_role;
create policy vehicle_page_parts_select_public on public.vehicle_page_parts
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = vehicle_page_parts.vehicle_id and v.visible));
create policy vehicle_page_parts_select_staff on public.vehicle_page_parts
  for select to authenticated using ((select private.is_staff()));

-- The one list of renderers: one car's row, as stored.
create function private.render_vehicle_page_parts(p_vehicle_id uuid) returns public.vehicle_page_parts
language plpgsql stable set search_path = '' as $$
begin
  return row(p_vehicle_id, public.vehicle_specs_json(p_vehicle_id), public.vehicle_media_json(p_vehicle_id),
             public.vehicle_price_history_json(p_vehicle_id), public.vehicle_reviews_json(p_vehicle_id),
             private.vehicle_booked_test_drives(p_vehicle_id), now())::public.vehicle_page_parts;
end
$$;
revoke all on function private.render_vehicle_page_parts(uuid) from public;

-- ---------------------------------------------------------------- derivation
-- Renders the given cars' rows again. A concurrent writer of the same car must not
-- leave its change out, so the rows are locked first (in id order) and rendered
-- after: under READ COMMITTED each statement here takes a new snapshot, which then
-- holds every change committed before the lock was granted (under REPEATABLE READ
-- the lock raises a serialization failure instead, and the writer retries). A car's
-- first row is inserted empty before the lock, to be rendered with the others.
create function private.derive_vehicle_page_parts(p_ids uuid[]) returns void
language plpgsql security definer set search_path = '' set timezone = 'UTC' as $$
begin
  insert into public.vehicle_page_parts (vehicle_id, specs, media, price_history, reviews, booked_test_drives)
  select v.id, '{}', '[]', '[]', '{}', '{}'
  from public.vehicles v
  where v.id = any (p_ids)
  order by v.id
  on conflict (vehicle_id) do nothing;
  perform 1 from public.vehicle_page_parts p
  where p.vehicle_id = any (p_ids)
  order by p.vehicle_id
  for update;
  update public.vehicle_page_parts p
  set (specs, media, price_history, reviews, booked_test_drives, updated_at) =
      (select r.specs, r.media, r.price_history, r.reviews, r.booked_test_drives, r.updated_at
       from private.render_vehicle_page_parts(p.vehicle_id) r)
  where p.vehicle_id = any (p_ids);
end
$$;
revoke all on function private.derive_vehicle_page_parts(uuid[]) from public;

-- After each statement on a source table: the cars its rows name, before and after
-- (an UPDATE may move a row to another car). Arguments: the column that names the
-- car, and which rows concern a page (reviews of cars, test-drive bookings).
create function private.sync_vehicle_page_parts() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_car    text := tg_argv[0];
  v_filter text := tg_argv[1];
  v_ids    uuid[];
begin
  if tg_op = 'TRUNCATE' then
    select array_agg(p.vehicle_id) into v_ids from public.vehicle_page_parts p;
  else
    execute format('select array_agg(distinct c.car) from (%s) c where c.car is not null',
                   concat_ws(' union all ',
                     case when tg_op <> 'DELETE' then format('select %I as car from new_rows where %s', v_car, v_filter) end,
                     case when tg_op <> 'INSERT' then format('select %I as car from old_rows where %s', v_car, v_filter) end))
      into v_ids;
  end if;
  if v_ids is not null then
    perform private.derive_vehicle_page_parts(v_ids);
  end if;
  return null;
end
$$;
revoke all on function private.sync_vehicle_page_parts() from public;

-- Transition tables allow one event per trigger, hence four triggers per table.
do $$
declare
  t record;
begin
  for t in select * from (values
      ('vehicle_specs', 'vehicle_id', 'true'),
      ('vehicle_media', 'vehicle_id', 'true'),
      ('price_history', 'vehicle_id', 'true'),
      ('reviews', 'target_id', $f$target_type = 'vehicle'$f$),
      ('service_appointments', 'vehicle_id', $f$service_type = 'test_drive'$f$)) as x(tab, car, filter)
  loop
    execute format('create trigger %I after insert on public.%I referencing new table as new_rows '
                   'for each statement execute function private.sync_vehicle_page_parts(%L, %L)',
                   t.tab || '_page_parts_after_insert', t.tab, t.car, t.filter);
    execute format('create trigger %I after update on public.%I referencing old table as old_rows new table as new_rows '
                   'for each statement execute function private.sync_vehicle_page_parts(%L, %L)',
                   t.tab || '_page_parts_after_update', t.tab, t.car, t.filter);
    execute format('create trigger %I after delete on public.%I referencing old table as old_rows '
                   'for each statement execute function private.sync_vehicle_page_parts(%L, %L)',
                   t.tab || '_page_parts_after_delete', t.tab, t.car, t.filter);
    execute format('create trigger %I after truncate on public.%I '
                   'for each statement execute function private.sync_vehicle_page_parts(%L, %L)',
                   t.tab || '_page_parts_after_truncate', t.tab, t.car, t.filter);
  end loop;
end
$$;

-- ---------------------------------------------------------------- existing cars
set local timezone = 'UTC';
insert into public.vehicle_page_parts
select r.*
from public.vehicles v
cross join lateral private.render_vehicle_page_parts(v.id) r;

-- ---------------------------------------------------------------- the generator
-- private.seed_vehicles() keeps its name and signature (the CLI, seed.sql and the docs
-- call it); the generator itself is renamed, unchanged, and the new function derives
-- the page parts of the batch's cars after it. The generator's triggers are off when
-- it runs as a superuser; otherwise they have derived the parts already.
alter function private.seed_vehicles(bigint, integer, integer) rename to seed_vehicle_rows;

create function private.seed_vehicles(p_start bigint, p_count integer, p_ref_year integer default 2026)
returns integer
language plpgsql
set search_path = ''
set jit = off
set timezone = 'UTC'
as $$
declare
  v_inserted integer;
begin
  v_inserted := private.seed_vehicle_rows(p_start, p_count, p_ref_year);
  insert into public.vehicle_page_parts
  select r.*
  from private.generated_vehicles g
  cross join lateral private.render_vehicle_page_parts(g.vehicle_id) r
  where g.seed_number between p_start and p_start + p_count - 1
    and exists (select 1 from public.vehicles v where v.id = g.vehicle_id)
    and not exists (select 1 from public.vehicle_page_parts p where p.vehicle_id = g.vehicle_id)
  on conflict (vehicle_id) do nothing;
  return v_inserted;
end
$$;
comment on function private.seed_vehicles(bigint, integer, integer) is
  'Deterministic bulk inventory generator (vehicles + media + specs + price history, and their page parts); owner only. See docs/data-model.md.';
revoke all on function private.seed_vehicles(bigint, integer, integer) from public;
