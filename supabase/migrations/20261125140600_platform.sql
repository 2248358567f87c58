-- =============================================================================
-- Platform tables: idempotency records, analytics events, inbound webhook
-- log; storage buckets and storage.objects policies.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- idempotency_keys (Idempotency-Key header, Stripe/IETF semantics):
--   same scope+key+request_hash -> replay the stored response byte for byte;
--   same key, different hash -> 422; row still in_progress -> 409 (or wait).
-- Written only by the server's trusted path (service_role). Inside a request
-- transaction the server switches role around these statements:
--   set_config('role','service_role',true) -> insert/update here ->
--   set_config('role','authenticated',true) -> handler ...
-- Pruned by a job after expires_at (>= 24 h retention).
-- -----------------------------------------------------------------------------
create table public.idempotency_keys (
  id               uuid primary key default gen_random_uuid(),
  key              text not null check (char_length(key) between 1 and 255),
  -- 'user:<uuid>' for signed-in callers, 'ip:<address>' for anonymous ones
  scope            text not null check (scope ~ '^(user|ip):.+$'),
  user_id          uuid references public.profiles (id) on delete cascade,
  ip               inet,
  method           text not null check (method in ('POST', 'PUT', 'PATCH', 'DELETE')),
  path             text not null,
  request_hash     text not null check (request_hash ~ '^[0-9a-f]{64}$'),  -- sha256 hex
  status           text not null default 'in_progress' check (status in ('in_progress', 'completed')),
  response_status  integer check (response_status between 100 and 599),
  response_headers jsonb check (response_headers is null or jsonb_typeof(response_headers) = 'object'),
  response_body    bytea,
  -- lease of the in-flight request; a crashed worker's claim lapses
  locked_until     timestamptz,
  created_at       timestamptz not null default now(),
  completed_at     timestamptz,
  expires_at       timestamptz not null default now() + interval '24 hours',
  unique (scope, key),
  check (status = 'in_progress' or (response_status is not null and completed_at is not null))
);
create index idempotency_keys_expires_idx on public.idempotency_keys (expires_at);
create index idempotency_keys_user_idx on public.idempotency_keys (user_id);

-- -----------------------------------------------------------------------------
-- analytics_events (/telemetry/interaction, A/B and UX metrics)
-- -----------------------------------------------------------------------------
create table public.analytics_events (
  id           uuid primary key default gen_random_uuid(),
  user_id      uuid references public.profiles (id) on delete set null,
  anonymous_id text check (anonymous_id is null or char_length(anonymous_id) <= 64),
  session_id   text check (session_id is null or char_length(session_id) <= 64),
  name         text not null check (name ~ '^[a-z][a-z0-9_.:-]{1,63}$'),
  -- {"vehicle_id":"...","variant":"B","page":"/inventory"}; no raw PII
  payload      jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
  occurred_at  timestamptz not null default now(),
  received_at  timestamptz not null default now()
);
create index analytics_events_name_idx on public.analytics_events (name, occurred_at desc);
create index analytics_events_user_idx on public.analytics_events (user_id);
create index analytics_events_occurred_brin on public.analytics_events using brin (occurred_at);

-- -----------------------------------------------------------------------------
-- webhook_events: inbound webhooks (payments, valuation provider) recorded
-- once per provider event id, then processed by a job.
-- -----------------------------------------------------------------------------
create table public.webhook_events (
  id              uuid primary key default gen_random_uuid(),
  source          text not null check (source in ('payment', 'tradein_valuation', 'other')),
  external_id     text not null,
  event_type      text,
  payload         jsonb not null,
  signature_valid boolean not null,
  received_at     timestamptz not null default now(),
  processed_at    timestamptz,
  attempts        integer not null default 0 check (attempts >= 0),
  last_error      text,
  unique (source, external_id)
);
create index webhook_events_unprocessed_idx on public.webhook_events (received_at) where processed_at is null;

-- -----------------------------------------------------------------------------
-- RLS + grants
-- -----------------------------------------------------------------------------
alter table public.idempotency_keys enable row level security;
alter table public.analytics_events enable row level security;
alter table public.webhook_events enable row level security;

