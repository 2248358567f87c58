-- =============================================================================
-- Embedded auth server: the last TOTP time step accepted per factor, so a code
-- can be used once only (RFC 6238 §5.2). GoTrue's auth.mfa_factors has no such
-- column and auth.* is not ours on hosted Supabase, so it lives in private.
-- =============================================================================
create table private.mfa_totp_steps (
  factor_id  uuid primary key,
  last_step  bigint not null check (last_step >= 0),  -- floor(unix time / 30) of the last code
  updated_at timestamptz not null default now()
);
comment on table private.mfa_totp_steps is
  'Embedded auth: last accepted TOTP time step per auth.mfa_factors row (replay protection).';

alter table private.mfa_totp_steps enable row level security;
revoke all on private.mfa_totp_steps from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.mfa_totp_steps to service_role;
-- service_role bypasses RLS; the policy documents that nobody else is meant to match.
create policy mfa_totp_steps_service_only on private.mfa_totp_steps
  for select to service_role using (true);

-- The row goes with its factor where this database owns auth.* (the local bootstrap); on
-- hosted Supabase the embedded server does not run and the table stays empty.
do $$
begin
  if exists (select 1 from pg_class c where c.oid = 'auth.mfa_factors'::regclass
             and pg_get_userbyid(c.relowner) = current_user) then
    alter table private.mfa_totp_steps
      add constraint mfa_totp_steps_factor_fk foreign key (factor_id)
      references auth.mfa_factors (id) on delete cascade;
  end if;
exception when undefined_table or insufficient_privilege then
  raise notice 'auth.mfa_factors not owned here: mfa_totp_steps without a foreign key';
end
$$;
