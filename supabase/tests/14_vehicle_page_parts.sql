-- public.vehicle_page_parts (migration 20261126130000): each car's specs, media, price
-- history, review summary and booked test drives as its page reads them, derived by triggers
-- from whatever writes their tables, readable as the car is, written by no API role.
begin;
select plan(27);
\ir _helpers.psql
set local timezone = 'UTC';

-- Cars whose stored parts differ from what the renderers say now (or that have none).
create function pg_temp.stale(p_ids uuid[] default null) returns text[] language sql as $$
  select coalesce(array_agg(v.id::text order by v.id), '{}')
  from public.vehicles v
  cross join lateral private.render_vehicle_page_parts(v.id) r
  left join public.vehicle_page_parts p on p.vehicle_id = v.id
  where (p_ids is null or v.id = any (p_ids))
    and (p.vehicle_id is null
         or p.specs <> r.specs
         or p.media::text <> r.media::text
         or p.price_history::text <> r.price_history::text
         or p.reviews::text <> r.reviews::text
         or p.booked_test_drives <> r.booked_test_drives)
$$;
create function pg_temp.part(p_id text, p_part text) returns json language sql as $$
  select case p_part when 'specs' then p.specs::json when 'media' then p.media
                     when 'price_history' then p.price_history
                     when 'booked_test_drives' then to_json(p.booked_test_drives) else p.reviews end
  from public.vehicle_page_parts p where p.vehicle_id = p_id::uuid
$$;

select is(pg_temp.stale(), '{}', 'every car of the seeded inventory and the fixtures has current parts');
select is(json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'media')), 1,
  'the fixture car''s one image is its media');

-- ------------------------------------------------------------ media, as staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
insert into public.vehicle_media (vehicle_id, kind, path, position, alt_text)
values ('c0000000-0000-4000-8000-000000000001', 'image', 'vehicle-media/c0000000-0000-4000-8000-000000000001/2.jpg', 1, 'Side'),
       ('c0000000-0000-4000-8000-000000000001', 'video', 'vehicle-media/c0000000-0000-4000-8000-000000000001/v.mp4', 0, null);
select is(json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'media')), 3,
  'added media appear');
update public.vehicle_media set alt_text = 'Driver side'
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and position = 1 and kind = 'image';
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'media') -> 1 ->> 'alt_text', 'Driver side',
  'an edited item follows');
update public.vehicle_media set vehicle_id = 'c0000000-0000-4000-8000-000000000002'
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and kind = 'video';
select is(array[json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'media')),
                json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000002', 'media'))],
  array[2, 2], 'an item moved to another car leaves one car and joins the other');
delete from public.vehicle_media where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and position = 1;
select is(json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'media')), 1,
  'a deleted item goes');

-- ------------------------------------------------------------ specs, as staff
update public.vehicle_specs set specs = specs || '{"horsepower": 203}'
where vehicle_id = 'c0000000-0000-4000-8000-000000000001';
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'specs') ->> 'horsepower', '203',
  'an edited spec document follows');
delete from public.vehicle_specs where vehicle_id = 'c0000000-0000-4000-8000-000000000001';
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'specs')::text, '{}',
  'a car without one shows {}');

-- ------------------------------------------------------------ prices, through vehicles
update public.vehicles set price_current = price_current - 500 where id = 'c0000000-0000-4000-8000-000000000001';
-- (In one transaction every row has the same recorded_at, so the order is not asserted.)
select is((select count(*)::int
           from json_array_elements(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'price_history')) e
           where (e ->> 'change')::numeric = -500.00 and e ->> 'source' = 'app'), 1,
  'a price change (its history row written by the vehicles trigger) is in the history');

-- ------------------------------------------------------------ reviews
select tests.reset_role();
insert into public.reviews (target_type, target_id, rating, title, author_name, status)
values ('vehicle', 'c0000000-0000-4000-8000-000000000001', 4, 'Pending one', 'P.', 'pending');
select is((pg_temp.part('c0000000-0000-4000-8000-000000000001', 'reviews') ->> 'count')::int, 0,
  'a pending review is not counted');
update public.reviews set status = 'approved' where title = 'Pending one';
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'reviews') -> 'latest' -> 0 ->> 'title', 'Pending one',
  'approving it puts it on the page');
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'reviews') ->> 'average_rating', '4.00',
  'and into the average');
