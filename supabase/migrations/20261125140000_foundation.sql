-- =============================================================================
-- Foundation: extensions, the private helper schema, profiles (+ preferences),
-- the shared trigger functions, role helpers, the event outbox and audit log.
-- =============================================================================
-- Runs on hosted Supabase and on a local PostgreSQL prepared by
-- db/bootstrap/00_supabase_platform.sql. It only *references* the platform
-- objects (roles, auth.users, auth.uid(), auth.jwt()); it never creates them.
--
-- Conventions used by every migration of Forecourt:
--   * RLS is enabled on every table in schema public, no exceptions.
--   * Privileges are granted explicitly per table: first `revoke all` from
--     anon/authenticated/service_role (hosted projects may still auto-grant
--     ALL on new public tables), then grant exactly what a policy needs.
--     service_role (jobs, admin batch work) gets DML but never TRUNCATE.
--   * Policies name their roles (`to anon`, `to authenticated`) and wrap
--     auth.uid() / private.is_staff() in a sub-select so they are evaluated
--     once per statement (initPlan), as Supabase recommends.
--   * Security-definer functions live in schema `private`, which anon and
--     authenticated cannot use directly (no USAGE). Policies can still call
--     them: a stored policy references the function by OID, so only EXECUTE
--     is checked when it runs.
--   * Trigger functions that write other tables are security definer with
--     `set search_path = ''` and fully qualified names.
-- =============================================================================

create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists citext with schema extensions;

-- -----------------------------------------------------------------------------
-- private schema: helpers that must never be reachable through the REST API
-- -----------------------------------------------------------------------------
create schema if not exists private;
revoke all on schema private from public;
-- Jobs (service_role) may call maintenance helpers; end-user roles may not
-- even resolve names in this schema.
grant usage on schema private to service_role;

-- -----------------------------------------------------------------------------
-- Enum types. Only for columns that are never used as search filters under
-- RLS: enum equality (enum_eq) is not leakproof, so an anon query filtering on
-- an enum column cannot push that filter into an index scan (see vehicles).
-- -----------------------------------------------------------------------------
create type public.app_role as enum ('customer', 'staff', 'admin');

-- -----------------------------------------------------------------------------
-- Generic helpers
-- -----------------------------------------------------------------------------

-- The one shared timestamp trigger: BEFORE UPDATE on every table with an
-- updated_at column. created_at is pinned to its original value so neither a
-- client nor a buggy job can rewrite history.
create function private.set_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  new.created_at := old.created_at;
  return new;
end
$$;

