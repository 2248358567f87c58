-- Owner-scoped: saved_cars, compare_lists, compare_list_items.
-- Roles anon / customer A / customer B / staff / admin x select / insert / update / delete.
begin;
select plan(54);
\ir _helpers.psql

-- fixtures (owner context)
insert into public.saved_cars (id, user_id, vehicle_id) values
  ('5a000000-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001'),
  ('5a000000-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-000000000001');
insert into public.compare_lists (id, user_id, name) values
  ('c1000000-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000000a', 'A list'),
  ('c1000000-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000000b', 'B list');
insert into public.compare_list_items (id, list_id, vehicle_id) values
  ('c2000000-0000-4000-8000-00000000000a', 'c1000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001'),
  ('c2000000-0000-4000-8000-00000000000b', 'c1000000-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-000000000001');

-- ================================================================== anon
select tests.act_as_anon();
select throws_ok($$ select * from public.saved_cars $$, '42501', null, 'anon: saved_cars select denied');
select throws_ok($$ insert into public.saved_cars (user_id, vehicle_id) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'anon: saved_cars insert denied');
select throws_ok($$ update public.saved_cars set notify_price_drop = false $$, '42501', null, 'anon: saved_cars update denied');
select throws_ok($$ delete from public.saved_cars $$, '42501', null, 'anon: saved_cars delete denied');
select throws_ok($$ select * from public.compare_lists $$, '42501', null, 'anon: compare_lists select denied');
select throws_ok($$ insert into public.compare_lists (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a') $$, '42501', null, 'anon: compare_lists insert denied');
select throws_ok($$ select * from public.compare_list_items $$, '42501', null, 'anon: compare_list_items select denied');
select throws_ok($$ delete from public.compare_list_items $$, '42501', null, 'anon: compare_list_items delete denied');
select tests.reset_role();

-- ================================================================== customer A
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
-- saved_cars
select results_eq($$ select id from public.saved_cars $$, $$ values ('5a000000-0000-4000-8000-00000000000a'::uuid) $$,
  'A: sees only own saved cars');
select lives_ok($$ insert into public.saved_cars (vehicle_id)
                   select v.id from public.vehicles v where v.visible and v.stock_no like 'FC%' order by v.stock_no limit 1 $$,
  'A: saves a car (user_id defaults to auth.uid())');
select throws_ok($$ insert into public.saved_cars (vehicle_id) values ('c0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'A: cannot save a hidden vehicle');
select throws_ok($$ insert into public.saved_cars (user_id, vehicle_id) values ('bbbbbbbb-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'A: cannot save a car into B''s garage');
select is(tests.affected($$ update public.saved_cars set notify_price_drop = false where id = '5a000000-0000-4000-8000-00000000000a' $$), 1,
  'A: updates own saved car');
select is(tests.affected($$ update public.saved_cars set notify_price_drop = false where id = '5a000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot update B''s saved car');
select throws_ok($$ update public.saved_cars set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = '5a000000-0000-4000-8000-00000000000a' $$,
  '42501', null, 'A: cannot hand a saved car to B (user_id immutable)');
select is(tests.affected($$ delete from public.saved_cars where id = '5a000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot delete B''s saved car');
-- compare_lists
select results_eq($$ select id from public.compare_lists $$, $$ values ('c1000000-0000-4000-8000-00000000000a'::uuid) $$,
  'A: sees only own compare lists');
select lives_ok($$ insert into public.compare_lists (id, name) values ('c1000000-0000-4000-8000-0000000000aa', 'A second') $$,
  'A: creates a compare list');
select throws_ok($$ insert into public.compare_lists (user_id, name) values ('bbbbbbbb-0000-4000-8000-00000000000b', 'for B') $$,
  '42501', null, 'A: cannot create a list owned by B');
select is(tests.affected($$ update public.compare_lists set name = 'renamed' where id = 'c1000000-0000-4000-8000-00000000000a' $$), 1,
  'A: renames own list');
select is(tests.affected($$ update public.compare_lists set name = 'pwned' where id = 'c1000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot rename B''s list');
select throws_ok($$ update public.compare_lists set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = 'c1000000-0000-4000-8000-00000000000a' $$,
  '42501', null, 'A: compare list user_id is immutable');
select is(tests.affected($$ delete from public.compare_lists where id = 'c1000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot delete B''s list');
-- compare_list_items (ownership through the list)
select results_eq($$ select id from public.compare_list_items $$, $$ values ('c2000000-0000-4000-8000-00000000000a'::uuid) $$,
  'A: sees only items of own lists');
select lives_ok($$ insert into public.compare_list_items (id, list_id, vehicle_id)
                   select 'c2000000-0000-4000-8000-0000000000a2', 'c1000000-0000-4000-8000-00000000000a', v.id
                   from public.vehicles v where v.visible and v.stock_no like 'FC%' order by v.stock_no limit 1 $$,
  'A: adds a vehicle to own list');
select throws_ok($$ insert into public.compare_list_items (list_id, vehicle_id) values ('c1000000-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'A: cannot add to B''s list');
select throws_ok($$ insert into public.compare_list_items (list_id, vehicle_id) values ('c1000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'A: cannot add a hidden vehicle');
select is(tests.affected($$ update public.compare_list_items set position = 3 where id = 'c2000000-0000-4000-8000-00000000000a' $$), 1,
  'A: reorders own item');
select throws_ok($$ update public.compare_list_items set list_id = 'c1000000-0000-4000-8000-00000000000b' where id = 'c2000000-0000-4000-8000-00000000000a' $$,
  '42501', null, 'A: cannot move an item into B''s list');
select is(tests.affected($$ update public.compare_list_items set position = 3 where id = 'c2000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot edit B''s item');
select is(tests.affected($$ delete from public.compare_list_items where id = 'c2000000-0000-4000-8000-00000000000b' $$), 0,
  'A: cannot remove B''s item');
select is(tests.affected($$ delete from public.compare_list_items where id = 'c2000000-0000-4000-8000-00000000000a' $$), 1,
  'A: removes own item');
select tests.reset_role();

-- ================================================================== customer B
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select results_eq($$ select id from public.saved_cars $$, $$ values ('5a000000-0000-4000-8000-00000000000b'::uuid) $$,
  'B: sees only own saved cars (not A''s)');
select is_empty($$ select 1 from public.compare_lists where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$, 'B: cannot see A''s lists');
select is(tests.affected($$ update public.saved_cars set notify_price_drop = true where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'B: cannot update A''s saved cars');
select is(tests.affected($$ delete from public.compare_lists where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'B: cannot delete A''s lists');
select is(tests.affected($$ delete from public.saved_cars where id = '5a000000-0000-4000-8000-00000000000b' $$), 1,
  'B: deletes own saved car');
select tests.reset_role();

-- ================================================================== staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select ok((select count(*) from public.saved_cars where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a') = 2,
  'staff: reads every customer''s saved cars (nudges, analytics)');
select ok((select count(*) from public.compare_list_items) >= 2, 'staff: reads compare list items');
select throws_ok($$ insert into public.saved_cars (user_id, vehicle_id) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'staff: cannot save cars on behalf of a customer');
select is(tests.affected($$ update public.saved_cars set notify_price_drop = true where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'staff: cannot edit customer saved cars');
select is(tests.affected($$ update public.compare_lists set name = 'x' where id = 'c1000000-0000-4000-8000-00000000000a' $$), 0,
  'staff: cannot edit customer lists');
select is(tests.affected($$ delete from public.saved_cars where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'staff: cannot delete customer saved cars');
select is(tests.affected($$ delete from public.compare_list_items $$), 0, 'staff: cannot delete compare list items');
select tests.reset_role();

-- ================================================================== admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select ok((select count(*) from public.compare_lists) >= 3, 'admin: reads all compare lists');
select is(tests.affected($$ update public.compare_lists set name = 'x' where id = 'c1000000-0000-4000-8000-00000000000a' $$), 0,
  'admin: does not edit customer lists');
select is(tests.affected($$ delete from public.saved_cars where id = '5a000000-0000-4000-8000-00000000000a' $$), 1,
  'admin: deletes a saved car (GDPR/cleanup)');
select is(tests.affected($$ delete from public.compare_lists where id = 'c1000000-0000-4000-8000-00000000000b' $$), 1,
  'admin: deletes a compare list');
select is(tests.affected($$ update public.compare_list_items set list_id = 'c1000000-0000-4000-8000-0000000000aa' where id = 'c2000000-0000-4000-8000-0000000000a2' $$), 0,
  'admin: does not edit customer list items');
select tests.reset_role();

-- ================================================================== limits and audit
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select throws_ok($$ insert into public.compare_list_items (list_id, vehicle_id)
                    select 'c1000000-0000-4000-8000-0000000000aa', v.id from public.vehicles v where v.visible limit 11 $$,
  'FC409', null, 'a compare list holds at most 10 vehicles');
select is(tests.affected($$ delete from public.compare_lists where id = 'c1000000-0000-4000-8000-0000000000aa' $$), 1,
  'A: deletes own list');
select tests.reset_role();
select isnt_empty($$ select 1 from public.audit_log where resource_table = 'saved_cars' and action = 'delete'
                      and actor_user_id = 'adadadad-0000-4000-8000-0000000000ad' $$,
  'admin deletion of customer data is audited');
select is_empty($$ select 1 from public.audit_log where resource_table = 'compare_lists'
                    and actor_user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  'customers'' own deletions are not audited (only staff/admin writes)');
select ok((select count(*) from public.compare_list_items where list_id = 'c1000000-0000-4000-8000-00000000000b') = 0,
  'deleting a list cascades to its items');

select * from finish();
rollback;
