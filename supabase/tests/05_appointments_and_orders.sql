-- Owner-scoped with business rules: service_appointments (slots, capacity,
-- reschedule/cancel), part_orders and part_order_items (cart -> placed).
begin;
select plan(61);
\ir _helpers.psql

insert into public.service_appointments (id, user_id, location_id, service_type, desired_at, status) values
  ('a9000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', '10000000-0000-4000-8000-000000000001',
   'test_drive', tests.slot_time(), 'booked'),
  ('a9000000-0000-4000-8000-0000000000a0', 'aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001',
   'repair', now() - interval '10 days', 'completed');
insert into public.part_orders (id, user_id, status) values
  ('0d000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', 'cart');
insert into public.part_order_items (id, order_id, part_id, qty)
select '01000000-0000-4000-8000-0000000000b1', '0d000000-0000-4000-8000-0000000000b1', p.id, 1
from public.parts p where p.active order by p.sku limit 1;
delete from public.outbox;

-- ================================================================== anon
select tests.act_as_anon();
select throws_ok($$ select * from public.service_appointments $$, '42501', null, 'anon: appointments select denied');
select throws_ok($$ insert into public.service_appointments (user_id, location_id, service_type, desired_at)
                    values ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'repair', now() + interval '1 day') $$,
  '42501', null, 'anon: appointments insert denied');