-- True while the statement runs on behalf of an API end user (PostgREST or
-- Forecourt's RequestTx switched to anon/authenticated). Inside a
-- security-definer function current_user is the owner, but the `role` GUC
-- still names the role the transaction switched to, so both are checked.
-- Jobs (service_role), the migration runner and seeds are "trusted".
create function private.in_end_user_context() returns boolean
language sql stable set search_path = '' as $$
  select current_user::text in ('anon', 'authenticated')
      or coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated')
$$;

-- Bulk-load switch honoured by the per-row triggers that write side tables
-- (price_history, outbox, audit_log). Set with
--   select set_config('forecourt.bulk_load', 'on', true);
-- Custom GUCs can be set by anyone, so the switch is ignored for end users.
create function private.bulk_load_active() returns boolean
language sql stable set search_path = '' as $$
  select coalesce(current_setting('forecourt.bulk_load', true), '') = 'on'
     and not private.in_end_user_context()
$$;

-- Parse a client IP from text without ever failing the caller's write.
create function private.try_inet(p_value text) returns inet
language plpgsql immutable set search_path = '' as $$
begin
  return nullif(btrim(p_value), '')::inet;
exception when others then
  return null;
end
$$;

-- request.headers is set per request (PostgREST, Storage and Forecourt's
-- RequestTx) as a JSON object with lower-case header names.
create function private.request_headers() returns jsonb
language plpgsql stable set search_path = '' as $$
begin
  return coalesce(nullif(current_setting('request.headers', true), '')::jsonb, '{}'::jsonb);
exception when others then
  return '{}'::jsonb;
end
$$;

create function private.request_ip() returns inet
language sql stable set search_path = '' as $$
  select private.try_inet(coalesce(
           split_part(h ->> 'x-forwarded-for', ',', 1),
           h ->> 'x-real-ip',
           h ->> 'cf-connecting-ip'))
  from (select private.request_headers() as h) s
$$;

create function private.request_user_agent() returns text
language sql stable set search_path = '' as $$
  select left(private.request_headers() ->> 'user-agent', 512)
$$;

-- -----------------------------------------------------------------------------
-- profiles: one row per auth user; the app role lives here (never in
-- client-editable user_metadata).
-- -----------------------------------------------------------------------------
create table public.profiles (
  id               uuid primary key references auth.users (id) on delete cascade,
  email            text,
  full_name        text check (full_name is null or char_length(full_name) <= 200),
  phone            text check (phone is null or phone ~ '^\+?[0-9 ().-]{5,32}$'),
  role             public.app_role not null default 'customer',
  avatar_path      text,
  preferred_locale text not null default 'en-US' check (preferred_locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  marketing_opt_in boolean not null default false,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
comment on table public.profiles is 'Application profile of an auth user; role drives staff/admin access.';
comment on column public.profiles.role is 'customer | staff | admin. Only an admin (or a trusted job) may change it.';
-- Staff screens list/filter users by role and search by email.
create index profiles_role_idx on public.profiles (role) where role <> 'customer';
create index profiles_email_idx on public.profiles (lower(email));

create trigger profiles_set_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- Role helpers (security definer: they read profiles without tripping its
-- own RLS; stable so the planner may cache them; wrap in (select ...)).
-- -----------------------------------------------------------------------------
create function private.current_role() returns public.app_role
language sql stable security definer set search_path = '' as $$
  select p.role from public.profiles p where p.id = (select auth.uid())
$$;

create function private.is_staff() returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.profiles p
                 where p.id = (select auth.uid()) and p.role in ('staff', 'admin'))
$$;

create function private.is_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.profiles p
                 where p.id = (select auth.uid()) and p.role = 'admin')
$$;

revoke all on function private.current_role(), private.is_staff(), private.is_admin() from public;
grant execute on function private.current_role(), private.is_staff(), private.is_admin()
  to anon, authenticated, service_role;

revoke all on function private.set_updated_at(), private.in_end_user_context(), private.bulk_load_active(),
  private.try_inet(text), private.request_headers(), private.request_ip(), private.request_user_agent() from public;
grant execute on function private.in_end_user_context(), private.bulk_load_active(),
  private.request_ip(), private.request_user_agent() to service_role;

-- -----------------------------------------------------------------------------
-- notification_preferences: one row per user, created with the profile.
-- -----------------------------------------------------------------------------
create table public.notification_preferences (
  user_id                uuid primary key references public.profiles (id) on delete cascade,
  email_enabled          boolean not null default true,
  sms_enabled            boolean not null default false,
  in_app_enabled         boolean not null default true,
  whatsapp_enabled       boolean not null default false,
  price_drop_alerts      boolean not null default true,
  appointment_reminders  boolean not null default true,
  application_updates    boolean not null default true,
  new_specials           boolean not null default false,
  blog_updates           boolean not null default false,
  marketing              boolean not null default false,
  quiet_hours_start      time,
  quiet_hours_end        time,
  timezone               text not null default 'America/New_York',
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  check ((quiet_hours_start is null) = (quiet_hours_end is null))
);
comment on table public.notification_preferences is 'Per-user channel and topic switches (/me/settings/notifications).';

create trigger notification_preferences_set_updated_at before update on public.notification_preferences
  for each row execute function private.set_updated_at();

-- -----------------------------------------------------------------------------
-- New auth user -> profile (+ default preferences). Security definer because
-- the inserting role (the auth server) need not have rights on public.*.
-- -----------------------------------------------------------------------------
create function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.profiles (id, email, full_name, role)
  values (new.id,
          new.email,
          nullif(btrim(coalesce(new.raw_user_meta_data ->> 'full_name',
                                new.raw_user_meta_data ->> 'name', '')), ''),
          'customer')
  on conflict (id) do nothing;

  insert into public.notification_preferences (user_id)
  values (new.id)
  on conflict (user_id) do nothing;
  return new;
end
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

-- Keep profiles.email in step with the verified auth email.
create function private.handle_user_email_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.profiles set email = new.email where id = new.id;
  return new;
end
$$;

create trigger on_auth_user_email_changed
  after update of email on auth.users
  for each row when (old.email is distinct from new.email)
  execute function private.handle_user_email_change();

-- A user may edit their own profile but never their role; an admin may change
-- other users' roles but not their own (no accidental self-lockout, no
-- self-service privilege games). Trusted contexts (jobs, seeds) are exempt.
create function private.guard_profile_update() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if private.in_end_user_context() and new.role is distinct from old.role then
    if not private.is_admin() then
      raise exception 'only an admin can change a role' using errcode = '42501';
    end if;
    if old.id = auth.uid() then
      raise exception 'an admin cannot change their own role' using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;

