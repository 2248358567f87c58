-- Triggers that other components rely on: price history, outbox events,
-- audit log (actor, before/after, ip, user agent), the bulk-load switch,
-- and storage.objects policies.
begin;
select plan(30);
\ir _helpers.psql

delete from public.outbox;
select public.inventory_version() as v0 \gset

-- ------------------------------------------------------------------ price history + events (staff)
select tests.act_as('55555555-0000-4000-8000-000000000005');
select set_config('request.headers', '{"x-forwarded-for":"203.0.113.7, 10.0.0.1","user-agent":"pgTAP/1.0"}', true);
select is(tests.affected($$ update public.vehicles set price_current = 23495 where id = 'c0000000-0000-4000-8000-000000000001' $$), 1,
  'staff lowers a price');
select tests.reset_role();
select results_eq(
  $$ select price, previous_price, changed_by, source from public.price_history
     where vehicle_id = 'c0000000-0000-4000-8000-000000000001' order by recorded_at desc, price limit 1 $$,
  $$ values (23495.00::numeric(12,2), 24995.00::numeric(12,2), '55555555-0000-4000-8000-000000000005'::uuid, 'app') $$,
  'price_history records the change, the previous price and the actor');
select results_eq(
  $$ select price_previous, price_current_cents, price_previous_cents, price_changed_at is not null from public.vehicles
     where id = 'c0000000-0000-4000-8000-000000000001' $$,
  $$ values (24995.00::numeric(12,2), 2349500::bigint, 2499500::bigint, true) $$,
  'vehicles keeps the previous price and the cents mirrors');
select results_eq(
  $$ select event, (payload ->> 'old_price_cents')::bigint, (payload ->> 'new_price_cents')::bigint, (payload ->> 'drop_cents')::bigint
     from public.outbox where aggregate_id = 'c0000000-0000-4000-8000-000000000001' $$,
  $$ values ('price_drop', 2499500::bigint, 2349500::bigint, 150000::bigint) $$,
  'a drop writes one price_drop event with old/new price in the same transaction');
select results_eq(
  $$ select host(ip), ua, actor_user_id, before ->> 'price_current', after ->> 'price_current' from public.audit_log
     where resource_table = 'vehicles' and resource_id = 'c0000000-0000-4000-8000-000000000001' and action = 'update' $$,
  $$ values ('203.0.113.7', 'pgTAP/1.0', '55555555-0000-4000-8000-000000000005'::uuid, '24995.00', '23495.00') $$,
  'audit_log has actor, before/after, client ip (first X-Forwarded-For hop) and user agent');
-- The update above, not any vehicles row: a delete's snapshot has no `after` (NULL).
select ok((select not (after ? 'search_tsv') from public.audit_log
           where resource_table = 'vehicles' and resource_id = 'c0000000-0000-4000-8000-000000000001'
             and action = 'update'),
  'audit snapshots omit the generated search vector');
select cmp_ok(public.inventory_version(), '>', :'v0'::bigint, 'a vehicle edit bumps the inventory version (cache keys)');

select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.affected($$ update public.vehicles set price_current = 23995 where id = 'c0000000-0000-4000-8000-000000000001' $$), 1,
  'staff raises the price again');
select is(tests.affected($$ update public.vehicles set description = 'Fresh tyres' where id = 'c0000000-0000-4000-8000-000000000001' $$), 1,
  'staff edits the description');
select tests.reset_role();
select is((select count(*)::int from public.outbox where event = 'price_drop'), 1, 'a price increase emits no price_drop');
select is((select count(*)::int from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000001'), 3,
  'initial + drop + increase = 3 history rows; a non-price edit adds none');

-- hidden car: no public event for a drop; publishing emits new_listing
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.affected($$ update public.vehicles set price_current = 20000 where id = 'c0000000-0000-4000-8000-000000000002' $$), 1,
  'staff lowers the price of a hidden car');
select is(tests.affected($$ update public.vehicles set visible = true where id = 'c0000000-0000-4000-8000-000000000002' $$), 1,
  'staff publishes the hidden car');
select lives_ok($$ insert into public.vehicles (id, vin, make, model, year, body_type, fuel, transmission, condition, price_current)
                   values ('c0000000-0000-4000-8000-000000000003', '5YJ3E1EA1PF000777', 'Tesla', 'Model 3', 2023, 'sedan',
                           'electric', 'automatic', 'used', 31995) $$, 'staff adds a visible car');
