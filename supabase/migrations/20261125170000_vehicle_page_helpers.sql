-- =============================================================================
-- Vehicle page helpers (issue 5, GET /vehicles/{id}).
--
-- The availability section lists the test-drive slots still free for one car.
-- Bookings belong to their customers (RLS: owner and staff only), so the
-- public page cannot read them; this function exposes only the start times of
-- the active test-drive bookings of one vehicle, nothing about who booked.
-- =============================================================================

create function public.vehicle_test_drive_starts(p_vehicle_id uuid, p_from timestamptz, p_to timestamptz)
returns setof timestamptz
language sql stable security definer set search_path = '' as $$
  select a.desired_at
  from public.service_appointments a
  where a.vehicle_id = p_vehicle_id
    and a.service_type = 'test_drive'
    and a.status in ('booked', 'rescheduled')
    and a.desired_at >= p_from
    and a.desired_at < least(p_to, p_from + interval '62 days')
    -- only cars the caller may see at all: the public ones (staff read bookings directly)
    and exists (select 1 from public.vehicles v where v.id = p_vehicle_id and v.visible)
  order by a.desired_at
$$;
comment on function public.vehicle_test_drive_starts(uuid, timestamptz, timestamptz) is
  'Start times of active test-drive bookings of a visible vehicle (no customer data), for the VDP availability.';

revoke all on function public.vehicle_test_drive_starts(uuid, timestamptz, timestamptz) from public;
grant execute on function public.vehicle_test_drive_starts(uuid, timestamptz, timestamptz)
  to anon, authenticated, service_role;