revoke all on table public.idempotency_keys, public.analytics_events, public.webhook_events
  from anon, authenticated, service_role;

-- idempotency + webhooks: server-only (RLS on, no policies for API roles).
grant select, insert, update, delete on public.idempotency_keys, public.webhook_events to service_role;

-- telemetry: anyone may append (own user id or none), staff read.
grant insert on public.analytics_events to anon, authenticated;
grant select on public.analytics_events to authenticated;
grant select, insert, update, delete on public.analytics_events to service_role;

create policy analytics_events_insert_anon on public.analytics_events for insert to anon
  with check (user_id is null);
create policy analytics_events_insert_authenticated on public.analytics_events for insert to authenticated
  with check (user_id is null or user_id = (select auth.uid()));
create policy analytics_events_select_staff on public.analytics_events for select to authenticated
  using ((select private.is_staff()));

-- =============================================================================
-- Storage (spec §5): private buckets, signed URLs only.
-- Object names: vehicle-media/<vehicle_id>/<n>.jpg, docs/<user_id>/<...>,
-- blog-hero/<post slug>/<file>, parts-media/<sku>/<file>.
-- =============================================================================
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('vehicle-media', 'vehicle-media', false, 15728640,
   array['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'video/mp4', 'video/webm', 'application/json']),
  ('blog-hero', 'blog-hero', false, 15728640, array['image/jpeg', 'image/png', 'image/webp', 'image/avif']),
  ('docs', 'docs', false, 15728640,
   array['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic']),
  ('parts-media', 'parts-media', false, 15728640, array['image/jpeg', 'image/png', 'image/webp'])
on conflict (id) do nothing;

-- Text -> uuid without raising (object folder names are user input).
create function private.try_uuid(p_value text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then p_value::uuid end
$$;
revoke all on function private.try_uuid(text) from public;
grant execute on function private.try_uuid(text) to anon, authenticated, service_role;

-- Vehicle media objects are readable (hence signable) while the vehicle is
-- visible; the bucket is private, so reading still needs a signed URL.
create policy forecourt_vehicle_media_select_public on storage.objects for select to anon, authenticated
  using (bucket_id = 'vehicle-media'
         and private.try_uuid((storage.foldername(name))[1]) in
             (select v.id from public.vehicles v where v.visible));
create policy forecourt_site_media_select_public on storage.objects for select to anon, authenticated
  using (bucket_id in ('blog-hero', 'parts-media'));

-- Staff manage all media buckets and read customer documents.
create policy forecourt_media_select_staff on storage.objects for select to authenticated
  using (bucket_id in ('vehicle-media', 'blog-hero', 'parts-media', 'docs') and (select private.is_staff()));
create policy forecourt_media_insert_staff on storage.objects for insert to authenticated
  with check (bucket_id in ('vehicle-media', 'blog-hero', 'parts-media') and (select private.is_staff()));
create policy forecourt_media_update_staff on storage.objects for update to authenticated
  using (bucket_id in ('vehicle-media', 'blog-hero', 'parts-media') and (select private.is_staff()))
  with check (bucket_id in ('vehicle-media', 'blog-hero', 'parts-media') and (select private.is_staff()));
create policy forecourt_media_delete_staff on storage.objects for delete to authenticated
  using (bucket_id in ('vehicle-media', 'blog-hero', 'parts-media') and (select private.is_staff()));

-- Customer documents (financing uploads, trade-in photos) live under the
-- owner's folder: docs/<auth.uid()>/...
create policy forecourt_docs_select_own on storage.objects for select to authenticated
  using (bucket_id = 'docs' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy forecourt_docs_insert_own on storage.objects for insert to authenticated
  with check (bucket_id = 'docs' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy forecourt_docs_update_own on storage.objects for update to authenticated
  using (bucket_id = 'docs' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id = 'docs' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy forecourt_docs_delete_own on storage.objects for delete to authenticated
  using (bucket_id = 'docs' and (storage.foldername(name))[1] = (select auth.uid())::text);
