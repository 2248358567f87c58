-- =============================================================================
-- Sort indexes for /inventory/search (issue 5). Every result order ends with the
-- id as a unique tie-breaker (stable pages), in the direction of the last sort
-- key, so `order by year desc, id desc` is one backward scan of (year, id).
-- Without the id in the index, a sort on a low-cardinality key (all 2026 cars
-- share one year) must read and sort the whole first group: 4.6 s at 1M
-- vehicles for `fuel=electric&sort=year:desc`, measured.
-- Partial (`where visible`) like the other public indexes; queries say visible.
-- =============================================================================
create index vehicles_visible_year_id_idx on public.vehicles (year, id) where visible;
create index vehicles_visible_mileage_id_idx on public.vehicles (mileage, id) where visible;
create index vehicles_visible_created_id_idx on public.vehicles (created_at, id) where visible;
