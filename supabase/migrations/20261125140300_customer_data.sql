-- =============================================================================
-- Customer-owned data: saved cars, compare lists, financing applications,
-- trade-in requests, service appointments, part orders, notifications,
-- reviews, CRM leads, privacy requests, live-chat history.
--
-- Access pattern for every owner-scoped table:
--   owner      : CRUD on own rows (user_id = auth.uid()), limited by the
--                business rules below (status machines, immutable owner)
--   other user : nothing (not even existence: rows are filtered, 0 rows)
--   staff      : read all, update per business rules (statuses, quotes)
--   admin      : staff + delete
--   anon       : nothing (leads: insert only)
-- Customer-side rules that RLS cannot express are enforced by security
-- definer BEFORE triggers raising SQLSTATE 42501 (insufficient_privilege),
-- the same code a with-check violation produces, so the API maps both to 403.
-- Custom SQLSTATE FC409 = business conflict (slot full, limit reached).
-- =============================================================================

create type public.financing_status as enum ('draft', 'submitted', 'under_review', 'approved', 'rejected', 'cancelled');
create type public.tradein_status as enum ('submitted', 'awaiting_inspection', 'quoted', 'accepted', 'declined');
create type public.appointment_status as enum ('booked', 'rescheduled', 'completed', 'cancelled');
create type public.part_order_status as enum ('cart', 'placed', 'paid', 'shipped', 'cancelled');
create type public.review_target as enum ('vehicle', 'dealership');
create type public.review_status as enum ('pending', 'approved', 'rejected');

-- True for an API end user who is not staff/admin (the "customer" side of
-- every business rule). Used only inside security-definer triggers.
create function private.is_customer_context() returns boolean
language sql stable security definer set search_path = '' as $$
  select private.in_end_user_context() and not private.is_staff()
$$;
revoke all on function private.is_customer_context() from public;

create function private.current_profile_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select p.id from public.profiles p where p.id = (select auth.uid())
$$;
revoke all on function private.current_profile_id() from public;

-- -----------------------------------------------------------------------------
-- saved_cars
-- -----------------------------------------------------------------------------
create table public.saved_cars (
  id                uuid primary key default gen_random_uuid(),
  user_id           uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  vehicle_id        uuid not null references public.vehicles (id) on delete cascade,
  notify_price_drop boolean not null default true,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  unique (user_id, vehicle_id)
);
-- vehicle_id: FK, and the fan-out of price_drop notifications to everyone who saved the car.
create index saved_cars_vehicle_idx on public.saved_cars (vehicle_id);

