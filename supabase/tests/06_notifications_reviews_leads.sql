-- Owner-scoped: notifications, reviews, leads, privacy_requests, vouchers,
-- chat, rewards; append-only telemetry.
begin;
select plan(61);
\ir _helpers.psql

insert into public.notifications (id, user_id, kind, payload) values
  ('90000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-00000000000a', 'price_drop', '{}'),
  ('90000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', 'price_drop', '{}');
insert into public.reviews (id, target_type, target_id, user_id, rating, title, status) values
  ('e0000000-0000-4000-8000-0000000000b1', 'vehicle', 'c0000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-00000000000b', 4, 'B says', 'pending');
insert into public.chat_conversations (id, user_id, subject) values
  ('c4000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', 'B chat');
insert into public.campaigns (id, slug, title, kind, active, max_vouchers, voucher_value) values
  ('ca000000-0000-4000-8000-000000000001', 'test-campaign', 'Test', 'test_drive_voucher', true, 2, 25),
  ('ca000000-0000-4000-8000-000000000002', 'test-ended', 'Ended', 'test_drive_voucher', false, null, 25);

-- ================================================================== anon
select tests.act_as_anon();
select throws_ok($$ select * from public.notifications $$, '42501', null, 'anon: notifications select denied');
select throws_ok($$ insert into public.notifications (user_id, kind) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'x_y') $$, '42501', null, 'anon: notifications insert denied');
select throws_ok($$ update public.notifications set read_at = now() $$, '42501', null, 'anon: notifications update denied');
select throws_ok($$ delete from public.notifications $$, '42501', null, 'anon: notifications delete denied');
select throws_ok($$ insert into public.reviews (target_type, target_id, rating) values ('vehicle', 'c0000000-0000-4000-8000-000000000001', 5) $$,
  '42501', null, 'anon: cannot write reviews');
select throws_ok($$ update public.reviews set status = 'approved' $$, '42501', null, 'anon: cannot moderate reviews');
select lives_ok($$ insert into public.leads (id, name, email, message) values ('1e000000-0000-4000-8000-000000000001', 'Walk In', 'walk@in.test', 'hi') $$,
  'anon: submits a contact-form lead (no RETURNING)');
select throws_ok($$ insert into public.leads (name, email, status) values ('x', 'x@y.test', 'won') $$, '42501', null, 'anon: cannot submit a pre-qualified lead');
select throws_ok($$ insert into public.leads (name, email, user_id) values ('x', 'x@y.test', 'aaaaaaaa-0000-4000-8000-00000000000a') $$,
  '42501', null, 'anon: cannot attribute a lead to a user');
select throws_ok($$ select * from public.leads $$, '42501', null, 'anon: cannot read leads');
select lives_ok($$ insert into public.analytics_events (name, payload) values ('card_click', '{"variant":"B"}') $$, 'anon: appends telemetry');
select throws_ok($$ select * from public.analytics_events $$, '42501', null, 'anon: cannot read telemetry');
select throws_ok($$ select * from public.vouchers $$, '42501', null, 'anon: vouchers select denied');
select throws_ok($$ select * from public.chat_messages $$, '42501', null, 'anon: chat select denied');
select tests.reset_role();

-- ================================================================== customer A
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select results_eq($$ select id from public.notifications $$, $$ values ('90000000-0000-4000-8000-0000000000a1'::uuid) $$,
  'A: sees only own notifications');