create trigger profiles_guard_update before update on public.profiles
  for each row execute function private.guard_profile_update();

-- Owner columns (user_id, list_id, order_id, ...) are immutable for API users:
-- moving a row to another owner would bypass every ownership rule. Attach as
--   before update of <col> ... when (old.<col> is distinct from new.<col>)
--   execute function private.forbid_owner_change('<col>')
create function private.forbid_owner_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if private.in_end_user_context() then
    raise exception '% cannot be changed on %', coalesce(tg_argv[0], 'owner'), tg_table_name
      using errcode = '42501';
  end if;
  return new;
end
$$;

revoke all on function private.handle_new_user(), private.handle_user_email_change(),
  private.guard_profile_update(), private.forbid_owner_change() from public;

-- -----------------------------------------------------------------------------
-- outbox: domain events written in the same transaction as the change, then
-- relayed (Redis Pub/Sub + job streams) by the worker. Ids are not a commit
-- order: relays claim rows with `for update skip locked` where
-- published_at is null, oldest first, and must be idempotent.
-- -----------------------------------------------------------------------------
create table public.outbox (
  id              bigint generated always as identity primary key,
  event           text not null check (event ~ '^[a-z][a-z0-9_.]{1,63}$'),
  aggregate_table text not null,
  aggregate_id    uuid,
  payload         jsonb not null default '{}'::jsonb,
  created_at      timestamptz not null default now(),
  available_at    timestamptz not null default now(),
  published_at    timestamptz,
  attempts        integer not null default 0 check (attempts >= 0),
  last_error      text
);
comment on table public.outbox is 'Transactional outbox of domain events (price_drop, new_listing, booking_created, application_status_changed, ...).';
create index outbox_unpublished_idx on public.outbox (available_at, id) where published_at is null;
create index outbox_aggregate_idx on public.outbox (aggregate_table, aggregate_id);
create index outbox_created_at_brin on public.outbox using brin (created_at);

-- One NOTIFY per statement (not per row) wakes the relay immediately;
-- delivered only if the transaction commits.
create function private.outbox_notify() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform pg_notify('forecourt_outbox', '');
  return null;
end
$$;

create trigger outbox_notify after insert on public.outbox
  for each statement execute function private.outbox_notify();

