-- Structural guarantees: RLS everywhere, explicit grants, helper hygiene,
-- indexes behind foreign keys, auth.* helpers, VIN maths, seed sanity.
begin;
select plan(35);

-- ---------------------------------------------------------------- RLS / policies
select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity $$,
  'RLS is enabled on every table in schema public');

select is_empty(
  $$ select tablename from pg_tables t where schemaname = 'public'
     and not exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = t.tablename)
     and tablename not in ('outbox', 'idempotency_keys', 'webhook_events') $$,
  'every public table except the server-only ones has at least one policy');

select is_empty(
  $$ select tablename, policyname from pg_policies where schemaname = 'public' and 'public' = any (roles) $$,
  'every policy names its roles (to anon / to authenticated), none applies to PUBLIC');

select is_empty(
  $$ select tablename, policyname from pg_policies
     where schemaname in ('public', 'storage')
       and (regexp_replace(coalesce(qual, '') || coalesce(with_check, ''), 'SELECT auth\.uid\(\) AS uid', '', 'g') ~ 'auth\.uid\(\)'
         or regexp_replace(coalesce(qual, '') || coalesce(with_check, ''), 'SELECT private\.is_(staff|admin)\(\) AS is_(staff|admin)', '', 'g') ~ 'private\.is_(staff|admin)\(\)') $$,
  'policies call auth.uid() / private.is_staff() / is_admin() only inside a sub-select (initPlan)');

select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
       and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary) $$,
  'every public table has a primary key');

-- every foreign key is backed by an index whose leading columns are the FK columns
select is_empty(
  $$ select con.conrelid::regclass::text || '.' || con.conname
     from pg_constraint con
     where con.contype = 'f' and con.connamespace = 'public'::regnamespace
       and not exists (
         select 1 from pg_index i
         where i.indrelid = con.conrelid
           and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
           and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey) $$,
  'every foreign key has an index with the FK columns leading');

-- ---------------------------------------------------------------- grants
select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
       and c.relname <> 'vehicle_page_parts'   -- derived by triggers: select only, tested in 14_
       and not (has_table_privilege('service_role', c.oid, 'select')
                and has_table_privilege('service_role', c.oid, 'insert')
                and (has_table_privilege('service_role', c.oid, 'update') or c.relname = 'audit_log')
                and has_table_privilege('service_role', c.oid, 'delete')) $$,
  'service_role has explicit DML on every public table but the derived one (bypassrls does not bypass grants)');

select ok(not has_table_privilege('service_role', 'public.audit_log', 'update')
          and not has_table_privilege('authenticated', 'public.audit_log', 'update'),
  'audit_log is append-only: no role may UPDATE it');

select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
       and (has_table_privilege('anon', c.oid, 'truncate') or has_table_privilege('authenticated', c.oid, 'truncate')
            or has_table_privilege('service_role', c.oid, 'truncate')
            or has_table_privilege('anon', c.oid, 'references') or has_table_privilege('authenticated', c.oid, 'trigger')) $$,
  'no API role holds TRUNCATE / REFERENCES / TRIGGER on public tables');

select ok(not has_table_privilege('anon', 'public.outbox', 'select')
          and not has_table_privilege('authenticated', 'public.outbox', 'select')
          and not has_table_privilege('anon', 'public.idempotency_keys', 'select')
          and not has_table_privilege('authenticated', 'public.idempotency_keys', 'insert')
          and not has_table_privilege('authenticated', 'public.webhook_events', 'select'),
  'outbox, idempotency_keys and webhook_events are server-only');

select ok(not has_table_privilege('anon', 'public.audit_log', 'select')
          and not has_table_privilege('authenticated', 'public.audit_log', 'insert'),
  'audit_log: no anon access, no direct inserts by API users');

select ok(not has_table_privilege('anon', 'public.financing_applications', 'select')
          and not has_table_privilege('anon', 'public.saved_cars', 'select')
          and not has_table_privilege('anon', 'public.profiles', 'select'),
  'anon has no privileges on customer-owned tables');

select ok(not has_column_privilege('authenticated', 'public.profiles', 'email', 'update')
          and not has_column_privilege('authenticated', 'public.profiles', 'id', 'update')
          and has_column_privilege('authenticated', 'public.profiles', 'full_name', 'update'),
  'profiles: only personal columns are updatable by authenticated');

