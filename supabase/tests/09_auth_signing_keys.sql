-- The embedded auth server's signing keys: private to service_role, never readable by the
-- API roles; and the service_role grants on the GoTrue-shaped auth.* tables it writes.
begin;
select plan(7);

select ok((select relrowsecurity from pg_class where oid = 'private.auth_signing_keys'::regclass),
  'RLS is enabled on private.auth_signing_keys');
select ok(not has_table_privilege('anon', 'private.auth_signing_keys', 'select')
          and not has_table_privilege('authenticated', 'private.auth_signing_keys', 'select'),
  'anon and authenticated cannot read the signing keys');
select ok(has_table_privilege('service_role', 'private.auth_signing_keys', 'select')
          and has_table_privilege('service_role', 'private.auth_signing_keys', 'insert')
          and has_table_privilege('service_role', 'private.auth_signing_keys', 'update'),
  'service_role manages the signing keys');
select ok(not has_table_privilege('anon', 'auth.users', 'select')
          and not has_table_privilege('authenticated', 'auth.users', 'select')
          and not has_table_privilege('authenticated', 'auth.refresh_tokens', 'select'),
  'the API roles still cannot read auth.users / auth.refresh_tokens');
select ok(has_table_privilege('service_role', 'auth.users', 'insert')
          and has_table_privilege('service_role', 'auth.sessions', 'delete')
          and has_table_privilege('service_role', 'auth.refresh_tokens', 'update')
          and has_table_privilege('service_role', 'auth.mfa_factors', 'insert')
          and has_sequence_privilege('service_role', 'auth.refresh_tokens_id_seq', 'usage'),
  'service_role (the embedded auth server) may write auth.*');
select throws_ok(
  $$ insert into private.auth_signing_keys (kid, private_pem, public_jwk) values ('bad kid!', 'x', '{}') $$,
  '23514', null, 'kids are URL-safe tokens');

set local role authenticated;
select throws_ok($$ select private_pem from private.auth_signing_keys $$, '42501', null,
  'an authenticated user gets permission denied on the private keys');
reset role;

select * from finish();
rollback;
