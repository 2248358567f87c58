-- Owner-scoped with status machines: financing_applications, tradein_requests.
begin;
select plan(61);
\ir _helpers.psql

insert into public.financing_applications (id, user_id, vehicle_id, status, amount, term_months, apr, down_payment) values
  ('fa000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001', 'draft', null, null, null, 0),
  ('fa000000-0000-4000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001', 'submitted', 20000, 60, 6.9, 4995),
  ('fa000000-0000-4000-8000-0000000000a3', 'aaaaaaaa-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001', 'under_review', 20000, 72, 7.4, 4995),
  ('fa000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-000000000001', 'submitted', 18000, 48, 5.9, 6000);
insert into public.tradein_requests (id, user_id, make, model, year, mileage, condition_grade, status, quote_amount) values
  ('7a000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Toyota', 'Camry', 2018, 70000, 3, 'submitted', null),
  ('7a000000-0000-4000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-00000000000a', 'Honda', 'Civic', 2017, 80000, 4, 'quoted', 9000),
  ('7a000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000000b', 'Ford', 'F-150', 2016, 120000, 3, 'submitted', null);
delete from public.outbox;

-- ================================================================== anon
select tests.act_as_anon();
select throws_ok($$ select * from public.financing_applications $$, '42501', null, 'anon: applications select denied');
select throws_ok($$ insert into public.financing_applications (user_id) values ('aaaaaaaa-0000-4000-8000-00000000000a') $$, '42501', null, 'anon: applications insert denied');
select throws_ok($$ update public.financing_applications set notes = 'x' $$, '42501', null, 'anon: applications update denied');
select throws_ok($$ delete from public.financing_applications $$, '42501', null, 'anon: applications delete denied');
select throws_ok($$ select * from public.tradein_requests $$, '42501', null, 'anon: trade-ins select denied');
select throws_ok($$ insert into public.tradein_requests (user_id, make, model, year, mileage, condition_grade)
                    values ('aaaaaaaa-0000-4000-8000-00000000000a', 'Kia', 'Rio', 2015, 1, 3) $$, '42501', null, 'anon: trade-ins insert denied');
select throws_ok($$ update public.tradein_requests set notes = 'x' $$, '42501', null, 'anon: trade-ins update denied');
select throws_ok($$ delete from public.tradein_requests $$, '42501', null, 'anon: trade-ins delete denied');
select tests.reset_role();

-- ================================================================== customer A: financing
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select results_eq($$ select id from public.financing_applications order by id $$,
  $$ values ('fa000000-0000-4000-8000-0000000000a1'::uuid), ('fa000000-0000-4000-8000-0000000000a2'::uuid), ('fa000000-0000-4000-8000-0000000000a3'::uuid) $$,
  'A: sees exactly own applications');
select lives_ok($$ insert into public.financing_applications (id, status) values ('fa000000-0000-4000-8000-0000000000a4', 'draft') $$,
  'A: creates a draft');
select lives_ok($$ insert into public.financing_applications (id, status, amount, term_months, down_payment)
                   values ('fa000000-0000-4000-8000-0000000000a5', 'submitted', 15000, 36, 1000) $$,
  'A: creates a submitted application');
select throws_ok($$ insert into public.financing_applications (status, amount, term_months) values ('approved', 1, 12) $$,
  '42501', null, 'A: cannot create an approved application');
select throws_ok($$ insert into public.financing_applications (user_id, status) values ('bbbbbbbb-0000-4000-8000-00000000000b', 'draft') $$,
  '42501', null, 'A: cannot create an application for B');
select throws_ok($$ insert into public.financing_applications (status, term_months) values ('draft', 30) $$,
  '23514', null, 'term_months must be one of 12..84 by 12');
select is(tests.affected($$ update public.financing_applications set amount = 21000, term_months = 60
                            where id = 'fa000000-0000-4000-8000-0000000000a1' $$), 1, 'A: edits own draft');
select is(tests.affected($$ update public.financing_applications set status = 'submitted'
                            where id = 'fa000000-0000-4000-8000-0000000000a1' $$), 1, 'A: submits own draft');