-- ---------------------------------------------------------------- private helpers
select ok(not has_schema_privilege('anon', 'private', 'usage')
          and not has_schema_privilege('authenticated', 'private', 'usage'),
  'schema private is not usable by anon/authenticated');

select ok(has_function_privilege('anon', 'private.is_staff()', 'execute')
          and has_function_privilege('authenticated', 'private.is_admin()', 'execute')
          and has_function_privilege('authenticated', 'private.current_role()', 'execute'),
  'role helpers are executable (policies call them by OID)');

select ok(not has_function_privilege('authenticated', 'private.seed_vehicles(bigint, integer, integer)', 'execute')
          and not has_function_privilege('service_role', 'private.seed_vehicles(bigint, integer, integer)', 'execute')
          and not has_function_privilege('anon', 'private.emit_event(text, text, uuid, jsonb)', 'execute'),
  'seed generator and event emitter are owner-only');

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace in ('private'::regnamespace, 'public'::regnamespace)
       and p.prosecdef
       and not coalesce(p.proconfig @> array['search_path=""'], false) $$,
  'every security definer function pins search_path to empty');

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
       and p.prosecdef
       and has_function_privilege('public', p.oid, 'execute') $$,
  'no public security definer function is executable by PUBLIC (explicit grants only)');

select ok((select bool_and(prosecdef and provolatile = 's') from pg_proc
           where pronamespace = 'private'::regnamespace and proname in ('is_staff', 'is_admin', 'current_role')),
  'is_staff / is_admin / current_role are stable security definer');

-- ---------------------------------------------------------------- auth helpers
select set_config('request.jwt.claims',
  '{"sub":"aaaaaaaa-0000-4000-8000-00000000000a","role":"authenticated","email":"a@x.test","aal":"aal2"}', true);
select is(auth.uid(), 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid, 'auth.uid() returns the sub claim');
select is(auth.role(), 'authenticated', 'auth.role() returns the role claim');
select is(auth.jwt() ->> 'aal', 'aal2', 'auth.jwt() exposes the full claim set');
select set_config('request.jwt.claim.sub', 'bbbbbbbb-0000-4000-8000-00000000000b', true);
select is(auth.uid(), 'bbbbbbbb-0000-4000-8000-00000000000b'::uuid, 'the legacy per-claim GUC wins, as in GoTrue');
select set_config('request.jwt.claim.sub', '', true);
select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'auth.uid() is null without claims (anon)');

-- ---------------------------------------------------------------- VIN maths
select is(private.vin_check_digit('1G4AH59H05G118341'), '4', 'check digit of the 49 CFR 565 example is 4');
select is(private.vin_check_digit('LJCPCBLCX11000237'), 'X', 'remainder 10 is written X');
select ok(private.vin_is_valid('2G4WF52L6S1472882') and not private.vin_is_valid('2G4WF52L7S1472882'),
  'vin_is_valid accepts a real VIN and rejects a one-character mutation');
select ok(private.vin_check_digit('1G4AH59H05G11834I') is null, 'VINs with I/O/Q are malformed');
select throws_ok(
  $$ insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, condition, price_current)
     values ('1G4AH59HO5G118341', 'Buick', 'LeSabre', 2005, 'sedan', 'petrol', 'automatic', 'used', 1000) $$,
  '23514', null, 'vehicles.vin rejects the letter O');

-- ---------------------------------------------------------------- seed sanity
select ok((select count(*) from public.vehicles where stock_no like 'FC%') >= 1000, 'seed: at least 1,000 vehicles');
select is_empty($$ select vin from public.vehicles where not private.vin_is_valid(vin) $$,
  'seed: every vehicle VIN has a correct check digit');
select is((select count(*)::int from public.locations where slug <> 'test-rooftop'), 25, 'seed: 25 locations');
select results_eq(
  $$ select email::text, role::text from public.profiles
     where email in ('admin@forecourt.local', 'staff@forecourt.local', 'customer@forecourt.local') order by email $$,
  $$ values ('admin@forecourt.local', 'admin'), ('customer@forecourt.local', 'customer'), ('staff@forecourt.local', 'staff') $$,
  'seed: demo users exist in each role');
select ok((select encrypted_password like '$2_$10$%' from auth.users where email = 'customer@forecourt.local'),
  'seed: demo passwords are bcrypt cost 10 (GoTrue format)');
select ok((select count(*) from public.site_config where key in ('brand', 'theme', 'locales') and is_public) = 3,
  'site_config defaults for /meta/config exist after migrate');

select * from finish();
rollback;
