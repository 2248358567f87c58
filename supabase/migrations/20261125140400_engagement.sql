-- =============================================================================
-- Trust & gamification: badges, user_badges, rewards ledger, campaigns,
-- vouchers (/badges, /rewards, /campaigns/test-drive-voucher).
-- =============================================================================

create table public.badges (
  id          uuid primary key default gen_random_uuid(),
  code        text not null unique check (code ~ '^[a-z0-9_]{2,40}$'),
  name        text not null check (char_length(name) between 1 and 80),
  description text,
  -- user = earned by customers; dealership/vehicle = trust badges shown on pages
  scope       text not null default 'user' check (scope in ('user', 'dealership', 'vehicle')),
  icon_path   text,
  points      integer not null default 0 check (points >= 0),
  -- machine-readable rule evaluated by the rewards job, e.g. {"event":"booking_completed","count":3}
  criteria    jsonb not null default '{}'::jsonb check (jsonb_typeof(criteria) = 'object'),
  active      boolean not null default true,
  position    integer not null default 0,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index badges_active_idx on public.badges (scope, position) where active;

create trigger badges_set_updated_at before update on public.badges
  for each row execute function private.set_updated_at();
create trigger badges_audit after insert or update or delete on public.badges
  for each row execute function private.audit_row();

create table public.user_badges (
  user_id    uuid not null references public.profiles (id) on delete cascade,
  badge_id   uuid not null references public.badges (id) on delete cascade,
  awarded_at timestamptz not null default now(),
  awarded_by uuid references public.profiles (id) on delete set null,
  primary key (user_id, badge_id)
);
create index user_badges_badge_idx on public.user_badges (badge_id);
create index user_badges_awarded_by_idx on public.user_badges (awarded_by);

-- Points ledger: one row per earning (+) or redemption (-); balance = sum.
create table public.rewards (
  id           uuid primary key default gen_random_uuid(),
  user_id      uuid not null references public.profiles (id) on delete cascade,
  points       integer not null check (points <> 0 and points between -100000 and 100000),
  reason       text not null check (char_length(reason) between 1 and 200),
  source_table text,
  source_id    uuid,
  created_by   uuid references public.profiles (id) on delete set null,
  created_at   timestamptz not null default now()
);
create index rewards_user_idx on public.rewards (user_id, created_at desc);
create index rewards_created_by_idx on public.rewards (created_by);
-- a source event earns points once
create unique index rewards_source_once_idx on public.rewards (user_id, source_table, source_id)
  where source_id is not null;

create table public.campaigns (
  id            uuid primary key default gen_random_uuid(),
  slug          text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title         text not null check (char_length(title) between 1 and 160),
  description   text,
  kind          text not null default 'test_drive_voucher'
                  check (kind in ('test_drive_voucher', 'service_voucher', 'referral', 'seasonal')),
  starts_at     timestamptz,
  ends_at       timestamptz,
  active        boolean not null default true,
  max_vouchers  integer check (max_vouchers > 0),
  voucher_value numeric(10, 2) not null default 0 check (voucher_value >= 0),
  voucher_days  integer not null default 30 check (voucher_days between 1 and 365),
  terms_md      text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at)
);
create index campaigns_active_idx on public.campaigns (starts_at) where active;

create trigger campaigns_set_updated_at before update on public.campaigns
  for each row execute function private.set_updated_at();
create trigger campaigns_audit after insert or update or delete on public.campaigns
  for each row execute function private.audit_row();

create table public.vouchers (
  id          uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references public.campaigns (id) on delete restrict,
  user_id     uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  code        text not null unique check (code ~ '^[A-Z0-9-]{6,32}$'),
  status      text not null default 'issued' check (status in ('issued', 'redeemed', 'expired', 'void')),
  value       numeric(10, 2) not null default 0 check (value >= 0),
  vehicle_id  uuid references public.vehicles (id) on delete set null,
  location_id uuid references public.locations (id) on delete set null,
  issued_at   timestamptz not null default now(),
  expires_at  timestamptz,
  redeemed_at timestamptz,
  redeemed_by uuid references public.profiles (id) on delete set null,
  updated_at  timestamptz not null default now(),
  created_at  timestamptz not null default now(),
  unique (campaign_id, user_id),   -- one voucher per customer per campaign
  check ((status = 'redeemed') = (redeemed_at is not null))
);
create index vouchers_user_idx on public.vouchers (user_id);
create index vouchers_vehicle_idx on public.vouchers (vehicle_id);
create index vouchers_location_idx on public.vouchers (location_id);
create index vouchers_redeemed_by_idx on public.vouchers (redeemed_by);

create trigger vouchers_set_updated_at before update on public.vouchers
  for each row execute function private.set_updated_at();
create trigger vouchers_audit after update or delete on public.vouchers
  for each row execute function private.audit_row('staff_only');

-- Claiming: a customer may only claim an issued voucher of a live campaign;
-- code, value and expiry come from the campaign, never from the client. The
-- campaign row is locked so max_vouchers holds under concurrency.
create function private.vouchers_before_write() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_campaign public.campaigns%rowtype;
  v_issued   integer;
