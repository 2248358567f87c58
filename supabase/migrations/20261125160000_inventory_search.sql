-- =============================================================================
-- Inventory search helpers (issue 5).
--
-- vehicle_hero_path(): the first image of a card. Reading vehicle_media as anon
-- goes through its policy `vehicle_id in (select id from vehicles where visible)`,
-- which PostgreSQL plans as a (hashed) sub-plan over every visible vehicle: at 1M
-- vehicles that is a million-row hash per statement for 20 cards. This security
-- definer function applies the same rule itself (visible car, or a staff caller)
-- and probes vehicle_media_hero_idx once per card instead.
-- =============================================================================
create function public.vehicle_hero_path(p_vehicle_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select m.path
  from public.vehicle_media m
  join public.vehicles v on v.id = m.vehicle_id
  where m.vehicle_id = p_vehicle_id and m.kind = 'image'
    and (v.visible or (select private.is_staff()))
  order by m.position
  limit 1
$$;
comment on function public.vehicle_hero_path(uuid) is
  'Storage key of the first image of a visible vehicle (any vehicle for staff); cards sign it.';
revoke all on function public.vehicle_hero_path(uuid) from public;
grant execute on function public.vehicle_hero_path(uuid) to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- Facet scan index. /inventory/search counts its disjunctive facets in one pass
-- over the visible cars that pass the non-facet filters (GROUPING SETS, one
-- FILTER per facet). A vehicles heap row is wide (description, search_tsv), so
-- that pass reads far fewer pages as an index-only scan of this narrow partial
-- index (needs the visibility map: VACUUM, which autovacuum and the bulk seed run).
-- make leads so `make = any(...)` is an index condition too.
-- -----------------------------------------------------------------------------
create index vehicles_visible_facets_idx on public.vehicles (make, model)
  include (id, body_type, fuel, transmission, color_ext, condition, location_id, year,
           price_current_cents, mileage, drivetrain, is_special)
  where visible;
