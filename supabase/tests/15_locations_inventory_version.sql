-- A write to a location bumps the inventory version (migration 20261126210000): cards show
-- the location's city and state, and caches and the search index key on the version.
begin;
select plan(4);
\ir _helpers.psql

select public.inventory_version() as v0 \gset
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.affected($$ update public.locations set city = 'Round Rock'
                            where id = '10000000-0000-4000-8000-000000000001' $$), 1,
  'staff rename a location''s city');
select tests.reset_role();
select cmp_ok(public.inventory_version(), '>', :'v0'::bigint, 'a location edit bumps the inventory version');

select public.inventory_version() as v1 \gset
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.affected($$ update public.locations set is_active = false
                            where id = '10000000-0000-4000-8000-000000000001' $$), 1,
  'staff close the location');
select tests.reset_role();
select cmp_ok(public.inventory_version(), '>', :'v1'::bigint, 'closing a location bumps it too');
select * from finish();
rollback;