create trigger saved_cars_set_updated_at before update on public.saved_cars
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- compare_lists / compare_list_items
-- -----------------------------------------------------------------------------
create table public.compare_lists (
  id         uuid primary key default gen_random_uuid(),
  user_id    uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name       text not null default 'My comparison' check (char_length(name) between 1 and 80),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index compare_lists_user_idx on public.compare_lists (user_id, created_at desc);

create trigger compare_lists_set_updated_at before update on public.compare_lists
  for each row execute function private.set_updated_at();

create table public.compare_list_items (
  id         uuid primary key default gen_random_uuid(),
  list_id    uuid not null references public.compare_lists (id) on delete cascade,
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  position   integer not null default 0 check (position >= 0),
  created_at timestamptz not null default now(),
  unique (list_id, vehicle_id)
);
create index compare_list_items_vehicle_idx on public.compare_list_items (vehicle_id);

-- A comparison is a side-by-side of a handful of cars; cap rows per list.
create function private.compare_list_items_limit() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if (select count(*) from public.compare_list_items i where i.list_id = new.list_id) >= 10 then
    raise exception 'a compare list holds at most 10 vehicles' using errcode = 'FC409';
  end if;
  return new;
end
$$;
revoke all on function private.compare_list_items_limit() from public;
create trigger compare_list_items_limit before insert on public.compare_list_items
  for each row execute function private.compare_list_items_limit();

-- -----------------------------------------------------------------------------
-- financing_applications
-- -----------------------------------------------------------------------------
create table public.financing_applications (
  id               uuid primary key default gen_random_uuid(),
  user_id          uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  -- the application survives if the car is sold/removed
  vehicle_id       uuid references public.vehicles (id) on delete set null,
  status           public.financing_status not null default 'draft',
  amount           numeric(12, 2) check (amount >= 0),
  term_months      integer check (term_months in (12, 24, 36, 48, 60, 72, 84)),
  apr              numeric(5, 2) check (apr >= 0 and apr < 100),
  down_payment     numeric(12, 2) not null default 0 check (down_payment >= 0),
  employer         text check (employer is null or char_length(employer) <= 200),
  monthly_income   numeric(12, 2) check (monthly_income >= 0),
  -- [{"path":"docs/<user_id>/<file>","kind":"paystub","uploaded_at":"..."}]
  documents        jsonb not null default '[]'::jsonb check (jsonb_typeof(documents) = 'array'),
  notes            text,
  submitted_at     timestamptz,
  decided_at       timestamptz,
  decided_by       uuid references public.profiles (id) on delete set null,
  decision_notes   text,
  lender_reference text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  -- anything past draft must carry the numbers a lender needs
  check (status in ('draft', 'cancelled') or (amount is not null and term_months is not null))
);
create index financing_applications_user_idx on public.financing_applications (user_id, created_at desc);
create index financing_applications_vehicle_idx on public.financing_applications (vehicle_id);
create index financing_applications_status_idx on public.financing_applications (status, created_at desc);
create index financing_applications_decided_by_idx on public.financing_applications (decided_by);

create trigger financing_applications_set_updated_at before update on public.financing_applications
  for each row execute function private.set_updated_at();

-- Customers cannot write decision fields; timestamps follow the status.
-- (Which statuses a customer may set is enforced by the RLS policies.)
create function private.financing_applications_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if private.is_customer_context() then
    if tg_op = 'INSERT' then
      if new.decided_at is not null or new.decided_by is not null or new.decision_notes is not null
         or new.lender_reference is not null then
        raise exception 'decision fields are set by staff' using errcode = '42501';
      end if;
    elsif (new.decided_at, new.decided_by, new.decision_notes, new.lender_reference)
          is distinct from (old.decided_at, old.decided_by, old.decision_notes, old.lender_reference) then
      raise exception 'decision fields are set by staff' using errcode = '42501';
    end if;
  end if;
  if new.status = 'submitted' and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    new.submitted_at := now();
  end if;
  if new.status in ('approved', 'rejected') and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    new.decided_at := now();
    new.decided_by := coalesce(private.current_profile_id(), new.decided_by);
  end if;
  return new;
end
$$;

create function private.financing_applications_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' and new.status = 'draft' then
    return null;
  end if;
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  perform private.emit_event('application_status_changed', 'financing_applications', new.id,
    jsonb_build_object('application_id', new.id, 'user_id', new.user_id, 'vehicle_id', new.vehicle_id,
                       'old_status', case when tg_op = 'UPDATE' then old.status end,
                       'new_status', new.status, 'changed_by', private.current_profile_id()));
  return null;
end
$$;
revoke all on function private.financing_applications_before_write(),
  private.financing_applications_after_write() from public;

create trigger financing_applications_before_write before insert or update on public.financing_applications
  for each row execute function private.financing_applications_before_write();
create trigger financing_applications_after_write after insert or update of status on public.financing_applications
  for each row execute function private.financing_applications_after_write();

-- -----------------------------------------------------------------------------
-- tradein_requests
-- -----------------------------------------------------------------------------
create table public.tradein_requests (
  id              uuid primary key default gen_random_uuid(),
  user_id         uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  -- the dealer car the customer wants to buy with this trade (optional)
  vehicle_id      uuid references public.vehicles (id) on delete set null,
  vin             text check (vin is null or vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  make            text not null check (char_length(make) between 1 and 40),
  model           text not null check (char_length(model) between 1 and 60),
  year            integer not null check (year between 1900 and 2100),
  mileage         integer not null check (mileage between 0 and 2000000),
  condition_grade integer not null check (condition_grade between 1 and 5),
  photos          jsonb not null default '[]'::jsonb check (jsonb_typeof(photos) = 'array'),
  est_value_low   numeric(12, 2) check (est_value_low >= 0),
  est_value_high  numeric(12, 2) check (est_value_high >= 0),
  status          public.tradein_status not null default 'submitted',
  quote_amount    numeric(12, 2) check (quote_amount >= 0),
  quoted_at       timestamptz,
  quoted_by       uuid references public.profiles (id) on delete set null,
  notes           text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  check (est_value_low is null or est_value_high is null or est_value_low <= est_value_high),
  check (status <> 'quoted' or quote_amount is not null)
);
create index tradein_requests_user_idx on public.tradein_requests (user_id, created_at desc);
create index tradein_requests_vehicle_idx on public.tradein_requests (vehicle_id);
create index tradein_requests_status_idx on public.tradein_requests (status, created_at desc);
create index tradein_requests_quoted_by_idx on public.tradein_requests (quoted_by);

create trigger tradein_requests_set_updated_at before update on public.tradein_requests
  for each row execute function private.set_updated_at();

-- Customer transitions: new -> submitted; quoted -> accepted|declined;
-- submitted|awaiting_inspection -> declined (withdraw). Quotes are staff-only.
-- The quick estimate is always computed here for customers (never trusted
-- from the client).
create function private.tradein_requests_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_low  numeric;
  v_high numeric;
begin
  if private.is_customer_context() then
    if tg_op = 'INSERT' then
      if new.status <> 'submitted' then
        raise exception 'a trade-in request starts as submitted' using errcode = '42501';
      end if;
      if new.quote_amount is not null or new.quoted_at is not null or new.quoted_by is not null then
        raise exception 'quotes are set by staff' using errcode = '42501';
      end if;
    else
      if (new.quote_amount, new.quoted_at, new.quoted_by)
         is distinct from (old.quote_amount, old.quoted_at, old.quoted_by) then
        raise exception 'quotes are set by staff' using errcode = '42501';
      end if;
      if new.status is distinct from old.status
         and not ((old.status = 'quoted' and new.status in ('accepted', 'declined'))
               or (old.status in ('submitted', 'awaiting_inspection') and new.status = 'declined')) then
        raise exception 'customers cannot move a trade-in from % to %', old.status, new.status
          using errcode = '42501';
      end if;
    end if;
    new.est_value_low := null;
    new.est_value_high := null;
  end if;

  if new.est_value_low is null and new.est_value_high is null then
    select e.est_value_low, e.est_value_high into v_low, v_high
    from public.tradein_estimate(new.make, new.model, new.year, new.mileage, new.condition_grade) e;
    new.est_value_low := v_low;
    new.est_value_high := v_high;
  end if;

  if new.status = 'quoted' and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    new.quoted_at := coalesce(new.quoted_at, now());
    new.quoted_by := coalesce(new.quoted_by, private.current_profile_id());
  end if;
  return new;
end
$$;

create function private.tradein_requests_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  perform private.emit_event(case when tg_op = 'INSERT' then 'tradein_submitted' else 'tradein_status_changed' end,
    'tradein_requests', new.id,
    jsonb_build_object('tradein_id', new.id, 'user_id', new.user_id,
                       'old_status', case when tg_op = 'UPDATE' then old.status end,
                       'new_status', new.status, 'quote_amount', new.quote_amount));
  return null;
end
$$;
revoke all on function private.tradein_requests_before_write(), private.tradein_requests_after_write() from public;

create trigger tradein_requests_before_write before insert or update on public.tradein_requests
  for each row execute function private.tradein_requests_before_write();
create trigger tradein_requests_after_write after insert or update of status on public.tradein_requests
  for each row execute function private.tradein_requests_after_write();

-- -----------------------------------------------------------------------------
-- service_appointments
-- -----------------------------------------------------------------------------
create table public.service_appointments (
  id               uuid primary key default gen_random_uuid(),
  user_id          uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  location_id      uuid not null references public.locations (id) on delete restrict,
  service_type     text not null check (service_type in
                     ('maintenance', 'oil_change', 'repair', 'inspection', 'tires', 'detailing',
                      'recall', 'diagnostics', 'test_drive', 'other')),
  package_id       uuid references public.service_packages (id) on delete set null,
  vehicle_vin      text check (vehicle_vin is null or vehicle_vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  -- for test drives: the dealer car to prepare
  vehicle_id       uuid references public.vehicles (id) on delete set null,
  desired_at       timestamptz not null,
  duration_min     integer check (duration_min between 5 and 1440),
  status           public.appointment_status not null default 'booked',
  notes            text check (notes is null or char_length(notes) <= 2000),
  cancelled_at     timestamptz,
  reminder_sent_at timestamptz,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index service_appointments_user_idx on public.service_appointments (user_id, desired_at desc);
-- FK, staff day sheets and the slot-capacity count of the booking trigger
create index service_appointments_location_idx on public.service_appointments (location_id, desired_at);
create index service_appointments_package_idx on public.service_appointments (package_id);
create index service_appointments_vehicle_idx on public.service_appointments (vehicle_id);
-- reminder job: upcoming active bookings without a reminder
create index service_appointments_reminder_idx on public.service_appointments (desired_at)
  where status in ('booked', 'rescheduled') and reminder_sent_at is null;

create trigger service_appointments_set_updated_at before update on public.service_appointments
  for each row execute function private.set_updated_at();

-- Reschedule/cancel bookkeeping for everyone; for customers also: future
-- time only, inside a published slot with capacity left. The slot row is
-- locked so concurrent bookings cannot overfill it. Staff may overbook.
create function private.service_appointments_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_tz    text;
  v_local timestamp;
  v_slot  public.service_availability%rowtype;
  v_start timestamptz;
  v_end   timestamptz;
  v_taken integer;
begin
  if tg_op = 'UPDATE' then
    if new.desired_at is distinct from old.desired_at and new.status = old.status
       and old.status in ('booked', 'rescheduled') then
      new.status := 'rescheduled';
    end if;
    if new.status = 'cancelled' and old.status <> 'cancelled' then
      new.cancelled_at := now();
    end if;
  end if;

  if not private.is_customer_context()
     or new.status not in ('booked', 'rescheduled')
     or (tg_op = 'UPDATE' and new.desired_at is not distinct from old.desired_at
         and new.location_id is not distinct from old.location_id
         and new.service_type is not distinct from old.service_type) then
    return new;
  end if;

  if new.desired_at <= now() then
    raise exception 'desired_at must be in the future' using errcode = '23514';
  end if;
  select l.timezone into v_tz from public.locations l where l.id = new.location_id and l.is_active;
  if v_tz is null then
    raise exception 'location % is not bookable', new.location_id using errcode = '23503';
  end if;
  v_local := new.desired_at at time zone v_tz;

  select a.* into v_slot
  from public.service_availability a
  where a.location_id = new.location_id
    and a.kind = case when new.service_type = 'test_drive' then 'test_drive' else 'service' end
    and a.service_date = v_local::date
    and v_local::time >= a.start_time and v_local::time < a.end_time
  order by a.start_time
  limit 1
  for update;
  if not found then
    raise exception 'no availability at the requested time' using errcode = 'FC409';
  end if;

  v_start := (v_slot.service_date + v_slot.start_time) at time zone v_tz;
  v_end := (v_slot.service_date + v_slot.end_time) at time zone v_tz;
  select count(*) into v_taken
  from public.service_appointments s
  where s.location_id = new.location_id
    and s.desired_at >= v_start and s.desired_at < v_end
    and s.status in ('booked', 'rescheduled')
    and (s.service_type = 'test_drive') = (new.service_type = 'test_drive')
    and s.id <> new.id;
  if v_taken >= v_slot.capacity then
    raise exception 'the requested slot is fully booked' using errcode = 'FC409';
  end if;
  return new;
end
$$;

create function private.service_appointments_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_event text;
begin
  if tg_op = 'INSERT' then
    v_event := 'booking_created';
  elsif new.status = 'cancelled' and old.status <> 'cancelled' then
    v_event := 'booking_cancelled';
  elsif new.status = 'completed' and old.status <> 'completed' then
    v_event := 'booking_completed';
  elsif new.desired_at is distinct from old.desired_at then
    v_event := 'booking_rescheduled';
  else
    return null;
  end if;
  perform private.emit_event(v_event, 'service_appointments', new.id,
    jsonb_build_object('appointment_id', new.id, 'user_id', new.user_id, 'location_id', new.location_id,
                       'service_type', new.service_type, 'desired_at', new.desired_at,
                       'previous_desired_at', case when tg_op = 'UPDATE' then old.desired_at end,
                       'status', new.status));
  return null;
end
$$;
revoke all on function private.service_appointments_before_write(),
  private.service_appointments_after_write() from public;

create trigger service_appointments_before_write before insert or update on public.service_appointments
  for each row execute function private.service_appointments_before_write();
create trigger service_appointments_after_write after insert or update of status, desired_at
  on public.service_appointments
  for each row execute function private.service_appointments_after_write();

-- Remaining capacity per slot without revealing who booked.
create function public.service_slot_availability(p_location_id uuid, p_from date default current_date,
                                                 p_to date default current_date + 14,
                                                 p_kind text default 'service')
returns table (slot_id uuid, service_date date, start_time time, end_time time,
               starts_at timestamptz, ends_at timestamptz, capacity integer, booked integer, remaining integer)
language sql stable security definer set search_path = '' as $$
  select a.id, a.service_date, a.start_time, a.end_time, s.starts_at, s.ends_at, a.capacity,
         b.booked::integer, greatest(a.capacity - b.booked, 0)::integer
  from public.service_availability a
  join public.locations l on l.id = a.location_id and l.is_active
  cross join lateral (
    select (a.service_date + a.start_time) at time zone l.timezone as starts_at,
           (a.service_date + a.end_time) at time zone l.timezone as ends_at) s
  cross join lateral (
    select count(*) as booked from public.service_appointments x
    where x.location_id = a.location_id
      and x.desired_at >= s.starts_at and x.desired_at < s.ends_at
      and x.status in ('booked', 'rescheduled')
      and (x.service_type = 'test_drive') = (a.kind = 'test_drive')) b
  where a.location_id = p_location_id
    and a.kind = p_kind
    and a.service_date between greatest(p_from, current_date) and least(p_to, p_from + 62)
  order by a.service_date, a.start_time
$$;
revoke all on function public.service_slot_availability(uuid, date, date, text) from public;
grant execute on function public.service_slot_availability(uuid, date, date, text)
  to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- part_orders / part_order_items (cart -> checkout-lite)
-- -----------------------------------------------------------------------------
create table public.part_orders (
  id                uuid primary key default gen_random_uuid(),
  user_id           uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  status            public.part_order_status not null default 'cart',
  total             numeric(12, 2) not null default 0 check (total >= 0),
  currency          text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  shipping_address  jsonb check (shipping_address is null or jsonb_typeof(shipping_address) = 'object'),
  placed_at         timestamptz,
  paid_at           timestamptz,
  payment_reference text unique,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index part_orders_user_idx on public.part_orders (user_id, created_at desc);
create index part_orders_status_idx on public.part_orders (status, created_at desc) where status <> 'cart';
-- one open cart per customer
create unique index part_orders_one_cart_idx on public.part_orders (user_id) where status = 'cart';

create trigger part_orders_set_updated_at before update on public.part_orders
  for each row execute function private.set_updated_at();

create table public.part_order_items (
  id         uuid primary key default gen_random_uuid(),
  order_id   uuid not null references public.part_orders (id) on delete cascade,
  -- restrict: a part that was ordered is deactivated, never deleted
  part_id    uuid not null references public.parts (id) on delete restrict,
  qty        integer not null check (qty > 0 and qty <= 999),
  price_each numeric(10, 2) not null check (price_each >= 0),
  created_at timestamptz not null default now(),
  unique (order_id, part_id)
);
create index part_order_items_part_idx on public.part_order_items (part_id);

-- Customers: totals are always recomputed from items; payment fields are the
-- payment webhook's (service_role); transitions cart -> placed|cancelled and
-- placed -> cancelled only.
create function private.part_orders_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if private.is_customer_context() then
    if tg_op = 'INSERT' then
      if new.status <> 'cart' or new.paid_at is not null or new.payment_reference is not null then
        raise exception 'a new order starts as a cart' using errcode = '42501';
      end if;
      new.total := 0;
    else
      if (new.paid_at, new.payment_reference) is distinct from (old.paid_at, old.payment_reference) then
        raise exception 'payment fields are set by the payment provider' using errcode = '42501';
      end if;
      if new.status is distinct from old.status
         and not ((old.status = 'cart' and new.status in ('placed', 'cancelled'))
               or (old.status = 'placed' and new.status = 'cancelled')) then
        raise exception 'customers cannot move an order from % to %', old.status, new.status
          using errcode = '42501';
      end if;
      select coalesce(sum(i.qty * i.price_each), 0) into new.total
      from public.part_order_items i where i.order_id = new.id;
    end if;
  end if;
  if new.status = 'placed' and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    if not exists (select 1 from public.part_order_items i where i.order_id = new.id) then
      raise exception 'cannot place an empty order' using errcode = '23514';
    end if;
    new.placed_at := now();
  end if;
  if new.status = 'paid' and new.paid_at is null then
    new.paid_at := now();
  end if;
  return new;
end
$$;

-- Item prices come from the catalog for customers (never from the client).
create function private.part_order_items_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_price numeric;
begin
  select p.price into v_price from public.parts p
  where p.id = new.part_id and (p.active or not private.is_customer_context());
  if not found then
    raise exception 'part % is not available', new.part_id using errcode = '23503';
  end if;
  if private.is_customer_context() or new.price_each is null then
    new.price_each := v_price;
  end if;
  return new;
end
$$;

create function private.part_order_items_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.part_orders o
  set total = coalesce((select sum(i.qty * i.price_each) from public.part_order_items i where i.order_id = o.id), 0)
  where o.id in (case when tg_op <> 'DELETE' then new.order_id end,
                 case when tg_op <> 'INSERT' then old.order_id end);
  return null;
end
$$;

create function private.part_orders_after_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status is distinct from old.status and new.status <> 'cart' then
    perform private.emit_event('part_order_status_changed', 'part_orders', new.id,
      jsonb_build_object('order_id', new.id, 'user_id', new.user_id, 'old_status', old.status,
                         'new_status', new.status, 'total', new.total));
  end if;
  return null;
end
$$;
revoke all on function private.part_orders_before_write(), private.part_order_items_before_write(),
  private.part_order_items_after_write(), private.part_orders_after_write() from public;

create trigger part_orders_before_write before insert or update on public.part_orders
  for each row execute function private.part_orders_before_write();
create trigger part_orders_after_write after update of status on public.part_orders
  for each row execute function private.part_orders_after_write();
create trigger part_order_items_before_write before insert or update on public.part_order_items
  for each row execute function private.part_order_items_before_write();
create trigger part_order_items_after_write after insert or update or delete on public.part_order_items
  for each row execute function private.part_order_items_after_write();

-- -----------------------------------------------------------------------------
-- notifications (in-app channel; email/SMS delivery is driven by the outbox)
-- -----------------------------------------------------------------------------
create table public.notifications (
  id         uuid primary key default gen_random_uuid(),
  user_id    uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  kind       text not null check (kind ~ '^[a-z][a-z0-9_.]{1,63}$'),
  payload    jsonb not null default '{}'::jsonb,
  read_at    timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_user_idx on public.notifications (user_id, created_at desc);
create index notifications_unread_idx on public.notifications (user_id) where read_at is null;

-- -----------------------------------------------------------------------------
-- reviews (vehicle + dealership), moderated
-- -----------------------------------------------------------------------------
create table public.reviews (
  id           uuid primary key default gen_random_uuid(),
  target_type  public.review_target not null,
  -- vehicles.id for 'vehicle'; locations.id (or null = whole dealership) for 'dealership'
  target_id    uuid,
  user_id      uuid default auth.uid() references public.profiles (id) on delete set null,
  rating       integer not null check (rating between 1 and 5),
  title        text check (title is null or char_length(title) <= 160),
  body         text check (body is null or char_length(body) <= 5000),
  author_name  text check (author_name is null or char_length(author_name) <= 80),
  status       public.review_status not null default 'pending',
  moderated_by uuid references public.profiles (id) on delete set null,
  moderated_at timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  check (target_type = 'dealership' or target_id is not null)
);
create index reviews_target_idx on public.reviews (target_type, target_id, created_at desc) where status = 'approved';
create index reviews_user_idx on public.reviews (user_id);
create index reviews_status_idx on public.reviews (status, created_at desc);
create index reviews_moderated_by_idx on public.reviews (moderated_by);
-- one review per customer per target
create unique index reviews_one_per_user_idx on public.reviews
  (user_id, target_type, coalesce(target_id, '00000000-0000-0000-0000-000000000000'::uuid))
  where user_id is not null;

create trigger reviews_set_updated_at before update on public.reviews
  for each row execute function private.set_updated_at();

-- Polymorphic target must exist; customers never self-approve and any edit
-- sends the review back to moderation; staff moderation is stamped.
create function private.reviews_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.target_type = 'vehicle' then
    if not exists (select 1 from public.vehicles v where v.id = new.target_id) then
      raise exception 'review target vehicle % not found', new.target_id using errcode = '23503';
    end if;
  elsif new.target_id is not null
        and not exists (select 1 from public.locations l where l.id = new.target_id) then
    raise exception 'review target location % not found', new.target_id using errcode = '23503';
  end if;

  if private.is_customer_context() then
    if tg_op = 'INSERT' then
      if new.status <> 'pending' or new.moderated_by is not null or new.moderated_at is not null then
        raise exception 'reviews are moderated by staff' using errcode = '42501';
      end if;
    else
      if new.status is distinct from old.status
         or (new.moderated_by, new.moderated_at) is distinct from (old.moderated_by, old.moderated_at) then
        raise exception 'reviews are moderated by staff' using errcode = '42501';
      end if;
      if (new.rating, new.title, new.body, new.target_type, new.target_id)
         is distinct from (old.rating, old.title, old.body, old.target_type, old.target_id) then
        new.status := 'pending';
        new.moderated_by := null;
        new.moderated_at := null;
      end if;
    end if;
  elsif tg_op = 'UPDATE' and new.status is distinct from old.status and private.in_end_user_context() then
    new.moderated_by := private.current_profile_id();
    new.moderated_at := now();
  end if;
  return new;
end
$$;
revoke all on function private.reviews_before_write() from public;
create trigger reviews_before_write before insert or update on public.reviews
  for each row execute function private.reviews_before_write();

-- -----------------------------------------------------------------------------
-- leads (CRM, /contact/lead) — anyone may submit, staff work them.
-- Anonymous inserts cannot use RETURNING (no select policy for anon):
-- generate the id in the application and insert without RETURNING.
-- -----------------------------------------------------------------------------
create table public.leads (
  id           uuid primary key default gen_random_uuid(),
  user_id      uuid references public.profiles (id) on delete set null,
  name         text not null check (char_length(name) between 1 and 120),
  email        extensions.citext check (email is null or email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone        text check (phone is null or phone ~ '^\+?[0-9 ().-]{5,32}$'),
  message      text check (message is null or char_length(message) <= 5000),
  source       text not null default 'contact_form' check (source in
                 ('contact_form', 'vdp', 'chat', 'tradein', 'financing', 'test_drive', 'phone', 'walk_in', 'other')),
  vehicle_id   uuid references public.vehicles (id) on delete set null,
  location_id  uuid references public.locations (id) on delete set null,
  status       text not null default 'new' check (status in ('new', 'contacted', 'qualified', 'won', 'lost', 'spam')),
  assigned_to  uuid references public.profiles (id) on delete set null,
  consent      boolean not null default false,
  utm          jsonb not null default '{}'::jsonb check (jsonb_typeof(utm) = 'object'),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  check (email is not null or phone is not null)
);
create index leads_status_idx on public.leads (status, created_at desc);
create index leads_user_idx on public.leads (user_id);
create index leads_vehicle_idx on public.leads (vehicle_id);
create index leads_location_idx on public.leads (location_id);
create index leads_assigned_to_idx on public.leads (assigned_to);

create trigger leads_set_updated_at before update on public.leads
  for each row execute function private.set_updated_at();

create function private.leads_after_insert() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.emit_event('lead_created', 'leads', new.id,
    jsonb_build_object('lead_id', new.id, 'source', new.source, 'vehicle_id', new.vehicle_id,
                       'location_id', new.location_id));
  return null;
end
$$;
revoke all on function private.leads_after_insert() from public;
create trigger leads_after_insert after insert on public.leads
  for each row execute function private.leads_after_insert();

-- -----------------------------------------------------------------------------
-- privacy_requests (/privacy/data-export, /privacy/delete). user_id is kept
-- nullable with "set null" so a completed erasure leaves a minimal record.
-- -----------------------------------------------------------------------------
create table public.privacy_requests (
  id           uuid primary key default gen_random_uuid(),
  user_id      uuid default auth.uid() references public.profiles (id) on delete set null,
  kind         text not null check (kind in ('export', 'delete')),
  status       text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'rejected')),
  result_path  text,
  notes        text,
  requested_at timestamptz not null default now(),
  completed_at timestamptz,
  updated_at   timestamptz not null default now(),
  created_at   timestamptz not null default now()
);
create index privacy_requests_user_idx on public.privacy_requests (user_id);
create unique index privacy_requests_one_open_idx on public.privacy_requests (user_id, kind)
  where status in ('pending', 'processing');

create trigger privacy_requests_set_updated_at before update on public.privacy_requests
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- live chat (history of Realtime channel "livechat:<conversation id>")
-- -----------------------------------------------------------------------------
create table public.chat_conversations (
  id              uuid primary key default gen_random_uuid(),
  user_id         uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  location_id     uuid references public.locations (id) on delete set null,
  vehicle_id      uuid references public.vehicles (id) on delete set null,
  subject         text check (subject is null or char_length(subject) <= 200),
  status          text not null default 'open' check (status in ('open', 'closed')),
  assigned_to     uuid references public.profiles (id) on delete set null,
  last_message_at timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
create index chat_conversations_user_idx on public.chat_conversations (user_id, created_at desc);
create index chat_conversations_location_idx on public.chat_conversations (location_id);
create index chat_conversations_vehicle_idx on public.chat_conversations (vehicle_id);
create index chat_conversations_assigned_idx on public.chat_conversations (assigned_to);
create index chat_conversations_open_idx on public.chat_conversations (last_message_at desc) where status = 'open';

create trigger chat_conversations_set_updated_at before update on public.chat_conversations
  for each row execute function private.set_updated_at();

create table public.chat_messages (
  id              uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  sender_id       uuid default auth.uid() references public.profiles (id) on delete set null,
  body            text not null check (char_length(body) between 1 and 4000),
  created_at      timestamptz not null default now()
);
create index chat_messages_conversation_idx on public.chat_messages (conversation_id, created_at);
create index chat_messages_sender_idx on public.chat_messages (sender_id);

create function private.chat_messages_after_insert() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.chat_conversations set last_message_at = new.created_at where id = new.conversation_id;
  return null;
end
$$;
revoke all on function private.chat_messages_after_insert() from public;
create trigger chat_messages_after_insert after insert on public.chat_messages
  for each row execute function private.chat_messages_after_insert();

-- -----------------------------------------------------------------------------
-- Owner columns are immutable for API users (all roles, incl. staff).
-- -----------------------------------------------------------------------------
create trigger saved_cars_owner_immutable before update of user_id on public.saved_cars
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger compare_lists_owner_immutable before update of user_id on public.compare_lists
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger compare_list_items_owner_immutable before update of list_id on public.compare_list_items
  for each row when (old.list_id is distinct from new.list_id) execute function private.forbid_owner_change('list_id');
create trigger financing_applications_owner_immutable before update of user_id on public.financing_applications
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger tradein_requests_owner_immutable before update of user_id on public.tradein_requests
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger service_appointments_owner_immutable before update of user_id on public.service_appointments
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger part_orders_owner_immutable before update of user_id on public.part_orders
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger part_order_items_owner_immutable before update of order_id on public.part_order_items
  for each row when (old.order_id is distinct from new.order_id) execute function private.forbid_owner_change('order_id');
create trigger notifications_owner_immutable before update of user_id on public.notifications
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger reviews_owner_immutable before update of user_id on public.reviews
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger leads_owner_immutable before update of user_id on public.leads
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger privacy_requests_owner_immutable before update of user_id on public.privacy_requests
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger chat_conversations_owner_immutable before update of user_id on public.chat_conversations
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger chat_messages_owner_immutable before update of conversation_id on public.chat_messages
  for each row when (old.conversation_id is distinct from new.conversation_id) execute function private.forbid_owner_change('conversation_id');

-- Staff/admin writes to customer data are audited (customers' own are not).
create trigger financing_applications_audit after insert or update or delete on public.financing_applications
  for each row execute function private.audit_row('staff_only');
create trigger tradein_requests_audit after insert or update or delete on public.tradein_requests
  for each row execute function private.audit_row('staff_only');
create trigger service_appointments_audit after insert or update or delete on public.service_appointments
  for each row execute function private.audit_row('staff_only');
create trigger part_orders_audit after insert or update or delete on public.part_orders
  for each row execute function private.audit_row('staff_only');
create trigger reviews_audit after insert or update or delete on public.reviews
  for each row execute function private.audit_row('staff_only');
create trigger leads_audit after update or delete on public.leads
  for each row execute function private.audit_row('staff_only');
create trigger privacy_requests_audit after update or delete on public.privacy_requests
  for each row execute function private.audit_row('staff_only');
create trigger notifications_audit after insert or delete on public.notifications
  for each row execute function private.audit_row('staff_only');
create trigger saved_cars_audit after delete on public.saved_cars
  for each row execute function private.audit_row('staff_only');
create trigger compare_lists_audit after delete on public.compare_lists
  for each row execute function private.audit_row('staff_only');

-- -----------------------------------------------------------------------------
-- Homepage stats (/stats/summary): counts that include hidden (sold) cars,
-- so computed with definer rights and exposing aggregates only.
-- -----------------------------------------------------------------------------
create function public.stats_summary() returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'cars_sold', (select count(*) from public.vehicles v where v.sold_at is not null),
    'cars_sold_last_30_days', (select count(*) from public.vehicles v where v.sold_at >= now() - interval '30 days'),
    'avg_rating', (select round(avg(r.rating)::numeric, 2) from public.reviews r where r.status = 'approved'),
    'review_count', (select count(*) from public.reviews r where r.status = 'approved'),
    'inventory', (select jsonb_build_object(
                    'total', count(*),
                    'new', count(*) filter (where v.condition = 'new'),
                    'used', count(*) filter (where v.condition = 'used'),
                    'cpo', count(*) filter (where v.condition = 'cpo'),
                    'specials', count(*) filter (where v.is_special))
                  from public.vehicles v where v.visible),
    'locations', (select count(*) from public.locations l where l.is_active))
$$;
revoke all on function public.stats_summary() from public;
grant execute on function public.stats_summary() to anon, authenticated, service_role;

-- =============================================================================
-- RLS + grants
-- =============================================================================
alter table public.saved_cars enable row level security;
alter table public.compare_lists enable row level security;
alter table public.compare_list_items enable row level security;
alter table public.financing_applications enable row level security;
alter table public.tradein_requests enable row level security;
alter table public.service_appointments enable row level security;
alter table public.part_orders enable row level security;
alter table public.part_order_items enable row level security;
alter table public.notifications enable row level security;
alter table public.reviews enable row level security;
alter table public.leads enable row level security;
alter table public.privacy_requests enable row level security;
alter table public.chat_conversations enable row level security;
alter table public.chat_messages enable row level security;

revoke all on table public.saved_cars, public.compare_lists, public.compare_list_items,
  public.financing_applications, public.tradein_requests, public.service_appointments,
  public.part_orders, public.part_order_items, public.notifications, public.reviews, public.leads,
  public.privacy_requests, public.chat_conversations, public.chat_messages
  from anon, authenticated, service_role;

grant select, insert, update, delete on public.saved_cars, public.compare_lists, public.compare_list_items,
  public.financing_applications, public.tradein_requests, public.service_appointments,
  public.part_orders, public.part_order_items, public.reviews, public.chat_conversations
  to authenticated;
-- notifications: the owner only marks read (or deletes); everything else is the system's.
grant select, insert, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;
grant select, insert, update, delete on public.leads, public.privacy_requests to authenticated;
grant select, insert on public.chat_messages to authenticated;
grant delete on public.chat_messages to authenticated;
grant select on public.reviews to anon;
grant insert on public.leads to anon;

grant select, insert, update, delete on public.saved_cars, public.compare_lists, public.compare_list_items,
  public.financing_applications, public.tradein_requests, public.service_appointments,
  public.part_orders, public.part_order_items, public.notifications, public.reviews, public.leads,
  public.privacy_requests, public.chat_conversations, public.chat_messages
  to service_role;

-- saved_cars ---------------------------------------------------------------
create policy saved_cars_select on public.saved_cars for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
-- only cars the customer can see (a hidden car's id must not be probe-able)
create policy saved_cars_insert_own on public.saved_cars for insert to authenticated
  with check (user_id = (select auth.uid())
              and exists (select 1 from public.vehicles v where v.id = vehicle_id and v.visible));
create policy saved_cars_update_own on public.saved_cars for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy saved_cars_delete on public.saved_cars for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- compare_lists + items (items through list ownership, no per-row join) ----
create policy compare_lists_select on public.compare_lists for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy compare_lists_insert_own on public.compare_lists for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy compare_lists_update_own on public.compare_lists for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy compare_lists_delete on public.compare_lists for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy compare_list_items_select on public.compare_list_items for select to authenticated
  using (list_id in (select l.id from public.compare_lists l where l.user_id = (select auth.uid()))
         or (select private.is_staff()));
create policy compare_list_items_insert_own on public.compare_list_items for insert to authenticated
  with check (list_id in (select l.id from public.compare_lists l where l.user_id = (select auth.uid()))
              and exists (select 1 from public.vehicles v where v.id = vehicle_id and v.visible));
create policy compare_list_items_update_own on public.compare_list_items for update to authenticated
  using (list_id in (select l.id from public.compare_lists l where l.user_id = (select auth.uid())))
  with check (list_id in (select l.id from public.compare_lists l where l.user_id = (select auth.uid())));
create policy compare_list_items_delete on public.compare_list_items for delete to authenticated
  using (list_id in (select l.id from public.compare_lists l where l.user_id = (select auth.uid()))
         or (select private.is_admin()));

-- financing_applications -----------------------------------------------------
-- Customer: create as draft/submitted; edit only while draft/submitted and
-- only into draft/submitted/cancelled; delete own drafts. Staff: any status.
create policy financing_applications_select on public.financing_applications for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy financing_applications_insert_own on public.financing_applications for insert to authenticated
  with check (user_id = (select auth.uid()) and status in ('draft', 'submitted'));
create policy financing_applications_insert_staff on public.financing_applications for insert to authenticated
  with check ((select private.is_staff()));
create policy financing_applications_update_own on public.financing_applications for update to authenticated
  using (user_id = (select auth.uid()) and status in ('draft', 'submitted'))
  with check (user_id = (select auth.uid()) and status in ('draft', 'submitted', 'cancelled'));
create policy financing_applications_update_staff on public.financing_applications for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy financing_applications_delete on public.financing_applications for delete to authenticated
  using ((user_id = (select auth.uid()) and status = 'draft') or (select private.is_admin()));

-- tradein_requests ------------------------------------------------------------
create policy tradein_requests_select on public.tradein_requests for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy tradein_requests_insert_own on public.tradein_requests for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy tradein_requests_insert_staff on public.tradein_requests for insert to authenticated
  with check ((select private.is_staff()));
create policy tradein_requests_update_own on public.tradein_requests for update to authenticated
  using (user_id = (select auth.uid()) and status in ('submitted', 'awaiting_inspection', 'quoted'))
  with check (user_id = (select auth.uid()));
create policy tradein_requests_update_staff on public.tradein_requests for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy tradein_requests_delete on public.tradein_requests for delete to authenticated
  using ((user_id = (select auth.uid()) and status = 'submitted') or (select private.is_admin()));

-- service_appointments --------------------------------------------------------
create policy service_appointments_select on public.service_appointments for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy service_appointments_insert_own on public.service_appointments for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'booked');
create policy service_appointments_insert_staff on public.service_appointments for insert to authenticated
  with check ((select private.is_staff()));
create policy service_appointments_update_own on public.service_appointments for update to authenticated
  using (user_id = (select auth.uid()) and status in ('booked', 'rescheduled'))
  with check (user_id = (select auth.uid()) and status in ('booked', 'rescheduled', 'cancelled'));
create policy service_appointments_update_staff on public.service_appointments for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy service_appointments_delete on public.service_appointments for delete to authenticated
  using ((user_id = (select auth.uid()) and status <> 'completed') or (select private.is_admin()));

-- part_orders + items -----------------------------------------------------------
create policy part_orders_select on public.part_orders for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy part_orders_insert_own on public.part_orders for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'cart');
create policy part_orders_update_own on public.part_orders for update to authenticated
  using (user_id = (select auth.uid()) and status in ('cart', 'placed'))
  with check (user_id = (select auth.uid()) and status in ('cart', 'placed', 'cancelled'));
create policy part_orders_update_staff on public.part_orders for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy part_orders_delete on public.part_orders for delete to authenticated
  using ((user_id = (select auth.uid()) and status = 'cart') or (select private.is_admin()));

create policy part_order_items_select on public.part_order_items for select to authenticated
  using (order_id in (select o.id from public.part_orders o where o.user_id = (select auth.uid()))
         or (select private.is_staff()));
create policy part_order_items_insert_own on public.part_order_items for insert to authenticated
  with check (order_id in (select o.id from public.part_orders o
                           where o.user_id = (select auth.uid()) and o.status = 'cart'));
create policy part_order_items_update_own on public.part_order_items for update to authenticated
  using (order_id in (select o.id from public.part_orders o
                      where o.user_id = (select auth.uid()) and o.status = 'cart'))
  with check (order_id in (select o.id from public.part_orders o
                           where o.user_id = (select auth.uid()) and o.status = 'cart'));
create policy part_order_items_delete on public.part_order_items for delete to authenticated
  using (order_id in (select o.id from public.part_orders o
                      where o.user_id = (select auth.uid()) and o.status = 'cart')
         or (select private.is_admin()));

-- notifications ---------------------------------------------------------------
create policy notifications_select on public.notifications for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy notifications_insert on public.notifications for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_staff()));
create policy notifications_update_own on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notifications_delete on public.notifications for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- reviews -----------------------------------------------------------------------
create policy reviews_select_public on public.reviews for select to anon, authenticated
  using (status = 'approved');
create policy reviews_select_own_or_staff on public.reviews for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy reviews_insert on public.reviews for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_staff()));
create policy reviews_update_own on public.reviews for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy reviews_update_staff on public.reviews for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy reviews_delete on public.reviews for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));