select is(tests.affected($$ update public.vehicles set stock_status = 'sold' where id = 'c0000000-0000-4000-8000-000000000003' $$), 1,
  'staff marks it sold');
select tests.reset_role();
select is_empty($$ select 1 from public.outbox where event = 'price_drop' and aggregate_id = 'c0000000-0000-4000-8000-000000000002' $$,
  'no price_drop event for a hidden car');
select results_eq(
  $$ select aggregate_id from public.outbox where event = 'new_listing' order by aggregate_id $$,
  $$ values ('c0000000-0000-4000-8000-000000000002'::uuid), ('c0000000-0000-4000-8000-000000000003'::uuid) $$,
  'new_listing for a newly visible car and for a new visible car');
select results_eq($$ select event from public.outbox where aggregate_id = 'c0000000-0000-4000-8000-000000000003' order by id $$,
  $$ values ('new_listing'), ('vehicle_sold') $$, 'selling emits vehicle_sold');
select ok((select sold_at is not null from public.vehicles where id = 'c0000000-0000-4000-8000-000000000003'),
  'sold_at is stamped when stock_status becomes sold');

-- ------------------------------------------------------------------ bulk-load switch
select tests.act_as('55555555-0000-4000-8000-000000000005');
select set_config('forecourt.bulk_load', 'on', true);
select is(tests.affected($$ update public.vehicles set price_current = 19000 where id = 'c0000000-0000-4000-8000-000000000002' $$), 1,
  'staff sets forecourt.bulk_load and changes a price');
select set_config('forecourt.bulk_load', '', true);
select tests.reset_role();
select isnt_empty($$ select 1 from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000002' and price = 19000 $$,
  'end users cannot switch off price history with the bulk-load GUC');
select isnt_empty($$ select 1 from public.outbox where event = 'price_drop' and aggregate_id = 'c0000000-0000-4000-8000-000000000002' $$,
  '... nor the outbox');
select set_config('forecourt.bulk_load', 'on', true);
update public.vehicles set price_current = 18000 where id = 'c0000000-0000-4000-8000-000000000002';
select set_config('forecourt.bulk_load', '', true);
select is_empty($$ select 1 from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000002' and price = 18000 $$,
  'a trusted bulk loader skips per-row history (it writes history itself)');

-- ------------------------------------------------------------------ outbox for jobs
select tests.act_as_service();
select is(tests.affected($$ update public.outbox set published_at = now(), attempts = attempts + 1 where published_at is null $$) > 0, true,
  'service_role claims and marks outbox rows');
select tests.reset_role();

-- ------------------------------------------------------------------ storage.objects policies
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select lives_ok($$ insert into storage.objects (bucket_id, name, owner_id)
                   values ('docs', 'aaaaaaaa-0000-4000-8000-00000000000a/paystub.pdf', 'aaaaaaaa-0000-4000-8000-00000000000a') $$,
  'A uploads into own docs folder');
select throws_ok($$ insert into storage.objects (bucket_id, name) values ('docs', 'bbbbbbbb-0000-4000-8000-00000000000b/evil.pdf') $$,
  '42501', null, 'A cannot upload into B''s folder');
select throws_ok($$ insert into storage.objects (bucket_id, name) values ('vehicle-media', 'c0000000-0000-4000-8000-000000000001/9.jpg') $$,
  '42501', null, 'customers cannot upload vehicle media');
select tests.reset_role();
insert into storage.objects (bucket_id, name) values
  ('vehicle-media', 'c0000000-0000-4000-8000-000000000001/1.jpg'),
  ('vehicle-media', 'c0000000-0000-4000-8000-000000000004/1.jpg');
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select is_empty($$ select 1 from storage.objects where bucket_id = 'docs' $$, 'B cannot see A''s documents');
select tests.reset_role();
select tests.act_as_anon();
select results_eq($$ select name from storage.objects $$, $$ values ('c0000000-0000-4000-8000-000000000001/1.jpg') $$,
  'anon can read (sign) media of visible vehicles only, no documents');
select tests.reset_role();
select tests.act_as('55555555-0000-4000-8000-000000000005');
select ok((select count(*) from storage.objects) = 3, 'staff sees media and customer documents');
select tests.reset_role();

select * from finish();
rollback;
