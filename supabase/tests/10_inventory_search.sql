-- Inventory search helpers (migration 20261125160000): the card's hero image
-- lookup follows the public vehicle rule, and the facet index is usable by anon.
begin;
select plan(6);
\ir _helpers.psql

select tests.act_as_anon();
select is(public.vehicle_hero_path('c0000000-0000-4000-8000-000000000001'),
  'vehicle-media/c0000000-0000-4000-8000-000000000001/1.jpg', 'anon gets the hero image of a visible car');
select is(public.vehicle_hero_path('c0000000-0000-4000-8000-000000000002'), null,
  'anon gets nothing for a hidden car');
select is(public.vehicle_hero_path('00000000-0000-4000-8000-000000000000'), null, 'unknown car: null');
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select is(public.vehicle_hero_path('c0000000-0000-4000-8000-000000000002'), null,
  'a customer gets nothing for a hidden car');
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(public.vehicle_hero_path('c0000000-0000-4000-8000-000000000002'),
  'vehicle-media/c0000000-0000-4000-8000-000000000002/1.jpg', 'staff see the hero image of a hidden car');
select tests.reset_role();

select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'vehicles_visible_facets_idx'),
  'the partial covering facet index exists');

select * from finish();
rollback;
