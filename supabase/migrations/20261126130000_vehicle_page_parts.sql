-- vehicle_page_parts: the parts of a car's page (/vehicles/{id}) that come from its
-- child tables, kept beside the car by triggers, so that the page reads one row
-- instead of a join and three statements per request.
--
-- Why: at 1M vehicles with the caches off, the page's media, price-history and
-- reviews statements were ~80 µs of PostgreSQL's ~200 µs per page (pgbench,
-- pipelined like the server; bench/README.md). Each one paid for itself: under
-- anon the media and history policies probe the car's visibility per child row,
-- and each statement has its own executor start-up, index descents and JSON
-- building. The specs join cost as much as the parts join that replaces it (an
-- index descent and, under anon, a visibility probe), so the specs come along.
-- Pages are read thousands of times for each time a car's specs, media, prices
-- or reviews change.
--
-- One definition per part: public.vehicle_specs_json(), vehicle_media_json(),
-- vehicle_price_history_json() and vehicle_reviews_json() render it. The triggers store what they return; the
-- page reads the stored value and calls the function only for a car without a row
-- (so a missing row is slower, never wrong).
--
-- The parts follow every write to vehicle_specs, vehicle_media, price_history and
-- reviews, bulk or not. Only writes with triggers off (session_replication_role = replica) skip
-- them: private.seed_vehicles() does that as a superuser, and now derives the
-- parts of the cars it generated itself.
--
-- Time stamps are rendered in UTC (the functions' callers here set it), as the
-- page rendered them before: the embedded stack and Supabase both run in UTC.

-- ---------------------------------------------------------------- renderers
-- Security invoker: called by a user, they see what that user may see (the page
-- calls them only for a car the user can see); called by the triggers below
-- (security definer, the tables' owner), they see every row.

-- The car's spec document, {} when it has none.
create function public.vehicle_specs_json(p_vehicle_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select coalesce((select s.specs from public.vehicle_specs s where s.vehicle_id = p_vehicle_id), '{}'::jsonb)
$$;

-- Every media item of the car, ordered by kind and position, as stored: the API
-- signs each path (and its variants) per request.
create function public.vehicle_media_json(p_vehicle_id uuid) returns json
language sql stable set search_path = '' as $$
  select coalesce(json_agg(json_build_object(
           'id', m.id, 'kind', m.kind, 'path', m.path, 'position', m.position,
           'alt_text', m.alt_text, 'content_type', m.content_type, 'width', m.width,
           'height', m.height, 'variants', m.variants) order by m.kind, m.position), '[]'::json)
  from public.vehicle_media m
  where m.vehicle_id = p_vehicle_id
$$;

-- The latest 100 prices, oldest first (a chart reads left to right).
create function public.vehicle_price_history_json(p_vehicle_id uuid) returns json
language sql stable set search_path = '' as $$
  select coalesce(json_agg(json_build_object(
           'price', h.price, 'previous_price', h.previous_price,
           'change', h.price - h.previous_price, 'source', h.source,
           'recorded_at', h.recorded_at) order by h.recorded_at, h.id), '[]'::json)
  from (select h.id, h.price, h.previous_price, h.source, h.recorded_at
        from public.price_history h
        where h.vehicle_id = p_vehicle_id
        order by h.recorded_at desc, h.id desc
        limit 100) h
$$;

-- Approved reviews only, said explicitly: a customer's RLS also shows their own
-- pending review, and the page reads the same for everyone.
create function public.vehicle_reviews_json(p_vehicle_id uuid) returns json
language sql stable set search_path = '' as $$
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
  from r
$$;

revoke all on function public.vehicle_specs_json(uuid), public.vehicle_media_json(uuid),
  public.vehicle_price_history_json(uuid), public.vehicle_reviews_json(uuid) from public;
grant execute on function public.vehicle_specs_json(uuid), public.vehicle_media_json(uuid),
  public.vehicle_price_history_json(uuid), public.vehicle_reviews_json(uuid)
  to anon, authenticated, service_role;

-- ---------------------------------------------------------------- the table
create table public.vehicle_page_parts (
  vehicle_id    uuid primary key references public.vehicles (id) on delete cascade,
  specs         jsonb not null,  -- public.vehicle_specs_json(vehicle_id)
  media         json not null,   -- public.vehicle_media_json(vehicle_id)
  price_history json not null,   -- public.vehicle_price_history_json(vehicle_id)
  reviews       json not null,   -- public.vehicle_reviews_json(vehicle_id)
  updated_at    timestamptz not null default now()
);
comment on table public.vehicle_page_parts is
  'Derived, read-only: each car''s specs, media, price history and review summary as its page shows them, kept by triggers on vehicle_specs, vehicle_media, price_history and reviews.';

-- Readable as its car is; no API role writes it (the triggers do, as the owner).
alter table public.vehicle_page_parts enable row level security;
revoke all on table public.vehicle_page_parts from anon, authenticated, service_role;
grant select on public.vehicle_page_parts to anon, authenticated, service_role;
create policy vehicle_page_parts_select_public on public.vehicle_page_parts
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = vehicle_page_parts.vehicle_id and v.visible));
create policy vehicle_page_parts_select_staff on public.vehicle_page_parts
  for select to authenticated using ((select private.is_staff()));

-- ---------------------------------------------------------------- derivation
-- Recomputes every part of the given cars. A concurrent writer of the same car
-- must not leave its change out, so the rows are locked first (in id order) and read
-- after: under READ COMMITTED each statement here takes a new snapshot, which then
-- holds every change committed before the lock was granted (under REPEATABLE READ
-- the lock raises a serialization failure instead, and the writer retries).
create function private.derive_vehicle_page_parts(p_ids uuid[]) returns void
language plpgsql security definer set search_path = '' set timezone = 'UTC' as $$
begin
  insert into public.vehicle_page_parts (vehicle_id, specs, media, price_history, reviews)
  select v.id, '{}', '[]', '[]', '{}'
  from public.vehicles v
  where v.id = any (p_ids)
  order by v.id
  on conflict (vehicle_id) do nothing;
  perform 1 from public.vehicle_page_parts p
  where p.vehicle_id = any (p_ids)
  order by p.vehicle_id
  for update;
  update public.vehicle_page_parts p
  set specs = public.vehicle_specs_json(p.vehicle_id),
      media = public.vehicle_media_json(p.vehicle_id),
      price_history = public.vehicle_price_history_json(p.vehicle_id),
      reviews = public.vehicle_reviews_json(p.vehicle_id),
      updated_at = now()
  where p.vehicle_id = any (p_ids);
end
$$;
revoke all on function private.derive_vehicle_page_parts(uuid[]) from public;

-- After each statement on a child table: the cars whose rows it touched, before
-- and after (an UPDATE may move a row to another car). Reviews name their car in
-- target_id when target_type is 'vehicle'.
create function private.sync_vehicle_page_parts() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_ids uuid[];
begin
  if tg_op = 'TRUNCATE' then
    select array_agg(p.vehicle_id) into v_ids from public.vehicle_page_parts p;
  elsif tg_table_name = 'reviews' then
    if tg_op = 'INSERT' then
      select array_agg(distinct n.target_id) into v_ids from new_rows n where n.target_type = 'vehicle';
    elsif tg_op = 'DELETE' then
      select array_agg(distinct o.target_id) into v_ids from old_rows o where o.target_type = 'vehicle';
    else
      select array_agg(distinct c.target_id) into v_ids
      from (select n.target_id from new_rows n where n.target_type = 'vehicle'
            union select o.target_id from old_rows o where o.target_type = 'vehicle') c;
    end if;
  elsif tg_op = 'INSERT' then
    select array_agg(distinct n.vehicle_id) into v_ids from new_rows n;
  elsif tg_op = 'DELETE' then
    select array_agg(distinct o.vehicle_id) into v_ids from old_rows o;
  else
    select array_agg(distinct c.vehicle_id) into v_ids
    from (select n.vehicle_id from new_rows n union select o.vehicle_id from old_rows o) c;
  end if;
  if v_ids is not null then
    perform private.derive_vehicle_page_parts(v_ids);
  end if;
  return null;
end
$$;
revoke all on function private.sync_vehicle_page_parts() from public;

-- Transition tables allow one event per trigger, hence four triggers per table.
create trigger vehicle_specs_page_parts_after_insert after insert on public.vehicle_specs
  referencing new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_specs_page_parts_after_update after update on public.vehicle_specs
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_specs_page_parts_after_delete after delete on public.vehicle_specs
  referencing old table as old_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_specs_page_parts_after_truncate after truncate on public.vehicle_specs
  for each statement execute function private.sync_vehicle_page_parts();

create trigger vehicle_media_page_parts_after_insert after insert on public.vehicle_media
  referencing new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_media_page_parts_after_update after update on public.vehicle_media
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_media_page_parts_after_delete after delete on public.vehicle_media
  referencing old table as old_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger vehicle_media_page_parts_after_truncate after truncate on public.vehicle_media
  for each statement execute function private.sync_vehicle_page_parts();

create trigger price_history_page_parts_after_insert after insert on public.price_history
  referencing new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger price_history_page_parts_after_update after update on public.price_history
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger price_history_page_parts_after_delete after delete on public.price_history
  referencing old table as old_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger price_history_page_parts_after_truncate after truncate on public.price_history
  for each statement execute function private.sync_vehicle_page_parts();

create trigger reviews_page_parts_after_insert after insert on public.reviews
  referencing new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger reviews_page_parts_after_update after update on public.reviews
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger reviews_page_parts_after_delete after delete on public.reviews
  referencing old table as old_rows
  for each statement execute function private.sync_vehicle_page_parts();
create trigger reviews_page_parts_after_truncate after truncate on public.reviews
  for each statement execute function private.sync_vehicle_page_parts();

-- ---------------------------------------------------------------- existing cars
set local timezone = 'UTC';
insert into public.vehicle_page_parts (vehicle_id, specs, media, price_history, reviews)
select v.id, public.vehicle_specs_json(v.id), public.vehicle_media_json(v.id),
       public.vehicle_price_history_json(v.id), public.vehicle_reviews_json(v.id)
from public.vehicles v;

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
  insert into public.vehicle_page_parts (vehicle_id, specs, media, price_history, reviews)
  select g.vehicle_id, public.vehicle_specs_json(g.vehicle_id), public.vehicle_media_json(g.vehicle_id),
         public.vehicle_price_history_json(g.vehicle_id), public.vehicle_reviews_json(g.vehicle_id)
  from private.generated_vehicles g
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