select is(tests.affected($$ update public.notifications set read_at = now() where id = '90000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: marks own notification read');
select is(tests.affected($$ update public.notifications set read_at = now() where id = '90000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot mark B''s notification');
select throws_ok($$ update public.notifications set payload = '{"x":1}' where id = '90000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot rewrite a notification payload (only read_at is updatable)');
select throws_ok($$ update public.notifications set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = '90000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: notification user_id is immutable');
select lives_ok($$ insert into public.notifications (kind, payload) values ('reminder_self', '{}') $$, 'A: creates an own reminder');
select throws_ok($$ insert into public.notifications (user_id, kind) values ('bbbbbbbb-0000-4000-8000-00000000000b', 'spam') $$,
  '42501', null, 'A: cannot notify B');
select is(tests.affected($$ delete from public.notifications where id = '90000000-0000-4000-8000-0000000000b1' $$), 0, 'A: cannot delete B''s notification');
select is(tests.affected($$ delete from public.notifications where id = '90000000-0000-4000-8000-0000000000a1' $$), 1, 'A: deletes own notification');
-- reviews
select lives_ok($$ insert into public.reviews (id, target_type, target_id, rating, title)
                   values ('e0000000-0000-4000-8000-0000000000a1', 'vehicle', 'c0000000-0000-4000-8000-000000000001', 5, 'A says') $$,
  'A: writes a review (pending)');
select throws_ok($$ insert into public.reviews (target_type, target_id, rating, status) values ('dealership', null, 5, 'approved') $$,
  '42501', null, 'A: cannot self-approve a review');
select throws_ok($$ insert into public.reviews (target_type, target_id, rating) values ('vehicle', 'c0000000-0000-4000-8000-000000000001', 4) $$,
  '23505', null, 'A: one review per target');
select throws_ok($$ insert into public.reviews (target_type, target_id, rating) values ('dealership', 'c0000000-0000-4000-8000-000000000001', 4) $$,
  '23503', null, 'A: a dealership review must target a location');
select throws_ok($$ insert into public.reviews (target_type, target_id, rating) values ('dealership', null, 9) $$,
  '23514', null, 'rating must be 1..5');
select throws_ok($$ update public.reviews set status = 'approved' where id = 'e0000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot approve own review');
select is(tests.affected($$ update public.reviews set title = 'B is wrong' where id = 'e0000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot edit B''s review');
select is(tests.affected($$ delete from public.reviews where id = 'e0000000-0000-4000-8000-0000000000b1' $$), 0, 'A: cannot delete B''s review');
-- leads, privacy, vouchers, chat
select lives_ok($$ insert into public.leads (id, user_id, name, email, vehicle_id, source)
                   values ('1e000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Alice', 'alice@test.local',
                           'c0000000-0000-4000-8000-000000000001', 'vdp') $$, 'A: submits an own lead');
select results_eq($$ select id from public.leads $$, $$ values ('1e000000-0000-4000-8000-0000000000a1'::uuid) $$,
  'A: sees only own leads (not anonymous ones)');
select is(tests.affected($$ update public.leads set status = 'won' where id = '1e000000-0000-4000-8000-0000000000a1' $$), 0,
  'A: cannot work own lead');
select lives_ok($$ insert into public.privacy_requests (kind) values ('export') $$, 'A: requests a data export');
select throws_ok($$ insert into public.privacy_requests (kind, status) values ('delete', 'completed') $$, '42501', null,
  'A: cannot file a completed privacy request');
select lives_ok($$ insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-000000000001') $$, 'A: claims a test-drive voucher');
select ok((select code ~ '^TESTCA-[0-9A-F]{10}$' and value = 25 and status = 'issued' from public.vouchers
           where campaign_id = 'ca000000-0000-4000-8000-000000000001'), 'A: voucher code and value come from the campaign');
select throws_ok($$ insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-000000000001') $$, '23505', null,
  'A: one voucher per campaign');
select throws_ok($$ insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-000000000002') $$, 'FC409', null,
  'A: inactive campaign refuses claims');
select is(tests.affected($$ update public.vouchers set status = 'redeemed', redeemed_at = now() $$), 0, 'A: cannot redeem own voucher');
select lives_ok($$ insert into public.chat_conversations (id, subject) values ('c4000000-0000-4000-8000-0000000000a1', 'A chat') $$, 'A: opens a chat');
select lives_ok($$ insert into public.chat_messages (conversation_id, body) values ('c4000000-0000-4000-8000-0000000000a1', 'hello') $$, 'A: posts in own chat');
select throws_ok($$ insert into public.chat_messages (conversation_id, body) values ('c4000000-0000-4000-8000-0000000000b1', 'hi B') $$,
  '42501', null, 'A: cannot post in B''s chat');
select is_empty($$ select 1 from public.chat_messages where conversation_id = 'c4000000-0000-4000-8000-0000000000b1' $$, 'A: cannot read B''s chat');
select throws_ok($$ insert into public.analytics_events (user_id, name) values ('bbbbbbbb-0000-4000-8000-00000000000b', 'vdp_view') $$,
  '42501', null, 'A: cannot log telemetry as B');
select tests.reset_role();

-- ================================================================== customer B
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select results_eq($$ select id from public.reviews where user_id is not null and target_id = 'c0000000-0000-4000-8000-000000000001' $$,
  $$ values ('e0000000-0000-4000-8000-0000000000b1'::uuid) $$, 'B: sees own pending review but not A''s pending one');
select is_empty($$ select 1 from public.vouchers $$, 'B: cannot see A''s voucher');
select is_empty($$ select 1 from public.privacy_requests $$, 'B: cannot see A''s privacy request');
select lives_ok($$ insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-000000000001') $$, 'B: claims the last voucher');
select tests.reset_role();
select tests.create_user('cccccccc-0000-4000-8000-00000000000c', 'carol@test.local');
select tests.act_as('cccccccc-0000-4000-8000-00000000000c');
select throws_ok($$ insert into public.vouchers (campaign_id) values ('ca000000-0000-4000-8000-000000000001') $$, 'FC409', null,
  'max_vouchers is enforced');
select tests.reset_role();

-- ================================================================== staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select is(tests.affected($$ update public.reviews set status = 'approved' where id = 'e0000000-0000-4000-8000-0000000000a1' $$), 1,
  'staff: approves a review');
select ok((select count(*) from public.leads where id::text like '1e000000%') = 2, 'staff: reads all leads incl. anonymous ones');
select is(tests.affected($$ update public.leads set status = 'contacted', assigned_to = '55555555-0000-4000-8000-000000000005'
                            where id = '1e000000-0000-4000-8000-000000000001' $$), 1, 'staff: works a lead');
select lives_ok($$ insert into public.notifications (user_id, kind, payload) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'car_ready', '{}') $$,
  'staff: notifies a customer');
select lives_ok($$ insert into public.chat_messages (conversation_id, body) values ('c4000000-0000-4000-8000-0000000000a1', 'Hi Alice, how can I help?') $$,
  'staff: answers in a customer chat');
select is(tests.affected($$ delete from public.leads $$), 0, 'staff: cannot delete leads');
select tests.reset_role();
select results_eq($$ select moderated_by from public.reviews where id = 'e0000000-0000-4000-8000-0000000000a1' $$,
  $$ values ('55555555-0000-4000-8000-000000000005'::uuid) $$, 'moderation is stamped');
-- editing an approved review sends it back to moderation
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select is(tests.affected($$ update public.reviews set body = 'edited' where id = 'e0000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: edits own approved review');
select tests.reset_role();
select results_eq($$ select status::text from public.reviews where id = 'e0000000-0000-4000-8000-0000000000a1' $$,
  $$ values ('pending') $$, 'an edited review goes back to pending');

-- ================================================================== admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ delete from public.leads where id = '1e000000-0000-4000-8000-000000000001' $$), 1, 'admin: deletes a lead');
select tests.reset_role();

select * from finish();
rollback;