-- Every domain event goes through here. Bulk loads (seeds, imports run
-- with forecourt.bulk_load = on by a trusted role) emit nothing: a demo seed
-- must not mail thousands of "new listing" alerts on first start.
create function private.emit_event(p_event text, p_table text, p_id uuid, p_payload jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  if private.bulk_load_active() then
    return;
  end if;
  insert into public.outbox (event, aggregate_table, aggregate_id, payload)
  values (p_event, p_table, p_id, coalesce(p_payload, '{}'::jsonb));
end
$$;

revoke all on function private.outbox_notify(), private.emit_event(text, text, uuid, jsonb) from public;
grant execute on function private.emit_event(text, text, uuid, jsonb) to service_role;

-- -----------------------------------------------------------------------------
-- audit_log (spec §2): who changed what, before/after, from where.
-- -----------------------------------------------------------------------------
create table public.audit_log (
  id             uuid primary key default gen_random_uuid(),
  actor_user_id  uuid references public.profiles (id) on delete set null,
  action         text not null check (char_length(action) between 1 and 64),
  resource_table text not null,
  resource_id    text,
  before         jsonb,
  after          jsonb,
  ip             inet,
  ua             text,
  occurred_at    timestamptz not null default now()
);
comment on table public.audit_log is 'Append-only record of staff/admin writes (triggers) and sensitive app actions (exports).';
create index audit_log_actor_idx on public.audit_log (actor_user_id, occurred_at desc);
create index audit_log_resource_idx on public.audit_log (resource_table, resource_id, occurred_at desc);
create index audit_log_occurred_at_brin on public.audit_log using brin (occurred_at);

-- Row audit trigger. Arguments:
--   tg_argv[0] 'all' (default) | 'staff_only' — admin-managed tables log every
--              write; customer-owned tables log only writes made by staff.
--   tg_argv[1] key column name (default 'id').
-- Generated search vectors are stripped from the snapshots.
create function private.audit_row() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_mode   text := coalesce(tg_argv[0], 'all');
  v_key    text := coalesce(tg_argv[1], 'id');
  v_before jsonb;
  v_after  jsonb;
  v_actor  uuid;
begin
  if private.bulk_load_active() then
    return null;
  end if;
  if v_mode = 'staff_only' and not private.is_staff() then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    v_before := to_jsonb(old) - 'search_tsv';
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    v_after := to_jsonb(new) - 'search_tsv';
  end if;
  if tg_op = 'UPDATE' and (v_before - 'updated_at') = (v_after - 'updated_at') then
    return null;  -- no-op update
  end if;
  -- Only reference a real profile (claims of a deleted user must not fail the write).
  select p.id into v_actor from public.profiles p where p.id = auth.uid();

  insert into public.audit_log (actor_user_id, action, resource_table, resource_id, before, after, ip, ua)
  values (v_actor, lower(tg_op), tg_table_name,
          coalesce(v_after, v_before) ->> v_key,
          v_before, v_after, private.request_ip(), private.request_user_agent());
  return null;
end
$$;

revoke all on function private.audit_row() from public;

create trigger profiles_audit after update or delete on public.profiles
  for each row execute function private.audit_row('staff_only');

-- -----------------------------------------------------------------------------
-- RLS + grants
-- -----------------------------------------------------------------------------
alter table public.profiles enable row level security;
alter table public.notification_preferences enable row level security;
alter table public.outbox enable row level security;
alter table public.audit_log enable row level security;

revoke all on table public.profiles, public.notification_preferences, public.outbox, public.audit_log
  from anon, authenticated, service_role;

-- profiles: self read, staff list; self update of personal columns only.
-- `role` is column-granted so an admin can manage roles through the API;
-- the guard trigger above refuses it for everyone else.
grant select on public.profiles to authenticated;
grant update (full_name, phone, avatar_path, preferred_locale, marketing_opt_in, role)
  on public.profiles to authenticated;
grant select, insert, update, delete on public.profiles to service_role;

create policy profiles_select_own on public.profiles
  for select to authenticated using (id = (select auth.uid()));
create policy profiles_select_staff on public.profiles
  for select to authenticated using ((select private.is_staff()));
create policy profiles_update_own on public.profiles
  for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));
create policy profiles_update_admin on public.profiles
  for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));

-- notification_preferences: owner CRUD, staff read.
grant select, insert, update, delete on public.notification_preferences to authenticated;
grant select, insert, update, delete on public.notification_preferences to service_role;

create policy notification_preferences_select on public.notification_preferences
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy notification_preferences_insert_own on public.notification_preferences
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy notification_preferences_update_own on public.notification_preferences
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notification_preferences_delete_own on public.notification_preferences
  for delete to authenticated using (user_id = (select auth.uid()));

create trigger notification_preferences_owner_immutable
  before update of user_id on public.notification_preferences
  for each row when (old.user_id is distinct from new.user_id)
  execute function private.forbid_owner_change('user_id');

-- outbox: written by security-definer triggers; read/claimed by jobs only.
grant select, insert, update, delete on public.outbox to service_role;

-- audit_log: admins read it through the API; only triggers and jobs write.
-- Append-only: nobody gets UPDATE; service_role may DELETE for retention.
grant select on public.audit_log to authenticated;
grant select, insert, delete on public.audit_log to service_role;
create policy audit_log_select_admin on public.audit_log
  for select to authenticated using ((select private.is_admin()));