update public.reviews set target_id = 'c0000000-0000-4000-8000-000000000002' where title = 'Pending one';
select is(array[(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'reviews') ->> 'count')::int,
                (pg_temp.part('c0000000-0000-4000-8000-000000000002', 'reviews') ->> 'count')::int],
  array[0, 1], 'a review moved to another car moves its count');
insert into public.reviews (target_type, target_id, rating, status)
values ('dealership', '10000000-0000-4000-8000-000000000001', 5, 'approved');
delete from public.reviews where title = 'Pending one';
select is((pg_temp.part('c0000000-0000-4000-8000-000000000002', 'reviews') ->> 'count')::int, 0,
  'a deleted review goes; a dealership review touches no car');

-- ------------------------------------------------------------ test-drive bookings
insert into public.service_appointments (user_id, location_id, service_type, vehicle_id, desired_at, status)
values ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'test_drive',
        'c0000000-0000-4000-8000-000000000001', date_trunc('hour', now()) + interval '2 days', 'booked'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'oil_change',
        'c0000000-0000-4000-8000-000000000001', date_trunc('hour', now()) + interval '3 days', 'booked');
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'booked_test_drives')::text,
  '[' || extract(epoch from date_trunc('hour', now()) + interval '2 days')::bigint || ']',
  'a booked test drive is there, by its start; a service visit is not');
update public.service_appointments set status = 'cancelled'
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and service_type = 'test_drive';
select is(pg_temp.part('c0000000-0000-4000-8000-000000000001', 'booked_test_drives')::text, '[]',
  'a cancelled one frees its slot');

-- ------------------------------------------------------------ cars come and go
insert into public.vehicles (id, vin, stock_no, make, model, year, body_type, mileage, fuel, transmission,
                             condition, price_current, visible)
values ('c0000000-0000-4000-8000-000000000003', private.make_vin(990003, '1FT', 2020, 'W1E5X'), 'TEST-3',
        'Ford', 'F-150', 2020, 'truck', 40000, 'petrol', 'automatic', 'used', 31995, true);
select is(json_array_length(pg_temp.part('c0000000-0000-4000-8000-000000000003', 'price_history')), 1,
  'a new car has parts from its first price');
delete from public.vehicles where id = 'c0000000-0000-4000-8000-000000000003';
select is((select count(*)::int from public.vehicle_page_parts where vehicle_id = 'c0000000-0000-4000-8000-000000000003'), 0,
  'a deleted car''s parts go with it (its children''s triggers do not bring them back)');

-- In bulk mode, as `forecourt seed` runs it (rolled back with the rest of this file).
select private.seed_bulk_begin();
select ok(to_regclass('public.price_history_vehicle_idx') is not null
          and to_regclass('public.price_history_changed_by_idx') is null,
  'a bulk load keeps the one deferrable index the generator reads per car (20261126170000)');
select lives_ok($$ select private.seed_vehicles(32000001, 3) $$, 'the generator still runs');
select is(pg_temp.stale((select array_agg(g.vehicle_id) from private.generated_vehicles g
                         where g.seed_number between 32000001 and 32000003)), '{}',
  'it derives the parts of the cars it generates (its own triggers are off)');

truncate public.reviews;
select is((select count(*)::int from public.vehicle_page_parts where (reviews ->> 'count')::int > 0), 0,
  'TRUNCATE of a child table is followed too');
select is(pg_temp.stale(), '{}', 'and after all of it, every car''s parts are current');

-- ------------------------------------------------------------ who reads and writes
select tests.act_as_anon();
select is((select array_agg(vehicle_id::text order by vehicle_id) from public.vehicle_page_parts
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
  array['c0000000-0000-4000-8000-000000000001'], 'anon reads the visible car''s parts only');
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is((select count(*)::int from public.vehicle_page_parts
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
  2, 'staff read every car''s');
select throws_ok($$ update public.vehicle_page_parts set media = '[]' $$, '42501', null,
  'staff cannot write them');
select tests.act_as_service();
select throws_ok($$ insert into public.vehicle_page_parts values ('c0000000-0000-4000-8000-000000000002', '[]', '[]', '{}') $$,
  '42501', null, 'nor can the service role');
select tests.reset_role();

select * from finish();
rollback;
