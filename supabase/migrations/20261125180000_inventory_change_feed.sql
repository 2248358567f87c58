-- =============================================================================
-- Issue 5, performance: (1) the change feed that keeps the server's in-memory facet index
-- current without reloading a million rows per edit, (2) an index for a filtered sort of
-- the benchmark mix that fell back to a long scan at 1M vehicles.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- private.vehicle_changes: which vehicles a transaction touched, tagged with its
-- transaction id. A reader that remembers the snapshot of its previous read asks for
-- the rows committed since (xid not visible in that snapshot, visible in its own), so
-- out-of-order commits are never missed, unlike a serial watermark. A null vehicle_id
-- means "unknown rows changed" (bulk loads, truncate): the reader reloads everything.
-- Rows older than a day are pruned by the writers themselves; readers whose last read is
-- older than an hour reload instead of asking (src/api/facet_index.cpp).
-- -----------------------------------------------------------------------------
create table private.vehicle_changes (
  xid        xid8 not null default pg_current_xact_id(),
  vehicle_id uuid,
  changed_at timestamptz not null default now()
);
comment on table private.vehicle_changes is
  'Vehicle ids changed per transaction (null = unknown rows): the facet index''s incremental feed.';
create index vehicle_changes_xid_idx on private.vehicle_changes (xid);
create index vehicle_changes_changed_at_idx on private.vehicle_changes (changed_at);
alter table private.vehicle_changes enable row level security;  -- no policy: definer functions only
revoke all on table private.vehicle_changes from public, anon, authenticated;

create function private.log_vehicle_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from private.vehicle_changes where changed_at < now() - interval '1 day';
  if private.bulk_load_active() or tg_op = 'TRUNCATE' then
    -- One marker instead of a row per loaded vehicle: readers reload.
    insert into private.vehicle_changes (vehicle_id) values (null);
  elsif tg_op = 'INSERT' then
    insert into private.vehicle_changes (vehicle_id) select n.id from new_rows n;
  elsif tg_op = 'DELETE' then
    insert into private.vehicle_changes (vehicle_id) select o.id from old_rows o;
  else
    insert into private.vehicle_changes (vehicle_id)
    select n.id from new_rows n union select o.id from old_rows o;
  end if;
  return null;
end
$$;
revoke all on function private.log_vehicle_changes() from public;

-- Transition tables allow one event per trigger. ENABLE ALWAYS: the seed generators run
-- with session_replication_role = replica, which would otherwise skip these triggers and
-- leave the facet index unaware of a million new rows.
create trigger vehicles_change_feed_insert after insert on public.vehicles
  referencing new table as new_rows for each statement execute function private.log_vehicle_changes();
create trigger vehicles_change_feed_update after update on public.vehicles
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.log_vehicle_changes();
create trigger vehicles_change_feed_delete after delete on public.vehicles
  referencing old table as old_rows for each statement execute function private.log_vehicle_changes();
create trigger vehicles_change_feed_truncate after truncate on public.vehicles
  for each statement execute function private.log_vehicle_changes();
alter table public.vehicles enable always trigger vehicles_change_feed_insert;
alter table public.vehicles enable always trigger vehicles_change_feed_update;
alter table public.vehicles enable always trigger vehicles_change_feed_delete;
alter table public.vehicles enable always trigger vehicles_change_feed_truncate;

-- Vehicle ids changed by transactions committed after `p_since` (a snapshot the caller
-- took earlier with pg_current_snapshot()) and visible to the caller's own snapshot.
-- Ids of invisible vehicles are returned too (the reader must drop them), so only
-- service_role may call it.
create function public.vehicle_changes_since(p_since pg_snapshot)
returns table (vehicle_id uuid)
language sql stable security definer set search_path = '' as $$
  select distinct c.vehicle_id from private.vehicle_changes c
  where c.xid >= pg_snapshot_xmin(p_since) and not pg_visible_in_snapshot(c.xid, p_since)
$$;
revoke all on function public.vehicle_changes_since(pg_snapshot) from public, anon, authenticated;
grant execute on function public.vehicle_changes_since(pg_snapshot) to service_role;

-- -----------------------------------------------------------------------------
-- condition=used&mileage_max=…&sort=mileage: in (mileage, id) order new cars fill the
-- low-mileage end, so the scan read most of the index before finding used ones (5.3 s at
-- 1M, bench/README.md). With the condition first, it is one range scan.
-- -----------------------------------------------------------------------------
create index vehicles_visible_condition_mileage_id_idx
  on public.vehicles (condition, mileage, id) where visible;

-- make=Ford&color=black,white&sort=price_current:desc read 39k rows of the price index to
-- find 20 Fords of those colours (0.4% of the cars; 275-480 ms at 1M under load); by make
-- first, the price order is one range scan of Ford's rows (the other filters are checked
-- on ~1/8 as many rows). It also serves make+model by price (no sort of all Camrys).
create index vehicles_visible_make_price_id_idx
  on public.vehicles (make, price_current_cents, id) where visible;

-- body_type=truck&drivetrain=4wd&price_min=…&page=4 (default order: newest first) filtered
-- ~4k rows of the created_at index; by body type first it reads the trucks only.
create index vehicles_visible_body_created_id_idx
  on public.vehicles (body_type, created_at, id) where visible;

-- make and model are strongly correlated (every Camry is a Toyota); without these
-- statistics the planner multiplied their selectivities, expected 1.5k Toyota Camrys
-- instead of 13k at 1M, and sorted them all for `sort=price_current` (231 buffers, 40-70
-- ms) instead of reading the price index in order (17 buffers).
create statistics public.vehicles_make_model_stats (dependencies, mcv) on make, model
  from public.vehicles;
analyze public.vehicles (make, model);
