-- =============================================================================
-- Embedded auth server (AUTH_MODE=embedded): the JWT signing keys, shared by
-- every Forecourt process on this database, and the privileges the server's
-- trusted path (service_role) needs on the GoTrue-shaped auth.* tables.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- private.auth_signing_keys: ES256 keys. The newest activated, unretired key
-- signs; every key whose publish_until is still ahead stays in the JWKS, so
-- tokens it signed keep verifying after a rotation (grace period).
-- The private key is readable by service_role only: schema private has no
-- USAGE for anon/authenticated, and the table has no grants for them either.
-- -----------------------------------------------------------------------------
create table private.auth_signing_keys (
  kid           text primary key check (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
  alg           text not null default 'ES256' check (alg in ('ES256', 'RS256')),
  private_pem   text not null,
  public_jwk    jsonb not null,
  created_at    timestamptz not null default now(),
  activated_at  timestamptz not null default now(),
  retired_at    timestamptz,             -- stopped signing (a newer key took over)
  publish_until timestamptz,             -- dropped from the JWKS after this
  check (retired_at is null or publish_until is not null)
);
comment on table private.auth_signing_keys is
  'Embedded auth server JWT signing keys (private). Newest active key signs; retired keys stay in the JWKS until publish_until.';
create index auth_signing_keys_active_idx on private.auth_signing_keys (activated_at desc)
  where retired_at is null;

alter table private.auth_signing_keys enable row level security;
revoke all on private.auth_signing_keys from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.auth_signing_keys to service_role;
-- service_role bypasses RLS; the policy documents that nobody else is meant to match.
create policy auth_signing_keys_service_only on private.auth_signing_keys
  for select to service_role using (true);

-- -----------------------------------------------------------------------------
-- The embedded auth server writes auth.* through service_role transactions.
-- Only where this database owns those tables (the local bootstrap); on hosted
-- Supabase they belong to supabase_auth_admin, GoTrue itself serves /auth/v1,
-- and these grants are neither possible nor needed.
-- -----------------------------------------------------------------------------
do $$
declare
  t text;
begin
  for t in select c.relname from pg_class c
           where c.relnamespace = 'auth'::regnamespace and c.relkind = 'r'
             and pg_get_userbyid(c.relowner) = current_user
             and c.relname in ('users', 'identities', 'sessions', 'refresh_tokens', 'mfa_factors',
                               'mfa_challenges', 'mfa_amr_claims', 'one_time_tokens', 'flow_state',
                               'audit_log_entries')
  loop
    execute format('grant select, insert, update, delete on auth.%I to service_role', t);
  end loop;
  if exists (select 1 from pg_class c where c.oid = 'auth.refresh_tokens_id_seq'::regclass
             and pg_get_userbyid(c.relowner) = current_user) then
    grant usage, select on sequence auth.refresh_tokens_id_seq to service_role;
  end if;
exception when undefined_table or insufficient_privilege then
  raise notice 'auth.* not owned here (hosted Supabase?): embedded auth grants skipped';
end
$$;
