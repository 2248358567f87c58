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
