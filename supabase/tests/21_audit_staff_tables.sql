-- audit_log for the staff-writable tables that migration 20261125184500 added triggers to:
-- staff/admin writes are logged with actor, before/after, client ip and user agent; the
-- customer's own writes are not (staff_only); price_history inserts (from the vehicles
-- trigger) are not logged twice.
begin;
select plan(10);
\ir _helpers.psql

insert into public.chat_conversations (id, user_id, location_id, subject, status)
values ('c4a70000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-00000000000a',
        '10000000-0000-4000-8000-000000000001', 'Is the Camry available?', 'open');
delete from public.audit_log;

-- The customer writes in their own conversation: not a staff write.
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select lives_ok($$ insert into public.chat_messages (conversation_id, sender_id, body)
                   values ('c4a70000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Hello?') $$,
  'customer writes a message');
select tests.reset_role();
select is_empty($$ select 1 from public.audit_log $$, 'a customer''s own write is not audited');

-- Staff takes the conversation and replies, from a known client.
select tests.act_as('55555555-0000-4000-8000-000000000005');
select set_config('request.headers', '{"x-forwarded-for":"198.51.100.23","user-agent":"Forecourt-Staff/2.0"}', true);
select is(tests.affected($$ update public.chat_conversations set assigned_to = '55555555-0000-4000-8000-000000000005'
                             where id = 'c4a70000-0000-4000-8000-000000000001' $$), 1,
  'staff assigns the conversation to themselves');
select lives_ok($$ insert into public.chat_messages (conversation_id, sender_id, body)
                   values ('c4a70000-0000-4000-8000-000000000001', '55555555-0000-4000-8000-000000000005', 'Yes, it is.') $$,
  'staff replies');
select tests.reset_role();
select results_eq(
  $$ select action, resource_table, resource_id, actor_user_id, host(ip), ua,
            before ->> 'assigned_to', after ->> 'assigned_to'
     from public.audit_log where resource_table = 'chat_conversations' $$,
  $$ values ('update', 'chat_conversations', 'c4a70000-0000-4000-8000-000000000001',
             '55555555-0000-4000-8000-000000000005'::uuid, '198.51.100.23', 'Forecourt-Staff/2.0',
             null::text, '55555555-0000-4000-8000-000000000005') $$,
  'the staff update is audited with actor, before/after, ip and user agent');
select results_eq(
  $$ select action, after ->> 'body', host(ip), ua from public.audit_log where resource_table = 'chat_messages' $$,
  $$ values ('insert', 'Yes, it is.', '198.51.100.23', 'Forecourt-Staff/2.0') $$,
  'the staff reply is audited (and only it)');

-- Admin deletes: a compare-list item, a cart line and a price-history row.
insert into public.compare_lists (id, user_id) values ('c4a70000-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-00000000000a');
insert into public.compare_list_items (id, list_id, vehicle_id)
values ('c4a70000-0000-4000-8000-0000000000c2', 'c4a70000-0000-4000-8000-0000000000c1', 'c0000000-0000-4000-8000-000000000001');
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ delete from public.compare_list_items where id = 'c4a70000-0000-4000-8000-0000000000c2' $$), 1,
  'admin deletes a compare-list item');
select is(tests.affected($$ delete from public.price_history
                             where vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$), 1,
  'admin deletes a price-history row');
select tests.reset_role();
select results_eq(
  $$ select resource_table, action, actor_user_id from public.audit_log
     where resource_table in ('compare_list_items', 'price_history') order by resource_table $$,
  $$ values ('compare_list_items', 'delete', 'adadadad-0000-4000-8000-0000000000ad'::uuid),
            ('price_history', 'delete', 'adadadad-0000-4000-8000-0000000000ad'::uuid) $$,
  'admin deletes are audited');

-- A staff price change: one audit row for the vehicle, none for the derived price_history.
select tests.act_as('55555555-0000-4000-8000-000000000005');
select tests.affected($$ update public.vehicles set price_current = 22995 where id = 'c0000000-0000-4000-8000-000000000001' $$);
select tests.reset_role();
select is((select count(*)::int from public.audit_log where resource_table = 'price_history' and action = 'insert'), 0,
  'price_history inserts are not audited twice (the vehicles row records the change)');

select * from finish();
rollback;
