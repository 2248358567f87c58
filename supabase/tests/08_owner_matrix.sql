-- The full role matrix for every owner-scoped table, data-driven:
--   5 actors (anon, customer A, customer B, staff, admin)
-- x each table's operations on customer A's fixture row
--   (select it, insert an own row, insert a row for A, update it, delete it).
-- Every statement runs in a dry-run subtransaction (rolled back), so each
-- cell sees the same fixtures. A cell is the affected row count or
-- 'ERR:<sqlstate>'. Behaviour details (status machines, capacity, ...) are in
-- files 01-07; this file proves nothing is missing from the grid.
begin;
select plan(421);
\ir _helpers.psql

-- Executes p_sql with the current role, returns the row count (or the error
-- code), and always rolls the statement back.
create function tests.dry_run(p_sql text) returns text
language plpgsql as $$
declare
  n integer;
begin
  begin
    execute p_sql;
    get diagnostics n = row_count;
    raise exception using errcode = 'TS001', message = n::text;
  exception
    when sqlstate 'TS001' then
      return sqlerrm;
    when others then
      return 'ERR:' || sqlstate;
  end;
end
$$;
grant execute on function tests.dry_run(text) to anon, authenticated, service_role;

-- ------------------------------------------------------------------ fixtures owned by A
insert into public.vehicles (id, vin, make, model, year, body_type, fuel, transmission, condition, price_current, visible)
values ('c0000000-0000-4000-8000-0000000000c8', '1HGCY1F39PA000888', 'Honda', 'Accord', 2023, 'sedan', 'petrol', 'cvt', 'used', 25995, true);
insert into public.saved_cars (id, user_id, vehicle_id)
values ('5a000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001');
insert into public.compare_lists (id, user_id) values ('c1000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a');
insert into public.compare_list_items (id, list_id, vehicle_id)
values ('c2000000-0000-4000-8000-0000000000aa', 'c1000000-0000-4000-8000-0000000000aa', 'c0000000-0000-4000-8000-000000000001');
insert into public.financing_applications (id, user_id, status) values ('fa000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'draft');
insert into public.tradein_requests (id, user_id, make, model, year, mileage, condition_grade)
values ('7a000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Toyota', 'Camry', 2019, 60000, 3);
insert into public.service_appointments (id, user_id, location_id, service_type, desired_at)
values ('a9000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001',
        'maintenance', tests.slot_time() + interval '1 hour');
insert into public.part_orders (id, user_id) values ('0d000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a');
insert into public.part_order_items (id, order_id, part_id, qty)
select '01000000-0000-4000-8000-0000000000aa', '0d000000-0000-4000-8000-0000000000aa', p.id, 1
from public.parts p where p.active order by p.sku limit 1;
insert into public.notifications (id, user_id, kind) values ('90000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'price_drop');
insert into public.reviews (id, target_type, target_id, user_id, rating)
values ('e0000000-0000-4000-8000-0000000000aa', 'vehicle', 'c0000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-00000000000a', 4);
insert into public.leads (id, user_id, name, email) values ('1e000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Alice', 'alice@test.local');
insert into public.privacy_requests (id, user_id, kind) values ('ab000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'export');
insert into public.campaigns (id, slug, title, active) values
  ('ca000000-0000-4000-8000-0000000000c1', 'matrix-one', 'One', true),
  ('ca000000-0000-4000-8000-0000000000c2', 'matrix-two', 'Two', true);
insert into public.vouchers (id, campaign_id, user_id) values ('b0000000-0000-4000-8000-0000000000aa', 'ca000000-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-00000000000a');
insert into public.chat_conversations (id, user_id) values ('c4000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a');
insert into public.chat_messages (id, conversation_id, sender_id, body)
values ('c5000000-0000-4000-8000-0000000000aa', 'c4000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 'hi');
insert into public.rewards (id, user_id, points, reason) values ('ee000000-0000-4000-8000-0000000000aa', 'aaaaaaaa-0000-4000-8000-00000000000a', 100, 'test');
insert into public.badges (id, code, name) values
  ('bd000000-0000-4000-8000-000000000001', 'matrix_one', 'One'), ('bd000000-0000-4000-8000-000000000002', 'matrix_two', 'Two');
insert into public.user_badges (user_id, badge_id) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'bd000000-0000-4000-8000-000000000001');

-- ------------------------------------------------------------------ the grid
-- expected: anon, customer A (owner), customer B, staff, admin
create table tests.matrix (
  ord integer generated always as identity,
  tbl text, op text, sql text,
  e_anon text, e_a text, e_b text, e_staff text, e_admin text
);
grant select on tests.matrix to anon, authenticated;

insert into tests.matrix (tbl, op, sql, e_anon, e_a, e_b, e_staff, e_admin) values
-- saved_cars
('saved_cars', 'select A row', $$select 1 from public.saved_cars where id = '5a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('saved_cars', 'insert own', $$insert into public.saved_cars (vehicle_id) values ('c0000000-0000-4000-8000-0000000000c8')$$, 'ERR:42501', '1', '1', '1', '1'),
('saved_cars', 'insert for A', $$insert into public.saved_cars (user_id, vehicle_id) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-0000000000c8')$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('saved_cars', 'update A row', $$update public.saved_cars set notify_price_drop = false where id = '5a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '0'),
('saved_cars', 'delete A row', $$delete from public.saved_cars where id = '5a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- compare_lists
('compare_lists', 'select A row', $$select 1 from public.compare_lists where id = 'c1000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('compare_lists', 'insert own', $$insert into public.compare_lists (name) values ('mine')$$, 'ERR:42501', '1', '1', '1', '1'),
('compare_lists', 'insert for A', $$insert into public.compare_lists (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a')$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('compare_lists', 'update A row', $$update public.compare_lists set name = 'x' where id = 'c1000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '0'),
('compare_lists', 'delete A row', $$delete from public.compare_lists where id = 'c1000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- compare_list_items (through the list)
('compare_list_items', 'select A row', $$select 1 from public.compare_list_items where id = 'c2000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('compare_list_items', 'insert into A list', $$insert into public.compare_list_items (list_id, vehicle_id) values ('c1000000-0000-4000-8000-0000000000aa', 'c0000000-0000-4000-8000-0000000000c8')$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('compare_list_items', 'update A row', $$update public.compare_list_items set position = 2 where id = 'c2000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '0'),
('compare_list_items', 'delete A row', $$delete from public.compare_list_items where id = 'c2000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- financing_applications (A's draft)
('financing_applications', 'select A row', $$select 1 from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('financing_applications', 'insert own', $$insert into public.financing_applications (status) values ('draft')$$, 'ERR:42501', '1', '1', '1', '1'),
('financing_applications', 'insert for A', $$insert into public.financing_applications (user_id, status) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'draft')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('financing_applications', 'update A row', $$update public.financing_applications set notes = 'x' where id = 'fa000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('financing_applications', 'delete A row', $$delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- tradein_requests (A's submitted)
('tradein_requests', 'select A row', $$select 1 from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('tradein_requests', 'insert own', $$insert into public.tradein_requests (make, model, year, mileage, condition_grade) values ('Kia', 'Soul', 2018, 50000, 3)$$, 'ERR:42501', '1', '1', '1', '1'),
('tradein_requests', 'insert for A', $$insert into public.tradein_requests (user_id, make, model, year, mileage, condition_grade) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'Kia', 'Soul', 2018, 50000, 3)$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('tradein_requests', 'update A row', $$update public.tradein_requests set notes = 'x' where id = '7a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('tradein_requests', 'delete A row', $$delete from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- service_appointments (A's booking in the 11:00 slot, capacity 5)
('service_appointments', 'select A row', $$select 1 from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('service_appointments', 'insert own', $$insert into public.service_appointments (location_id, service_type, desired_at) values ('10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time() + interval '1 hour 30 minutes')$$, 'ERR:42501', '1', '1', '1', '1'),
('service_appointments', 'insert for A', $$insert into public.service_appointments (user_id, location_id, service_type, desired_at) values ('aaaaaaaa-0000-4000-8000-00000000000a', '10000000-0000-4000-8000-000000000001', 'maintenance', tests.slot_time() + interval '1 hour 30 minutes')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('service_appointments', 'update A row', $$update public.service_appointments set notes = 'x' where id = 'a9000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('service_appointments', 'delete A row', $$delete from public.service_appointments where id = 'a9000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- part_orders (A's open cart; one open cart per customer)
('part_orders', 'select A row', $$select 1 from public.part_orders where id = '0d000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('part_orders', 'insert own', $$insert into public.part_orders default values$$, 'ERR:42501', 'ERR:23505', '1', '1', '1'),
('part_orders', 'insert for A', $$insert into public.part_orders (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a')$$, 'ERR:42501', 'ERR:23505', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('part_orders', 'update A row', $$update public.part_orders set shipping_address = '{"city":"Austin"}' where id = '0d000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('part_orders', 'delete A row', $$delete from public.part_orders where id = '0d000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- part_order_items (through the order)
('part_order_items', 'select A row', $$select 1 from public.part_order_items where id = '01000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('part_order_items', 'insert into A cart', $$insert into public.part_order_items (order_id, part_id, qty) select '0d000000-0000-4000-8000-0000000000aa', p.id, 1 from public.parts p where p.active order by p.sku desc limit 1$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('part_order_items', 'update A row', $$update public.part_order_items set qty = 2 where id = '01000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '0'),
('part_order_items', 'delete A row', $$delete from public.part_order_items where id = '01000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- notifications
('notifications', 'select A row', $$select 1 from public.notifications where id = '90000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('notifications', 'insert own', $$insert into public.notifications (kind) values ('reminder_self')$$, 'ERR:42501', '1', '1', '1', '1'),
('notifications', 'insert for A', $$insert into public.notifications (user_id, kind) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'car_ready')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('notifications', 'update A row', $$update public.notifications set read_at = now() where id = '90000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '0'),
('notifications', 'delete A row', $$delete from public.notifications where id = '90000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- notification_preferences (one row per user, created with the profile)
('notification_preferences', 'select A row', $$select 1 from public.notification_preferences where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '1', '0', '1', '1'),
('notification_preferences', 'insert for A', $$insert into public.notification_preferences (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a')$$, 'ERR:42501', 'ERR:23505', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('notification_preferences', 'update A row', $$update public.notification_preferences set sms_enabled = true where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '1', '0', '0', '0'),
('notification_preferences', 'delete A row', $$delete from public.notification_preferences where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '1', '0', '0', '0'),
-- reviews (A's pending review)
('reviews', 'select A row', $$select 1 from public.reviews where id = 'e0000000-0000-4000-8000-0000000000aa'$$, '0', '1', '0', '1', '1'),
('reviews', 'insert own', $$insert into public.reviews (target_type, target_id, rating) values ('dealership', '10000000-0000-4000-8000-000000000001', 5)$$, 'ERR:42501', '1', '1', '1', '1'),
('reviews', 'insert for A', $$insert into public.reviews (target_type, target_id, user_id, rating) values ('dealership', '10000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-00000000000a', 5)$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('reviews', 'update A row', $$update public.reviews set title = 'x' where id = 'e0000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('reviews', 'delete A row', $$delete from public.reviews where id = 'e0000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
-- leads (A's own lead)
('leads', 'select A row', $$select 1 from public.leads where id = '1e000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('leads', 'insert anonymous', $$insert into public.leads (name, email) values ('Someone', 'someone@test.local')$$, '1', '1', '1', '1', '1'),
('leads', 'insert for A', $$insert into public.leads (user_id, name, email) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'Alice', 'a@test.local')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('leads', 'update A row', $$update public.leads set status = 'contacted' where id = '1e000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '1', '1'),
('leads', 'delete A row', $$delete from public.leads where id = '1e000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
-- privacy_requests
('privacy_requests', 'select A row', $$select 1 from public.privacy_requests where id = 'ab000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('privacy_requests', 'insert own', $$insert into public.privacy_requests (kind) values ('delete')$$, 'ERR:42501', '1', '1', '1', '1'),
('privacy_requests', 'insert for A', $$insert into public.privacy_requests (user_id, kind) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'delete')$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('privacy_requests', 'update A row', $$update public.privacy_requests set notes = 'x' where id = 'ab000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '1', '1'),
('privacy_requests', 'delete A row', $$delete from public.privacy_requests where id = 'ab000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
-- vouchers
('vouchers', 'select A row', $$select 1 from public.vouchers where id = 'b0000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('vouchers', 'insert own', $$insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-0000000000c2')$$, 'ERR:42501', '1', '1', '1', '1'),
('vouchers', 'insert for A', $$insert into public.vouchers (campaign_id, user_id) values ('ca000000-0000-4000-8000-0000000000c2', 'aaaaaaaa-0000-4000-8000-00000000000a')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('vouchers', 'update A row', $$update public.vouchers set location_id = '10000000-0000-4000-8000-000000000001' where id = 'b0000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '1', '1'),
('vouchers', 'delete A row', $$delete from public.vouchers where id = 'b0000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
-- chat_conversations
('chat_conversations', 'select A row', $$select 1 from public.chat_conversations where id = 'c4000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('chat_conversations', 'insert own', $$insert into public.chat_conversations (subject) values ('hello')$$, 'ERR:42501', '1', '1', '1', '1'),
('chat_conversations', 'insert for A', $$insert into public.chat_conversations (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a')$$, 'ERR:42501', '1', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('chat_conversations', 'update A row', $$update public.chat_conversations set subject = 'x' where id = 'c4000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('chat_conversations', 'delete A row', $$delete from public.chat_conversations where id = 'c4000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '0', '1'),
-- chat_messages (no UPDATE privilege for API roles: messages are immutable)
('chat_messages', 'select A row', $$select 1 from public.chat_messages where id = 'c5000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('chat_messages', 'insert into A chat', $$insert into public.chat_messages (conversation_id, body) values ('c4000000-0000-4000-8000-0000000000aa', 'hey')$$, 'ERR:42501', '1', 'ERR:42501', '1', '1'),
('chat_messages', 'update A row', $$update public.chat_messages set body = 'x' where id = 'c5000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', 'ERR:42501', 'ERR:42501', 'ERR:42501', 'ERR:42501'),
('chat_messages', 'delete A row', $$delete from public.chat_messages where id = 'c5000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
-- rewards (ledger written by staff/jobs)
('rewards', 'select A row', $$select 1 from public.rewards where id = 'ee000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '1', '0', '1', '1'),
('rewards', 'insert for A', $$insert into public.rewards (user_id, points, reason) values ('aaaaaaaa-0000-4000-8000-00000000000a', 50, 'bonus')$$, 'ERR:42501', 'ERR:42501', 'ERR:42501', '1', '1'),
('rewards', 'update A row', $$update public.rewards set points = 9999 where id = 'ee000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
('rewards', 'delete A row', $$delete from public.rewards where id = 'ee000000-0000-4000-8000-0000000000aa'$$, 'ERR:42501', '0', '0', '0', '1'),
-- user_badges (awarded by staff)
('user_badges', 'select A row', $$select 1 from public.user_badges where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '1', '0', '1', '1'),
('user_badges', 'insert for A', $$insert into public.user_badges (user_id, badge_id) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'bd000000-0000-4000-8000-000000000002')$$, 'ERR:42501', 'ERR:42501', 'ERR:42501', '1', '1'),
('user_badges', 'update A row', $$update public.user_badges set awarded_at = now() where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '0', '0', '0', '0'),
('user_badges', 'delete A row', $$delete from public.user_badges where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$, 'ERR:42501', '0', '0', '1', '1');

-- ------------------------------------------------------------------ run the grid
select tests.act_as_anon();
select is(tests.dry_run(m.sql), m.e_anon, format('anon      %-26s %s', m.tbl, m.op)) from tests.matrix m order by m.ord;
select tests.reset_role();

select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select is(tests.dry_run(m.sql), m.e_a, format('customer A %-26s %s', m.tbl, m.op)) from tests.matrix m order by m.ord;
select tests.reset_role();

select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select is(tests.dry_run(m.sql), m.e_b, format('customer B %-26s %s', m.tbl, m.op)) from tests.matrix m order by m.ord;
select tests.reset_role();

select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.dry_run(m.sql), m.e_staff, format('staff     %-26s %s', m.tbl, m.op)) from tests.matrix m order by m.ord;
select tests.reset_role();

select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.dry_run(m.sql), m.e_admin, format('admin     %-26s %s', m.tbl, m.op)) from tests.matrix m order by m.ord;
select tests.reset_role();

-- the fixtures survived every dry run
select is((select count(*)::int from public.saved_cars where id = '5a000000-0000-4000-8000-0000000000aa'), 1,
  'dry runs left the fixtures untouched');

select * from finish();
rollback;
