-- profiles + notification_preferences: created by the auth trigger, self
-- read/update, staff list, role changes only by an admin (never self).
begin;
select plan(26);
\ir _helpers.psql

-- trigger-created rows
select results_eq(
  $$ select role::text, full_name, email from public.profiles where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  $$ values ('customer', 'Alice', 'alice@test.local') $$,
  'new auth user gets a customer profile with full_name from user metadata');
select isnt_empty(
  $$ select 1 from public.notification_preferences where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  'new auth user gets default notification preferences');
update auth.users set email = 'alice2@test.local' where id = 'aaaaaaaa-0000-4000-8000-00000000000a';
select is((select email from public.profiles where id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 'alice2@test.local',
  'profile email follows auth.users email');

-- anon
select tests.act_as_anon();
select throws_ok($$ select * from public.profiles $$, '42501', null, 'anon: cannot read profiles');
select throws_ok($$ select * from public.notification_preferences $$, '42501', null, 'anon: cannot read preferences');
select tests.reset_role();

-- customer A
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select results_eq($$ select id from public.profiles $$,
  $$ values ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid) $$, 'customer sees only their own profile');
select is(tests.affected($$ update public.profiles set full_name = 'Alice A.', phone = '+1 512-555-0111'
                            where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 1,
  'customer updates own name and phone');
select is(tests.affected($$ update public.profiles set full_name = 'Hacked' where id = 'bbbbbbbb-0000-4000-8000-00000000000b' $$), 0,
  'customer cannot update another profile (0 rows)');
select throws_ok($$ update public.profiles set role = 'admin' where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  '42501', null, 'customer cannot escalate own role');
select throws_ok($$ update public.profiles set role = 'staff' where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  '42501', null, 'customer cannot make themselves staff');
select throws_ok($$ update public.profiles set email = 'x@y.z' where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  '42501', null, 'customer cannot change the auth-managed email');
select throws_ok($$ insert into public.profiles (id, role) values (gen_random_uuid(), 'admin') $$,
  '42501', null, 'customer cannot insert profiles');
select throws_ok($$ delete from public.profiles where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$,
  '42501', null, 'customer cannot delete profiles (erasure goes through auth)');
-- preferences: owner CRUD
select is(tests.affected($$ update public.notification_preferences set sms_enabled = true
                            where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 1, 'customer updates own preferences');
select is(tests.affected($$ update public.notification_preferences set sms_enabled = true
                            where user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' $$), 0, 'customer cannot update B''s preferences');
select throws_ok($$ update public.notification_preferences set user_id = 'bbbbbbbb-0000-4000-8000-00000000000b'
                    where user_id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$, '42501', null, 'preferences user_id is immutable');
select is(tests.affected($$ delete from public.notification_preferences where user_id = 'bbbbbbbb-0000-4000-8000-00000000000b' $$), 0,
  'customer cannot delete B''s preferences');
select tests.reset_role();
select is((select role::text from public.profiles where id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 'customer',
  'role unchanged after the attempts');

-- staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select ok((select count(*) from public.profiles) >= 4, 'staff lists all profiles');
select is(tests.affected($$ update public.profiles set full_name = 'x' where id = 'aaaaaaaa-0000-4000-8000-00000000000a' $$), 0,
  'staff cannot edit a customer profile');
select throws_ok($$ update public.profiles set role = 'admin' where id = '55555555-0000-4000-8000-000000000005' $$,
  '42501', null, 'staff cannot promote themselves');
select tests.reset_role();

-- admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ update public.profiles set role = 'staff' where id = 'bbbbbbbb-0000-4000-8000-00000000000b' $$), 1,
  'admin promotes a customer to staff');
select throws_ok($$ update public.profiles set role = 'customer' where id = 'adadadad-0000-4000-8000-0000000000ad' $$,
  '42501', null, 'admin cannot change their own role');
select tests.reset_role();
select isnt_empty(
  $$ select 1 from public.audit_log where resource_table = 'profiles' and resource_id = 'bbbbbbbb-0000-4000-8000-00000000000b'
       and actor_user_id = 'adadadad-0000-4000-8000-0000000000ad' and after ->> 'role' = 'staff' $$,
  'the role change is in audit_log with the admin as actor');
select tests.act_as('bbbbbbbb-0000-4000-8000-00000000000b');
select ok((select count(*) from public.profiles) >= 4,
  'promotion takes effect on the next statement (B now lists profiles; no token refresh needed)');
select tests.reset_role();
-- role helpers read the claims (called here as the owner with B's claims)
select set_config('request.jwt.claims', '{"sub":"bbbbbbbb-0000-4000-8000-00000000000b"}', true);
select results_eq($$ select private.current_role()::text, private.is_staff(), private.is_admin() $$,
  $$ values ('staff', true, false) $$, 'current_role / is_staff / is_admin follow the profile');
select set_config('request.jwt.claims', '', true);

select * from finish();
rollback;