select throws_ok($$ update public.service_appointments set notes = 'x' $$, '42501', null, 'anon: appointments update denied');
select throws_ok($$ delete from public.service_appointments $$, '42501', null, 'anon: appointments delete denied');
select throws_ok($$ select * from public.part_orders $$, '42501', null, 'anon: orders select denied');
select throws_ok($$ insert into public.part_orders (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a') $$, '42501', null, 'anon: orders insert denied');
select throws_ok($$ update public.part_orders set status = 'paid' $$, '42501', null, 'anon: orders update denied');
select throws_ok($$ delete from public.part_order_items $$, '42501', null, 'anon: order items delete denied');
select tests.reset_role();

-- ================================================================== customer A: appointments
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select results_eq($$ select id from public.service_appointments $$, $$ values ('a9000000-0000-4000-8000-0000000000a0'::uuid) $$,
  'A: sees only own appointments');
select lives_ok($$ insert into public.service_appointments (id, location_id, service_type, desired_at)
                   values ('a9000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time()) $$,
  'A: books the last free service slot');
select throws_ok($$ insert into public.service_appointments (location_id, service_type, desired_at)
                    values ('10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time() + interval '10 minutes') $$,
  'FC409', null, 'A: a full slot refuses another booking');
select throws_ok($$ insert into public.service_appointments (location_id, service_type, desired_at)
                    values ('10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time() + interval '3 hours') $$,
  'FC409', null, 'A: no booking outside published availability');
select throws_ok($$ insert into public.service_appointments (location_id, service_type, desired_at)
                    values ('10000000-0000-4000-8000-000000000001', 'maintenance', now() - interval '1 hour') $$,
  '23514', null, 'A: no booking in the past');
select lives_ok($$ insert into public.service_appointments (id, location_id, service_type, desired_at)
                   values ('a9000000-0000-4000-8000-0000000000a2', '10000000-0000-4000-8000-000000000001', 'test_drive', tests.slot_time()) $$,
  'A: books a test drive (separate capacity)');
select throws_ok($$ insert into public.service_appointments (location_id, service_type, desired_at, status)
                    values ('10000000-0000-4000-8000-000000000001', 'test_drive', tests.slot_time(), 'completed') $$,
  '42501', null, 'A: cannot create a completed appointment');
select throws_ok($$ insert into public.service_appointments (user_id, location_id, service_type, desired_at)
                    values ('bbbbbbbb-0000-4000-8000-00000000000b', '10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time() + interval '1 hour') $$,
  '42501', null, 'A: cannot book for B');
select is(tests.affected($$ update public.service_appointments set notes = 'bring the spare key' where id = 'a9000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: edits own booking');
select is(tests.affected($$ update public.service_appointments set desired_at = tests.slot_time() + interval '20 minutes' where id = 'a9000000-0000-4000-8000-0000000000a2' $$), 1,
  'A: reschedules own test drive within availability');
select throws_ok($$ update public.service_appointments set status = 'completed' where id = 'a9000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot mark own booking completed');
select is(tests.affected($$ update public.service_appointments set notes = 'x' where id = 'a9000000-0000-4000-8000-0000000000a0' $$), 0,
  'A: cannot edit a completed appointment');
select is(tests.affected($$ update public.service_appointments set notes = 'x' where id = 'a9000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot edit B''s booking');
select throws_ok($$ update public.service_appointments set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = 'a9000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: appointment user_id is immutable');
select is(tests.affected($$ update public.service_appointments set status = 'cancelled' where id = 'a9000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: cancels own booking');
select is(tests.affected($$ delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot delete B''s booking');
select is(tests.affected($$ delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000a0' $$), 0,
  'A: cannot delete a completed appointment');
select is(tests.affected($$ delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: deletes own cancelled booking');
select tests.reset_role();
select results_eq($$ select status::text from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000a2' $$,
  $$ values ('rescheduled') $$, 'moving desired_at marks the booking rescheduled');
select results_eq($$ select event from public.outbox where aggregate_table = 'service_appointments'
                     and aggregate_id = 'a9000000-0000-4000-8000-0000000000a2' order by id $$,
  $$ values ('booking_created'), ('booking_rescheduled') $$, 'booking_created then booking_rescheduled are in the outbox');
select isnt_empty($$ select 1 from public.outbox where event = 'booking_cancelled' and aggregate_id = 'a9000000-0000-4000-8000-0000000000a1' $$,
  'cancellation emits booking_cancelled');

-- ================================================================== customer A: orders
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select is_empty($$ select 1 from public.part_orders $$, 'A: sees no orders of others');
select lives_ok($$ insert into public.part_orders (id) values ('0d000000-0000-4000-8000-0000000000a1') $$, 'A: opens a cart');
select throws_ok($$ insert into public.part_orders (status) values ('paid') $$, '42501', null, 'A: cannot create a paid order');
select throws_ok($$ insert into public.part_orders (user_id) values ('bbbbbbbb-0000-4000-8000-00000000000b') $$, '42501', null, 'A: cannot open a cart for B');
select lives_ok($$ insert into public.part_order_items (id, order_id, part_id, qty, price_each)
                   select '01000000-0000-4000-8000-0000000000a1', '0d000000-0000-4000-8000-0000000000a1', p.id, 2, 0.01
                   from public.parts p where p.active order by p.sku limit 1 $$, 'A: adds an item to own cart');
select ok((select i.price_each = p.price from public.part_order_items i join public.parts p on p.id = i.part_id
           where i.id = '01000000-0000-4000-8000-0000000000a1'), 'A: item price comes from the catalogue, not the client');
select ok((select o.total = 2 * i.price_each from public.part_orders o join public.part_order_items i on i.order_id = o.id
           where o.id = '0d000000-0000-4000-8000-0000000000a1'), 'A: order total is recomputed from items');
select throws_ok($$ insert into public.part_order_items (order_id, part_id, qty)
                    select '0d000000-0000-4000-8000-0000000000b1', p.id, 1 from public.parts p where p.active order by p.sku desc limit 1 $$,
  '42501', null, 'A: cannot add to B''s cart');
select is(tests.affected($$ update public.part_orders set total = 0.01 where id = '0d000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: may send a total with an update ...');
select ok((select o.total = 2 * i.price_each from public.part_orders o join public.part_order_items i on i.order_id = o.id
           where o.id = '0d000000-0000-4000-8000-0000000000a1'), '... but the stored total is recomputed from the items');
select is(tests.affected($$ update public.part_order_items set qty = 3 where id = '01000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: changes quantity in own cart');
select is(tests.affected($$ update public.part_order_items set qty = 9 where id = '01000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot change B''s cart');
select throws_ok($$ update public.part_order_items set order_id = '0d000000-0000-4000-8000-0000000000b1' where id = '01000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: order item order_id is immutable');
select throws_ok($$ update public.part_orders set paid_at = now() where id = '0d000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot mark own order paid');
select is(tests.affected($$ update public.part_orders set status = 'placed' where id = '0d000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: places own order');
select throws_ok($$ update public.part_orders set status = 'cart' where id = '0d000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot reopen a placed order');
select throws_ok($$ update public.part_orders set status = 'shipped' where id = '0d000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot ship own order');
select is(tests.affected($$ update public.part_order_items set qty = 5 where id = '01000000-0000-4000-8000-0000000000a1' $$), 0,
  'A: items are frozen once the order is placed');
select is(tests.affected($$ delete from public.part_orders where id = '0d000000-0000-4000-8000-0000000000a1' $$), 0,
  'A: cannot delete a placed order');
select is(tests.affected($$ update public.part_orders set status = 'cancelled' where id = '0d000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot cancel B''s cart');
select is(tests.affected($$ delete from public.part_orders where id = '0d000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot delete B''s cart');
select tests.reset_role();

-- ================================================================== customer B
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select is_empty($$ select 1 from public.service_appointments where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$, 'B: cannot see A''s bookings');
select is_empty($$ select 1 from public.part_order_items where order_id = '0d000000-0000-4000-8000-0000000000a1' $$, 'B: cannot see A''s order items');
select is(tests.affected($$ delete from public.part_order_items where id = '01000000-0000-4000-8000-0000000000b1' $$), 1, 'B: removes an item from own cart');
select is(tests.affected($$ delete from public.part_orders where id = '0d000000-0000-4000-8000-0000000000b1' $$), 1, 'B: deletes own cart');
select tests.reset_role();

-- ================================================================== staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select ok((select count(*) from public.service_appointments where location_id = '10000000-0000-4000-8000-000000000001') >= 3,
  'staff: sees all bookings at the location');
select is(tests.affected($$ update public.service_appointments set status = 'completed' where id = 'a9000000-0000-4000-8000-0000000000a2' $$), 1,
  'staff: completes a test drive');
select lives_ok($$ insert into public.service_appointments (user_id, location_id, service_type, desired_at)
                   values ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time()),
                          ('bbbbbbbb-0000-4000-8000-00000000000b', '10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time()) $$,
  'staff: may overbook a slot (two bookings, capacity 1)');
select is(tests.affected($$ update public.part_orders set status = 'shipped' where id = '0d000000-0000-4000-8000-0000000000a1' $$), 1,
  'staff: ships an order');
select is(tests.affected($$ delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000b1' $$), 0,
  'staff: cannot delete bookings');
select tests.reset_role();

-- ================================================================== admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000b1' $$), 1,
  'admin: deletes a booking');
select is(tests.affected($$ delete from public.part_orders where id = '0d000000-0000-4000-8000-0000000000a1' $$), 1,
  'admin: deletes an order');
select tests.reset_role();

select * from finish();
rollback;