-- leads ---------------------------------------------------------------------------
create policy leads_insert_anon on public.leads for insert to anon
  with check (user_id is null and status = 'new' and assigned_to is null);
create policy leads_insert_authenticated on public.leads for insert to authenticated
  with check (((user_id is null or user_id = (select auth.uid())) and status = 'new' and assigned_to is null)
              or (select private.is_staff()));
create policy leads_select on public.leads for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy leads_update_staff on public.leads for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy leads_delete_admin on public.leads for delete to authenticated
  using ((select private.is_admin()));

-- privacy_requests -----------------------------------------------------------------
create policy privacy_requests_select on public.privacy_requests for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy privacy_requests_insert_own on public.privacy_requests for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'pending' and result_path is null);
create policy privacy_requests_update_staff on public.privacy_requests for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy privacy_requests_delete_admin on public.privacy_requests for delete to authenticated
  using ((select private.is_admin()));

-- chat ----------------------------------------------------------------------------
create policy chat_conversations_select on public.chat_conversations for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy chat_conversations_insert_own on public.chat_conversations for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'open' and assigned_to is null);
create policy chat_conversations_update_own on public.chat_conversations for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy chat_conversations_update_staff on public.chat_conversations for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy chat_conversations_delete on public.chat_conversations for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy chat_messages_select on public.chat_messages for select to authenticated
  using (conversation_id in (select c.id from public.chat_conversations c where c.user_id = (select auth.uid()))
         or (select private.is_staff()));
create policy chat_messages_insert on public.chat_messages for insert to authenticated
  with check (sender_id = (select auth.uid())
              and (conversation_id in (select c.id from public.chat_conversations c
                                       where c.user_id = (select auth.uid()) and c.status = 'open')
                   or (select private.is_staff())));
create policy chat_messages_delete_admin on public.chat_messages for delete to authenticated
  using ((select private.is_admin()));