select throws_ok($$ update public.financing_applications set status = 'approved' where id = 'fa000000-0000-4000-8000-0000000000a2' $$,
  '42501', null, 'A: cannot approve own application');
select throws_ok($$ update public.financing_applications set status = 'under_review' where id = 'fa000000-0000-4000-8000-0000000000a2' $$,
  '42501', null, 'A: cannot move own application to under_review');
select throws_ok($$ update public.financing_applications set decision_notes = 'approved by me' where id = 'fa000000-0000-4000-8000-0000000000a2' $$,
  '42501', null, 'A: cannot write decision fields');
select is(tests.affected($$ update public.financing_applications set status = 'cancelled' where id = 'fa000000-0000-4000-8000-0000000000a2' $$), 1,
  'A: cancels own submitted application');
select is(tests.affected($$ update public.financing_applications set notes = 'x' where id = 'fa000000-0000-4000-8000-0000000000a3' $$), 0,
  'A: cannot edit an application under review');
select throws_ok($$ update public.financing_applications set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = 'fa000000-0000-4000-8000-0000000000a5' $$,
  '42501', null, 'A: cannot transfer an application (user_id immutable)');
select is(tests.affected($$ update public.financing_applications set notes = 'x' where id = 'fa000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot edit B''s application');
select is(tests.affected($$ delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000a5' $$), 0,
  'A: cannot delete a submitted application');
select is(tests.affected($$ delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000a4' $$), 1,
  'A: deletes own draft');
select is(tests.affected($$ delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot delete B''s application');
select tests.reset_role();
select ok((select submitted_at is not null from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000a1'),
  'submitted_at is stamped on submission');
select results_eq(
  $$ select payload ->> 'new_status' from public.outbox where event = 'application_status_changed'
     and aggregate_id = 'fa000000-0000-4000-8000-0000000000a1' $$,
  $$ values ('submitted') $$, 'submission emitted application_status_changed in the same transaction');
select is_empty($$ select 1 from public.outbox where aggregate_id = 'fa000000-0000-4000-8000-0000000000a4' $$,
  'creating a draft emits no event');

-- ================================================================== customer A: trade-in
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select results_eq($$ select count(*)::int from public.tradein_requests $$, $$ values (2) $$, 'A: sees exactly own trade-ins');
select lives_ok($$ insert into public.tradein_requests (id, make, model, year, mileage, condition_grade, est_value_low, est_value_high)
                   values ('7a000000-0000-4000-8000-0000000000a3', 'Toyota', 'Camry', 2020, 40000, 4, 1, 999999) $$,
  'A: submits a trade-in');
select ok((select est_value_low > 1 and est_value_high < 999999 and est_value_low < est_value_high
           from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000a3'),
  'A: client-supplied estimates are replaced by the rule-based estimate');
select throws_ok($$ insert into public.tradein_requests (make, model, year, mileage, condition_grade, status)
                    values ('Kia', 'Rio', 2015, 1, 3, 'quoted') $$, '42501', null, 'A: cannot create a quoted trade-in');
select throws_ok($$ insert into public.tradein_requests (make, model, year, mileage, condition_grade, quote_amount)
                    values ('Kia', 'Rio', 2015, 1, 3, 50000) $$, '42501', null, 'A: cannot set a quote');
select throws_ok($$ insert into public.tradein_requests (user_id, make, model, year, mileage, condition_grade)
                    values ('bbbbbbbb-0000-4000-8000-00000000000b', 'Kia', 'Rio', 2015, 1, 3) $$, '42501', null, 'A: cannot file for B');
select is(tests.affected($$ update public.tradein_requests set mileage = 71000 where id = '7a000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: corrects own submitted trade-in');
select throws_ok($$ update public.tradein_requests set status = 'quoted', quote_amount = 1 where id = '7a000000-0000-4000-8000-0000000000a1' $$,
  '42501', null, 'A: cannot quote own trade-in');
select throws_ok($$ update public.tradein_requests set quote_amount = 20000 where id = '7a000000-0000-4000-8000-0000000000a2' $$,
  '42501', null, 'A: cannot raise the quote');
select is(tests.affected($$ update public.tradein_requests set status = 'accepted' where id = '7a000000-0000-4000-8000-0000000000a2' $$), 1,
  'A: accepts a quote');
select is(tests.affected($$ update public.tradein_requests set status = 'declined' where id = '7a000000-0000-4000-8000-0000000000a1' $$), 1,
  'A: withdraws a submitted trade-in');
select throws_ok($$ update public.tradein_requests set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = '7a000000-0000-4000-8000-0000000000a3' $$,
  '42501', null, 'A: trade-in user_id is immutable');
select is(tests.affected($$ update public.tradein_requests set notes = 'x' where id = '7a000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot edit B''s trade-in');
select is(tests.affected($$ delete from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000b1' $$), 0,
  'A: cannot delete B''s trade-in');
select is(tests.affected($$ delete from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000a3' $$), 1,
  'A: deletes own submitted trade-in');
select tests.reset_role();

-- ================================================================== customer B
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select results_eq($$ select id from public.financing_applications $$, $$ values ('fa000000-0000-4000-8000-0000000000b1'::uuid) $$,
  'B: sees only own application');
select is_empty($$ select 1 from public.tradein_requests where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$, 'B: cannot see A''s trade-ins');
select is(tests.affected($$ update public.financing_applications set status = 'cancelled' where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'B: cannot cancel A''s applications');
select is(tests.affected($$ delete from public.tradein_requests where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'B: cannot delete A''s trade-ins');
select tests.reset_role();

-- ================================================================== staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select ok((select count(*) from public.financing_applications where id::text like 'fa000000%') = 5, 'staff: lists all applications');
select is(tests.affected($$ update public.financing_applications set status = 'approved', decision_notes = 'Tier 1'
                            where id = 'fa000000-0000-4000-8000-0000000000a3' $$), 1, 'staff: approves an application under review');
select lives_ok($$ insert into public.financing_applications (user_id, status) values ('aaaaaaaa-0000-4000-8000-00000000000a', 'draft') $$,
  'staff: opens an application for a customer at the desk');
select is(tests.affected($$ update public.tradein_requests set status = 'quoted', quote_amount = 7500 where id = '7a000000-0000-4000-8000-0000000000b1' $$), 1,
  'staff: quotes a trade-in');
select throws_ok($$ update public.financing_applications set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' where id = 'fa000000-0000-4000-8000-0000000000a3' $$,
  '42501', null, 'staff: cannot reassign an application owner');
select is(tests.affected($$ delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000b1' $$), 0,
  'staff: cannot delete applications');
select is(tests.affected($$ delete from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000b1' $$), 0,
  'staff: cannot delete trade-ins');
select tests.reset_role();
select results_eq(
  $$ select decided_by, decided_at is not null from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000a3' $$,
  $$ values ('55555555-0000-4000-8000-000000000005'::uuid, true) $$, 'the decision is stamped with the deciding staff member');
select isnt_empty($$ select 1 from public.outbox where event = 'application_status_changed'
                      and aggregate_id = 'fa000000-0000-4000-8000-0000000000a3' and payload ->> 'old_status' = 'under_review' $$,
  'staff decision emits application_status_changed');
select results_eq($$ select quoted_by from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000b1' $$,
  $$ values ('55555555-0000-4000-8000-000000000005'::uuid) $$, 'the quote is stamped with the staff member');
select isnt_empty($$ select 1 from public.audit_log where resource_table = 'financing_applications'
                      and resource_id = 'fa000000-0000-4000-8000-0000000000a3' and actor_user_id = '55555555-0000-4000-8000-000000000005' $$,
  'staff writes to applications are audited');

-- ================================================================== admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ delete from public.financing_applications where id = 'fa000000-0000-4000-8000-0000000000b1' $$), 1,
  'admin: deletes an application');
select is(tests.affected($$ delete from public.tradein_requests where id = '7a000000-0000-4000-8000-0000000000b1' $$), 1,
  'admin: deletes a trade-in');
select tests.reset_role();

select * from finish();
rollback;
