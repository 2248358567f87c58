-- The vehicle page's database pieces (issue 5): the child-table policies rewritten as
-- per-row EXISTS (20261125170100) show exactly what the old per-table IN did, and
-- vehicle_test_drive_starts() reveals booking times of visible cars only, nothing else.
begin;
select plan(14);
\ir _helpers.psql

-- V1 visible, V2 hidden; each gets a price history row and a view counter.
insert into public.price_history (vehicle_id, price, source)
values ('c0000000-0000-4000-8000-000000000001', 1, 'seed'), ('c0000000-0000-4000-8000-000000000002', 1, 'seed');
insert into public.vehicle_views (vehicle_id, views)
values ('c0000000-0000-4000-8000-000000000001', 3), ('c0000000-0000-4000-8000-000000000002', 4);
-- Test-drive bookings of both cars (as staff may book for anyone).
insert into public.service_appointments (user_id, location_id, service_type, vehicle_id, desired_at, status)
values ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'test_drive',
        'c0000000-0000-4000-8000-000000000001', date_trunc('hour', now()) + interval '2 days', 'booked'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'test_drive',
        'c0000000-0000-4000-8000-000000000001', date_trunc('hour', now()) + interval '3 days', 'cancelled'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'test_drive',
        'c0000000-0000-4000-8000-000000000002', date_trunc('hour', now()) + interval '2 days', 'booked');

select policies_are('public', 'vehicle_media',
  array['vehicle_media_select_public', 'vehicle_media_select_staff', 'vehicle_media_insert_staff',
        'vehicle_media_update_staff', 'vehicle_media_delete_staff'],
  'vehicle_media keeps the same set of policies');

select tests.act_as_anon();
select is((select count(*)::int from public.vehicle_media
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          1, 'anon sees the media of the visible car only');
select is((select count(*)::int from public.vehicle_specs
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          1, 'anon sees the specs of the visible car only');
select is((select array_agg(distinct vehicle_id::text) from public.price_history
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          array['c0000000-0000-4000-8000-000000000001'], 'anon sees the price history of the visible car only');
select is((select count(*)::int from public.vehicle_views
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          1, 'anon sees the view counter of the visible car only');
select is((select count(*)::int from public.vehicle_test_drive_starts(
             'c0000000-0000-4000-8000-000000000001', now(), now() + interval '8 days')),
          1, 'anon gets the active booking times of a visible car (cancelled ones are free)');
select is((select count(*)::int from public.vehicle_test_drive_starts(
             'c0000000-0000-4000-8000-000000000002', now(), now() + interval '8 days')),
          0, 'nothing about a hidden car');
select is((select count(*)::int from public.vehicle_test_drive_starts(
             'c0000000-0000-4000-8000-000000000001', now() + interval '4 days', now() + interval '8 days')),
          0, 'the window bounds the answer');
select throws_ok($$ select * from public.service_appointments $$, '42501', null,
  'anon still cannot read bookings themselves');

select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select is((select count(*)::int from public.vehicle_media
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          1, 'a customer sees the visible car''s media only');
select is((select count(*)::int from public.vehicle_test_drive_starts(
             'c0000000-0000-4000-8000-000000000001', now(), now() + interval '8 days')),
          1, 'a customer gets the same booking times');

select tests.act_as('55555555-0000-4000-8000-000000000005');
select is((select count(*)::int from public.vehicle_media
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
          2, 'staff see the media of both cars');
select is((select count(*)::int from public.price_history
           where vehicle_id = 'c0000000-0000-4000-8000-000000000002'),
          (select count(*)::int from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000002'),
          'staff see the hidden car''s price history');
select tests.reset_role();

-- The policy is a per-row probe, not a scan of every visible vehicle.
select unalike(
  (select string_agg(p::text, ' ') from (
     select pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) as p from pg_catalog.pg_policy pol
     where pol.polname in ('vehicle_media_select_public', 'vehicle_specs_select_public',
                           'price_history_select_public', 'vehicle_views_select_public')) x),
  '%IN (SELECT%', 'no child policy uses the per-table IN form any more');

select * from finish();
rollback;