begin
  if tg_op = 'INSERT' then
    select c.* into v_campaign from public.campaigns c where c.id = new.campaign_id for update;
    if not found then
      raise exception 'campaign % not found', new.campaign_id using errcode = '23503';
    end if;
    if private.is_customer_context() then
      if new.status <> 'issued' or new.redeemed_at is not null or new.redeemed_by is not null then
        raise exception 'vouchers are claimed as issued' using errcode = '42501';
      end if;
      if not v_campaign.active
         or (v_campaign.starts_at is not null and v_campaign.starts_at > now())
         or (v_campaign.ends_at is not null and v_campaign.ends_at <= now()) then
        raise exception 'campaign is not running' using errcode = 'FC409';
      end if;
      new.code := null;
      new.value := v_campaign.voucher_value;
      new.expires_at := null;
      new.issued_at := now();
    end if;
    if v_campaign.max_vouchers is not null then
      select count(*) into v_issued from public.vouchers v where v.campaign_id = new.campaign_id;
      if v_issued >= v_campaign.max_vouchers then
        raise exception 'campaign has no vouchers left' using errcode = 'FC409';
      end if;
    end if;
    new.code := coalesce(new.code,
      upper(left(regexp_replace(v_campaign.slug, '[^a-z0-9]', '', 'g'), 6)) || '-' ||
      upper(encode(extensions.gen_random_bytes(5), 'hex')));
    new.expires_at := coalesce(new.expires_at,
      least(coalesce(v_campaign.ends_at, 'infinity'::timestamptz), now() + make_interval(days => v_campaign.voucher_days)));
  elsif private.is_customer_context() then
    raise exception 'vouchers are redeemed by staff' using errcode = '42501';
  end if;
  if new.status = 'redeemed' and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    new.redeemed_at := coalesce(new.redeemed_at, now());
    new.redeemed_by := coalesce(new.redeemed_by, private.current_profile_id());
  end if;
  return new;
end
$$;
revoke all on function private.vouchers_before_write() from public;
create trigger vouchers_before_write before insert or update on public.vouchers
  for each row execute function private.vouchers_before_write();

create trigger vouchers_owner_immutable before update of user_id on public.vouchers
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger user_badges_owner_immutable before update of user_id on public.user_badges
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger rewards_owner_immutable before update of user_id on public.rewards
  for each row when (old.user_id is distinct from new.user_id) execute function private.forbid_owner_change('user_id');
create trigger user_badges_audit after insert or delete on public.user_badges
  for each row execute function private.audit_row('staff_only', 'user_id');
create trigger rewards_audit after insert or update or delete on public.rewards
  for each row execute function private.audit_row('staff_only');

-- -----------------------------------------------------------------------------
-- RLS + grants
-- -----------------------------------------------------------------------------
alter table public.badges enable row level security;
alter table public.user_badges enable row level security;
alter table public.rewards enable row level security;
alter table public.campaigns enable row level security;
alter table public.vouchers enable row level security;

revoke all on table public.badges, public.user_badges, public.rewards, public.campaigns, public.vouchers
  from anon, authenticated, service_role;
grant select on public.badges, public.campaigns to anon, authenticated;
grant insert, update, delete on public.badges, public.campaigns to authenticated;
grant select, insert, update, delete on public.user_badges, public.rewards, public.vouchers to authenticated;
grant select, insert, update, delete on public.badges, public.user_badges, public.rewards,
  public.campaigns, public.vouchers to service_role;

create policy badges_select_public on public.badges for select to anon, authenticated using (active);
create policy badges_select_staff on public.badges for select to authenticated using ((select private.is_staff()));
create policy badges_insert_staff on public.badges for insert to authenticated with check ((select private.is_staff()));
create policy badges_update_staff on public.badges for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy badges_delete_admin on public.badges for delete to authenticated using ((select private.is_admin()));

create policy user_badges_select on public.user_badges for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy user_badges_insert_staff on public.user_badges for insert to authenticated
  with check ((select private.is_staff()));
create policy user_badges_delete_staff on public.user_badges for delete to authenticated
  using ((select private.is_staff()));

create policy rewards_select on public.rewards for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy rewards_insert_staff on public.rewards for insert to authenticated
  with check ((select private.is_staff()));
create policy rewards_update_admin on public.rewards for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy rewards_delete_admin on public.rewards for delete to authenticated
  using ((select private.is_admin()));

create policy campaigns_select_public on public.campaigns for select to anon, authenticated
  using (active and (starts_at is null or starts_at <= now()) and (ends_at is null or ends_at > now()));
create policy campaigns_select_staff on public.campaigns for select to authenticated
  using ((select private.is_staff()));
create policy campaigns_insert_staff on public.campaigns for insert to authenticated
  with check ((select private.is_staff()));
create policy campaigns_update_staff on public.campaigns for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy campaigns_delete_admin on public.campaigns for delete to authenticated
  using ((select private.is_admin()));

create policy vouchers_select on public.vouchers for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_staff()));
create policy vouchers_insert on public.vouchers for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_staff()));
create policy vouchers_update_staff on public.vouchers for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy vouchers_delete_admin on public.vouchers for delete to authenticated
  using ((select private.is_admin()));
