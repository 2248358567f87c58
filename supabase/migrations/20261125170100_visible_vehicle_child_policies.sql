-- =============================================================================
-- Public read policies of the vehicle child tables, per row instead of per table.
--
-- The policies of 20261125140100 read
--   using (vehicle_id in (select v.id from public.vehicles v where v.visible))
-- which PostgreSQL plans as a hashed SubPlan: every statement that touches
-- vehicle_specs, vehicle_media, price_history or vehicle_views as anon or
-- authenticated first scans all visible vehicles to build the hash (EXPLAIN as
-- anon on the demo seed: "Seq Scan on vehicles ... rows=968" under a
-- 4-row media lookup; at 1M vehicles that is ~1M rows per statement, and the
-- vehicle page runs three such statements). The correlated EXISTS below is
-- planned as one primary-key probe per child row instead: a car's 3 images
-- cost 3 probes, whatever the size of the inventory. Same rows are visible as
-- before (tested in supabase/tests/20_visible_vehicle_child_policies.sql).
-- =============================================================================

drop policy vehicle_specs_select_public on public.vehicle_specs;
create policy vehicle_specs_select_public on public.vehicle_specs
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = vehicle_specs.vehicle_id and v.visible));

drop policy vehicle_media_select_public on public.vehicle_media;
create policy vehicle_media_select_public on public.vehicle_media
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = vehicle_media.vehicle_id and v.visible));

drop policy price_history_select_public on public.price_history;
create policy price_history_select_public on public.price_history
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = price_history.vehicle_id and v.visible));

drop policy vehicle_views_select_public on public.vehicle_views;
create policy vehicle_views_select_public on public.vehicle_views
  for select to anon, authenticated
  using (exists (select 1 from public.vehicles v where v.id = vehicle_views.vehicle_id and v.visible));
