-- vehicles.hero_image_path (migration 20261126080000): derived from vehicle_media by
-- triggers, whatever writes the media, and never settable by a write to vehicles.
begin;
select plan(12);
\ir _helpers.psql

create function pg_temp.hero(p_id text) returns text language sql as $$
  select hero_image_path from public.vehicles where id = p_id::uuid
$$;

select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/1.jpg', 'a car''s first image is its hero');

-- Staff manage media through the API's role; the triggers follow.
select tests.act_as('55555555-0000-4000-8000-000000000005');
insert into public.vehicle_media (vehicle_id, kind, path, position)
values ('c0000000-0000-4000-8000-000000000001', 'image', 'vehicle-media/c0000000-0000-4000-8000-000000000001/2.jpg', 1),
       ('c0000000-0000-4000-8000-000000000001', 'video', 'vehicle-media/c0000000-0000-4000-8000-000000000001/v.mp4', 0);
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/1.jpg', 'a later image or a video leaves the hero alone');

update public.vehicle_media set position = 5
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and kind = 'image' and position = 0;
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/2.jpg', 'reordering makes the new first image the hero');

update public.vehicle_media set path = 'vehicle-media/c0000000-0000-4000-8000-000000000001/2b.jpg'
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and position = 1 and kind = 'image';
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/2b.jpg', 'replacing the first image''s file follows');

delete from public.vehicle_media
where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and kind = 'image' and position = 1;
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/1.jpg', 'deleting the hero promotes the next image');

delete from public.vehicle_media where vehicle_id = 'c0000000-0000-4000-8000-000000000001' and kind = 'image';
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'), null, 'no image, no hero');

-- A media row moved to another car: both cars are recomputed.
update public.vehicle_media set vehicle_id = 'c0000000-0000-4000-8000-000000000001'
where vehicle_id = 'c0000000-0000-4000-8000-000000000002' and kind = 'image';
select is(array[pg_temp.hero('c0000000-0000-4000-8000-000000000001'), pg_temp.hero('c0000000-0000-4000-8000-000000000002')],
  array['vehicle-media/c0000000-0000-4000-8000-000000000002/1.jpg', null],
  'moving an image to another car moves the hero with it');

-- Writes to vehicles cannot set it, whoever makes them.
update public.vehicles set hero_image_path = 'vehicle-media/elsewhere/x.jpg', mileage = mileage + 1
where id = 'c0000000-0000-4000-8000-000000000001';
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000002/1.jpg', 'a staff UPDATE of vehicles keeps the derived hero');
select tests.act_as_service();
update public.vehicles set hero_image_path = null where id = 'c0000000-0000-4000-8000-000000000001';
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000002/1.jpg', 'so does the service role''s');
select tests.reset_role();
update public.vehicles set hero_image_path = 'vehicle-media/elsewhere/y.jpg' where id = 'c0000000-0000-4000-8000-000000000001';
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000002/1.jpg', 'and the owner''s, outside a bulk load');

insert into public.vehicles (id, vin, stock_no, make, model, year, body_type, mileage, fuel, transmission,
                             condition, price_current, visible, hero_image_path)
values ('c0000000-0000-4000-8000-000000000003', private.make_vin(990003, '1FT', 2020, 'W1E5X'), 'TEST-3',
        'Ford', 'F-150', 2020, 'truck', 40000, 'petrol', 'automatic', 'used', 31995, true,
        'vehicle-media/elsewhere/z.jpg');
select is(pg_temp.hero('c0000000-0000-4000-8000-000000000003'), null, 'a new car starts without a hero');

-- Every car of the seeded inventory agrees with its media.
select is((select count(*)::int from public.vehicles v
           where v.hero_image_path is distinct from
                 (select m.path from public.vehicle_media m
                  where m.vehicle_id = v.id and m.kind = 'image' order by m.position limit 1)),
          0, 'every vehicle''s hero is its first image');

select * from finish();
rollback;
