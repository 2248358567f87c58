-- =============================================================================
-- Forecourt local platform bootstrap
-- =============================================================================
-- Creates, on a plain PostgreSQL 15, the objects that the Supabase platform
-- provides on a hosted project, so that the files in supabase/migrations run
-- unchanged in both places:
--   * roles anon / authenticated / service_role / authenticator
--   * schemas auth, extensions, storage, supabase_migrations
--   * extensions pgcrypto, pg_trgm, citext (in schema extensions)
--   * GoTrue-compatible auth.* tables (storage for the embedded auth server)
--     and the auth.uid() / auth.role() / auth.email() / auth.jwt() helpers
--   * Supabase Storage's storage.buckets / storage.objects and path helpers
--   * the Supabase CLI migration-history tables
--
-- NEVER apply this file to a hosted Supabase project: there, all of this
-- already exists and is owned by platform roles.
--
-- Idempotent: every object is created only when absent (roles via pg_roles
-- checks, "if not exists", "create or replace"), so running it twice is a
-- no-op. It is applied outside a migration transaction by `forecourt migrate`
-- before supabase/migrations/*.sql, and is not recorded in the history table.
--
-- Shapes follow supabase/auth (GoTrue) migrations, supabase/storage tenant
-- migrations and supabase/cli pkg/migration/history.go; see
-- shared/guide/supabase-compat.md §1.3, §2.7, §3.
-- =============================================================================

-- "already exists, skipping" notices are expected on every re-run.
set client_min_messages = warning;

-- ---------------------------------------------------------------------------
-- Roles (cluster-wide objects: guard each one, another database on the same
-- cluster may already have created them).
-- ---------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    -- bypassrls: background jobs and admin batch work see every row. It does
    -- NOT bypass GRANTs, so migrations still grant service_role explicitly.
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    -- The login role PostgREST uses on Supabase. noinherit: it has no
    -- privileges of its own until it switches with set_config('role', ...).
    create role authenticator login noinherit;
  end if;
end
$$;

-- Membership lets the login role switch per request with
-- `select set_config('role', 'authenticated', true)` (= SET LOCAL ROLE).
-- Locally the app may connect as a superuser, which can switch anyway.
grant anon, authenticated, service_role to authenticator;

-- Same per-role timeouts as hosted Supabase (apply to sessions that log in as
-- these roles; harmless for SET ROLE).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- ---------------------------------------------------------------------------
-- Schemas and extensions
-- ---------------------------------------------------------------------------
create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;
create schema if not exists supabase_migrations;

grant usage on schema public to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema storage to anon, authenticated, service_role;

create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists citext with schema extensions;

-- Hosted projects resolve unqualified extension objects through this path.
-- Our migrations always schema-qualify (extensions.crypt, extensions.gin_trgm_ops),
-- this only keeps ad-hoc psql sessions behaving like the hosted SQL editor.
do $$
begin
  execute format('alter database %I set search_path = "$user", public, extensions',
                 current_database());
end
$$;

-- ---------------------------------------------------------------------------
-- auth: enum types (GoTrue names)
-- ---------------------------------------------------------------------------
do $$
begin
  create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type auth.factor_type as enum ('totp', 'webauthn', 'phone');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type auth.factor_status as enum ('unverified', 'verified');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type auth.code_challenge_method as enum ('s256', 'plain');
exception when duplicate_object then null;
end $$;
do $$
begin
  create type auth.one_time_token_type as enum (
    'confirmation_token', 'reauthentication_token', 'recovery_token',
    'email_change_token_new', 'email_change_token_current', 'phone_change_token');
exception when duplicate_object then null;
end $$;

-- ---------------------------------------------------------------------------
-- auth.users — GoTrue column names and types (internal/models/user.go)
-- ---------------------------------------------------------------------------
create table if not exists auth.users (
  instance_id                 uuid,
  id                          uuid primary key,
  aud                         varchar(255),
  role                        varchar(255),
  email                       varchar(255),
  encrypted_password          varchar(255),
  email_confirmed_at          timestamptz,
  invited_at                  timestamptz,
  confirmation_token          varchar(255),
  confirmation_sent_at        timestamptz,
  recovery_token              varchar(255),
  recovery_sent_at            timestamptz,
  email_change_token_new      varchar(255),
  email_change                varchar(255),
  email_change_sent_at        timestamptz,
  last_sign_in_at             timestamptz,
  raw_app_meta_data           jsonb,
  raw_user_meta_data          jsonb,
  is_super_admin              boolean,
  created_at                  timestamptz,
  updated_at                  timestamptz,
  phone                       text unique default null,
  phone_confirmed_at          timestamptz,
  phone_change                text default '',
  phone_change_token          varchar(255) default '',
  phone_change_sent_at        timestamptz,
  confirmed_at                timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current  varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until                timestamptz,
  reauthentication_token      varchar(255) default '',
  reauthentication_sent_at    timestamptz,
  is_sso_user                 boolean not null default false,
  deleted_at                  timestamptz,
  is_anonymous                boolean not null default false
);
comment on table auth.users is 'auth: stores user login data within a secure schema (GoTrue-compatible; written by the embedded auth server).';
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
create unique index if not exists confirmation_token_idx on auth.users (confirmation_token) where confirmation_token !~ '^[0-9 ]*$';
create unique index if not exists recovery_token_idx on auth.users (recovery_token) where recovery_token !~ '^[0-9 ]*$';
create unique index if not exists email_change_token_current_idx on auth.users (email_change_token_current) where email_change_token_current !~ '^[0-9 ]*$';
create unique index if not exists email_change_token_new_idx on auth.users (email_change_token_new) where email_change_token_new !~ '^[0-9 ]*$';
create unique index if not exists reauthentication_token_idx on auth.users (reauthentication_token) where reauthentication_token !~ '^[0-9 ]*$';
create index if not exists users_is_anonymous_idx on auth.users (is_anonymous);

-- ---------------------------------------------------------------------------
-- auth.identities
-- ---------------------------------------------------------------------------
create table if not exists auth.identities (
  provider_id     text not null,
  user_id         uuid not null references auth.users (id) on delete cascade,
  identity_data   jsonb not null,
  provider        text not null,
  last_sign_in_at timestamptz,
  created_at      timestamptz,
  updated_at      timestamptz,
  email           text generated always as (lower(identity_data ->> 'email')) stored,
  id              uuid not null default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);
create index if not exists identities_email_idx on auth.identities (email text_pattern_ops);

-- ---------------------------------------------------------------------------
-- auth.sessions / auth.refresh_tokens
-- ---------------------------------------------------------------------------
create table if not exists auth.sessions (
  id           uuid primary key,
  user_id      uuid not null references auth.users (id) on delete cascade,
  created_at   timestamptz,
  updated_at   timestamptz,
  factor_id    uuid,
  aal          auth.aal_level,
  not_after    timestamptz,
  refreshed_at timestamp,
  user_agent   text,
  ip           inet,
  tag          text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
create index if not exists user_id_created_at_idx on auth.sessions (user_id, created_at);
create index if not exists sessions_not_after_idx on auth.sessions (not_after desc);

-- GoTrue keeps refresh_tokens.user_id as varchar(255) (historical); compare
-- with `user_id = $1::text`. session_id groups a rotation family: reuse of a
-- revoked token revokes every token of the session.
create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id          bigserial primary key,
  token       varchar(255) unique,
  user_id     varchar(255),
  revoked     boolean,
  created_at  timestamptz,
  updated_at  timestamptz,
  parent      varchar(255),
  session_id  uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_instance_id_idx on auth.refresh_tokens (instance_id);
create index if not exists refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens (instance_id, user_id);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_updated_at_idx on auth.refresh_tokens (updated_at desc);

-- ---------------------------------------------------------------------------
-- MFA
-- ---------------------------------------------------------------------------
create table if not exists auth.mfa_factors (
  id                    uuid primary key,
  user_id               uuid not null references auth.users (id) on delete cascade,
  friendly_name         text,
  factor_type           auth.factor_type not null,
  status                auth.factor_status not null,
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  secret                text,
  phone                 text,
  last_challenged_at    timestamptz unique,
  web_authn_credential  jsonb,
  web_authn_aaguid      uuid
);
create unique index if not exists mfa_factors_user_friendly_name_unique
  on auth.mfa_factors (friendly_name, user_id) where trim(friendly_name) <> '';
create index if not exists factor_id_created_at_idx on auth.mfa_factors (user_id, created_at);
create index if not exists mfa_factors_user_id_idx on auth.mfa_factors (user_id);

create table if not exists auth.mfa_challenges (
  id                     uuid primary key,
  factor_id              uuid not null references auth.mfa_factors (id) on delete cascade,
  created_at             timestamptz not null,
  verified_at            timestamptz,
  ip_address             inet not null,
  otp_code               text,
  web_authn_session_data jsonb
);
create index if not exists mfa_challenge_created_at_idx on auth.mfa_challenges (created_at desc);
create index if not exists mfa_challenges_factor_id_idx on auth.mfa_challenges (factor_id);

create table if not exists auth.mfa_amr_claims (
  session_id            uuid not null references auth.sessions (id) on delete cascade,
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  authentication_method text not null,
  id                    uuid not null primary key,
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

-- ---------------------------------------------------------------------------
-- One-time tokens (confirmation, recovery, magic link / OTP) and PKCE state
-- ---------------------------------------------------------------------------
create table if not exists auth.one_time_tokens (
  id         uuid primary key,
  user_id    uuid not null references auth.users (id) on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null check (char_length(token_hash) > 0),
  relates_to text not null,
  created_at timestamp not null default now(),
  updated_at timestamp not null default now()
);
create index if not exists one_time_tokens_token_hash_hash_idx on auth.one_time_tokens using hash (token_hash);
create index if not exists one_time_tokens_relates_to_hash_idx on auth.one_time_tokens using hash (relates_to);
create unique index if not exists one_time_tokens_user_id_token_type_key on auth.one_time_tokens (user_id, token_type);

create table if not exists auth.flow_state (
  id                     uuid primary key,
  user_id                uuid,
  auth_code              text not null,
  code_challenge_method  auth.code_challenge_method not null,
  code_challenge         text not null,
  provider_type          text not null,
  provider_access_token  text,
  provider_refresh_token text,
  created_at             timestamptz,
  updated_at             timestamptz,
  authentication_method  text not null,
  auth_code_issued_at    timestamptz
);
create index if not exists idx_auth_code on auth.flow_state (auth_code);
create index if not exists idx_user_id_auth_method on auth.flow_state (user_id, authentication_method);
create index if not exists flow_state_created_at_idx on auth.flow_state (created_at desc);

create table if not exists auth.audit_log_entries (
  instance_id uuid,
  id          uuid not null primary key,
  payload     json,
  created_at  timestamptz,
  ip_address  varchar(64) not null default ''
);
create index if not exists audit_logs_instance_id_idx on auth.audit_log_entries (instance_id);

-- ---------------------------------------------------------------------------
-- auth helper functions — exactly the current GoTrue definitions
-- (supabase-compat.md §3.1). Both the per-claim GUC (older PostgREST,
-- Storage, pgTAP docs) and the JSON claims GUC (current PostgREST, our
-- server) are honoured.
-- ---------------------------------------------------------------------------
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';

create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';

create or replace function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;

-- auth.* tables stay private to the login/owner role (as on hosted, where
-- anon/authenticated cannot read auth.users). The embedded auth server uses
-- its own trusted connection path.

-- ---------------------------------------------------------------------------
-- storage (Supabase Storage tenant schema, the parts Forecourt uses)
-- ---------------------------------------------------------------------------
create table if not exists storage.buckets (
  id                 text primary key,
  name               text not null,
  owner              uuid,              -- deprecated upstream, kept for shape
  owner_id           text,
  public             boolean not null default false,
  file_size_limit    bigint,            -- bytes; null = global limit
  allowed_mime_types text[],            -- null = any; 'image/*' wildcards allowed
  avif_autodetection boolean default false,
  type               text not null default 'STANDARD' check (type in ('STANDARD', 'ANALYTICS')),
  created_at         timestamptz default now(),
  updated_at         timestamptz default now()
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id               uuid primary key default gen_random_uuid(),
  bucket_id        text references storage.buckets (id),
  name             text,
  owner            uuid,                -- deprecated upstream, kept for shape
  owner_id         text,
  created_at       timestamptz default now(),
  updated_at       timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata         jsonb,               -- {eTag,size,mimetype,cacheControl,lastModified,contentLength,httpStatusCode}
  path_tokens      text[] generated always as (string_to_array(name, '/')) stored,
  version          text,
  user_metadata    jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);

-- Path helpers used by policies: (storage.foldername(name))[1] = auth.uid()::text
create or replace function storage.foldername(name text) returns text[]
language sql immutable as $$
  select (string_to_array(name, '/'))[1:greatest(coalesce(array_length(string_to_array(name, '/'), 1), 0) - 1, 0)]
$$;

create or replace function storage.filename(name text) returns text
language sql immutable as $$
  select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$$;

create or replace function storage.extension(name text) returns text
language sql immutable as $$
  select reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to anon, authenticated, service_role;

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

-- As on hosted: table privileges for the API roles, rows decided by policies
-- (created by Forecourt's migrations).
grant select, insert, update, delete on storage.buckets to anon, authenticated, service_role;
grant select, insert, update, delete on storage.objects to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Supabase CLI migration history (pkg/migration/history.go), so that
-- `supabase migration list / repair / db push` agree with `forecourt migrate`.
-- ---------------------------------------------------------------------------
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
create table if not exists supabase_migrations.seed_files (path text not null primary key, hash text not null);
