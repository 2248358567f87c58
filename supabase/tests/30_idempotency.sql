-- Idempotency-Key records (public.idempotency_keys) and the private.idempotency_* functions:
-- only service_role may touch them; claim / complete / release / purge semantics.
begin;
select plan(26);
\ir _helpers.psql

-- ================================================================== permissions
select ok((select relrowsecurity from pg_class where oid = 'public.idempotency_keys'::regclass),
  'RLS is enabled on public.idempotency_keys');
select ok(not has_table_privilege('anon', 'public.idempotency_keys', 'select')
          and not has_table_privilege('authenticated', 'public.idempotency_keys', 'select')
          and not has_table_privilege('authenticated', 'public.idempotency_keys', 'insert'),
  'anon and authenticated cannot read or write idempotency records');
select ok(not has_function_privilege('anon', 'private.idempotency_claim(text, text, text, text, text, interval)', 'execute')
          and not has_function_privilege('authenticated', 'private.idempotency_claim(text, text, text, text, text, interval)', 'execute')
          and not has_function_privilege('authenticated', 'private.idempotency_complete(text, text, uuid, integer, jsonb, bytea)', 'execute')
          and not has_function_privilege('authenticated', 'private.idempotency_release(text, text, uuid)', 'execute')
          and not has_function_privilege('authenticated', 'private.idempotency_purge(integer)', 'execute'),
  'anon and authenticated cannot execute the idempotency functions');
select ok(has_function_privilege('service_role', 'private.idempotency_claim(text, text, text, text, text, interval)', 'execute')
          and has_function_privilege('service_role', 'private.idempotency_complete(text, text, uuid, integer, jsonb, bytea)', 'execute')
          and has_function_privilege('service_role', 'private.idempotency_release(text, text, uuid)', 'execute')
          and has_function_privilege('service_role', 'private.idempotency_purge(integer)', 'execute'),
  'service_role executes them');
select ok((select bool_and(p.prosecdef) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'private' and p.proname like 'idempotency\_%'),
  'they are SECURITY DEFINER (the server never needs table rights of its own)');

select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select throws_ok($$ select * from public.idempotency_keys $$, '42501', null,
  'authenticated: select on idempotency_keys denied');
select throws_ok($$ select * from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k', 'POST', '/x', repeat('a', 64), '1 minute') $$,
  '42501', null, 'authenticated: cannot call idempotency_claim');
select throws_ok($$ select private.idempotency_purge(10) $$, '42501', null,
  'authenticated: cannot call idempotency_purge');
select tests.act_as_anon();
select throws_ok($$ select * from public.idempotency_keys $$, '42501', null,
  'anon: select on idempotency_keys denied');
select throws_ok($$ select * from private.idempotency_claim('ip:127.0.0.1', 'k', 'POST', '/x', repeat('a', 64), '1 minute') $$,
  '42501', null, 'anon: cannot call idempotency_claim');
select tests.reset_role();

-- ================================================================== semantics (as service_role)
select tests.act_as_service();
create temporary table claim1 on commit drop as
  select * from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1', 'POST',
    '/financing/applications', repeat('a', 64), '1 minute');
grant select on claim1 to service_role;
select is((select outcome from claim1), 'new', 'a first claim is new');
select isnt((select lease_token from claim1), null, 'and carries a lease token');
select is((select outcome from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1', 'POST',
    '/financing/applications', repeat('a', 64), '1 minute')), 'in_progress',
  'the same key again while the lease is live: in_progress');
select is((select outcome from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1', 'POST',
    '/financing/applications', repeat('b', 64), '1 minute')), 'mismatch',
  'the same key with another request hash: mismatch');
select is((select outcome from private.idempotency_claim('user:bbbbbbbb-0000-4000-8000-00000000000b', 'k1', 'POST',
    '/financing/applications', repeat('b', 64), '1 minute')), 'new',
  'keys are per scope: another user may use the same key');

select throws_ok($$ select private.idempotency_complete('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1',
    gen_random_uuid(), 201, '{}', 'x') $$, 'FC409', null,
  'completing with a stale lease token fails (the write rolls back)');
select lives_ok(format($$ select private.idempotency_complete('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1',
    %L, 201, '{"Content-Type":"application/json"}', convert_to('{"data":1}', 'UTF8')) $$,
    (select lease_token from claim1)), 'completing with the live token succeeds');
select is((select concat_ws(' ', outcome, response_status, response_headers::text,
                           convert_from(response_body, 'UTF8'))
             from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1', 'POST',
               '/financing/applications', repeat('a', 64), '1 minute')),
  'replay 201 {"Content-Type": "application/json"} {"data":1}',
  'the same request again: replay of the stored response');

-- A lapsed lease is taken over with a new token; the old token can no longer complete.
create temporary table claim2 on commit drop as
  select * from private.idempotency_claim('ip:203.0.113.9', 'k2', 'POST', '/x', repeat('c', 64), '1 minute');
grant select on claim2 to service_role;
select tests.reset_role();
update public.idempotency_keys set locked_until = now() - interval '1 second' where key = 'k2';
select tests.act_as_service();
create temporary table claim3 on commit drop as
  select * from private.idempotency_claim('ip:203.0.113.9', 'k2', 'POST', '/x', repeat('c', 64), '1 minute');
grant select on claim3 to service_role;
select is((select outcome from claim3), 'new', 'a lapsed lease is taken over');
select throws_ok(format($$ select private.idempotency_complete('ip:203.0.113.9', 'k2', %L, 201, '{}', 'x') $$,
    (select lease_token from claim2)), 'FC409', null, 'the fenced-out first attempt cannot complete');

-- Release frees an in-progress key only with its own token.
select lives_ok(format($$ select private.idempotency_release('ip:203.0.113.9', 'k2', %L) $$,
    (select lease_token from claim3)), 'release with the live token');
select is((select count(*)::integer from public.idempotency_keys where key = 'k2'), 0,
  'a released key is gone, so a retry starts afresh');

-- Expiry: an expired key is claimed afresh; purge deletes expired rows only.
select tests.reset_role();
update public.idempotency_keys set expires_at = now() - interval '1 second'
 where key = 'k1' and scope = 'user:aaaaaaaa-0000-4000-8000-00000000000a';
select tests.act_as_service();
select is((select outcome from private.idempotency_claim('user:aaaaaaaa-0000-4000-8000-00000000000a', 'k1', 'POST',
    '/financing/applications', repeat('d', 64), '1 minute')), 'new',
  'an expired key is a fresh key, whatever its old request was');
select tests.reset_role();
update public.idempotency_keys set expires_at = now() - interval '1 second' where key = 'k1';
select tests.act_as_service();
select cmp_ok(private.idempotency_purge(1000), '>=', 2, 'purge deletes the expired keys');
select is((select count(*)::integer from public.idempotency_keys where key = 'k1'), 0,
  'no expired key is left');
select tests.reset_role();
select is((select count(*)::integer from public.idempotency_keys where expires_at <= now()), 0,
  'purge leaves nothing expired behind');

select * from finish();
rollback;
