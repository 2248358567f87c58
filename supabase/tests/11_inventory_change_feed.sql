-- The facet index's change feed (migration 20261125180000): every vehicle write is logged
-- with its transaction id, public.vehicle_changes_since(snapshot) reports what changed
-- after a snapshot, bulk loads leave one "reload" marker, and only service_role may read it.
begin;
select plan(9);
\ir _helpers.psql

-- One transaction has one xid, so "before this transaction" is the snapshot xid:xid: (our
-- xid not yet started) and "after it" is (xid+1):(xid+1):.
create temp table feed_start on commit drop as
  select (x || ':' || x || ':')::pg_snapshot as s,
         ((x::bigint + 1)::text || ':' || (x::bigint + 1)::text || ':')::pg_snapshot as after
  from (select pg_current_xact_id()::text as x) t;

update public.vehicles set price_current = price_current + 1
where id = 'c0000000-0000-4000-8000-000000000001';
select ok(exists (select 1 from public.vehicle_changes_since((select s from feed_start))
                  where vehicle_id = 'c0000000-0000-4000-8000-000000000001'),
  'an update is reported by vehicle id');
update public.vehicles set price_current = price_current - 1
where id = 'c0000000-0000-4000-8000-000000000001';
select is((select count(*) from public.vehicle_changes_since((select s from feed_start))
           where vehicle_id = 'c0000000-0000-4000-8000-000000000001'), 1::bigint,
  'each vehicle is reported once, however often it changed');

update public.vehicles set visible = false where id = 'c0000000-0000-4000-8000-000000000001';
delete from public.vehicles where id = 'c0000000-0000-4000-8000-000000000002';
select ok((select count(*) = 2 from public.vehicle_changes_since((select s from feed_start))
           where vehicle_id in ('c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002')),
  'hiding and deleting are reported (the reader drops those ids)');

select is((select count(*) from public.vehicle_changes_since((select after from feed_start))), 0::bigint,
  'nothing is reported to a snapshot taken after the changes');

select set_config('forecourt.bulk_load', 'on', true);
insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, condition, price_current)
values ('FEED0TEST0VEH1CLE', 'Honda', 'Civic', 2024, 'sedan', 'petrol', 'automatic', 'new', 25000);
select set_config('forecourt.bulk_load', '', true);
select ok(exists (select 1 from public.vehicle_changes_since((select s from feed_start)) where vehicle_id is null),
  'a bulk load leaves one reload marker instead of a row per vehicle');

select ok((select tgenabled = 'A' from pg_trigger where tgname = 'vehicles_change_feed_insert'),
  'the feed triggers fire even with session_replication_role = replica (seed generators)');

select tests.act_as_anon();
select throws_ok($$select * from public.vehicle_changes_since(pg_current_snapshot())$$, '42501',
  null, 'anon cannot read the feed (it names hidden vehicles)');
select tests.reset_role();
set local role service_role;
select lives_ok($$select * from public.vehicle_changes_since(pg_current_snapshot())$$,
  'service_role (the server''s index thread) reads the feed');
reset role;

select ok(exists (select 1 from pg_indexes where schemaname = 'public'
                  and indexname = 'vehicles_visible_condition_mileage_id_idx'),
  'the (condition, mileage, id) sort index exists');

select * from finish();
rollback;
