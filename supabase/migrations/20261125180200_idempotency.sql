-- =============================================================================
-- Idempotency-Key (issue 6): the functions the server drives public.idempotency_keys with.
--
--   1. private.idempotency_claim(...)    in its own short transaction, BEFORE the write:
--        'new'         the caller owns the key now (a fresh lease_token fences it)
--        'replay'      completed earlier with the same request: the stored response
--        'mismatch'    the key was used for a different request (-> 422)
--        'in_progress' another request holds a live lease on the key (-> 409)
--      A lapsed lease (the first attempt died before committing) is taken over; an
--      expired key is purged and claimed afresh.
--   2. private.idempotency_complete(...) in the SAME transaction as the write: stores the
--      exact response; raises FC409 when the claim was taken over meanwhile, so the write
--      rolls back and nothing is written twice.
--   3. private.idempotency_release(...)  after a failed write: frees the key so a retry
--      can run (nothing was written, so running again is safe).
--   4. private.idempotency_purge(limit)  deletes expired keys (claims call it lazily with a
--      small batch; `forecourt idempotency purge` runs it in bulk).
--
-- Only service_role may execute them (the API roles cannot even resolve names in schema
-- private). The request transaction switches to service_role for the one statement that
-- completes the key, right before COMMIT (see src/api/idempotency.cpp).
-- =============================================================================

-- Fencing token of the current claim: a claim taken over after its lease lapsed can no
-- longer complete (its write rolls back), so a slow first attempt and the retry that took
-- over can never both commit.
alter table public.idempotency_keys add column lease_token uuid;

create function private.idempotency_purge(p_limit integer default 10000) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  deleted integer;
begin
  -- skip locked: concurrent purges (several servers) split the work instead of queueing.
  with doomed as (
    select k.id from public.idempotency_keys k
     where k.expires_at <= now()
     order by k.expires_at
     limit greatest(p_limit, 0)
     for update skip locked)
  delete from public.idempotency_keys k using doomed d where k.id = d.id;
  get diagnostics deleted = row_count;
  return deleted;
end
$$;

create function private.idempotency_claim(
  p_scope text, p_key text, p_method text, p_path text, p_request_hash text, p_lease interval)
returns table (outcome text, lease_token uuid, response_status integer, response_headers jsonb,
               response_body bytea)
language plpgsql security definer set search_path = '' as $$
declare
  token uuid := gen_random_uuid();
  v_user uuid;
  v_ip inet;
  k public.idempotency_keys%rowtype;
begin
  if p_scope like 'user:%' then
    v_user := private.try_uuid(substr(p_scope, 6));
    if v_user is null then
      raise exception 'idempotency scope % names no user id', p_scope using errcode = '22023';
    end if;
  elsif p_scope like 'ip:%' then
    v_ip := substr(p_scope, 4)::inet;
  end if;
  -- Lazy purge: every claim removes a few expired keys, so the table stays bounded even
  -- when no operator runs the bulk purge.
  perform private.idempotency_purge(20);

  -- The row may vanish between the insert and the select (a concurrent purge): try again.
  for attempt in 1..3 loop
    insert into public.idempotency_keys as i
      (key, scope, user_id, ip, method, path, request_hash, status, locked_until, lease_token)
    values (p_key, p_scope, v_user, v_ip, p_method, p_path, p_request_hash, 'in_progress',
            now() + p_lease, token)
    on conflict (scope, key) do nothing;
    if found then
      return query select 'new'::text, token, null::integer, null::jsonb, null::bytea;
      return;
    end if;

    select * into k from public.idempotency_keys x
     where x.scope = p_scope and x.key = p_key for update;
    if not found then
      continue;
    end if;

    if k.expires_at <= now() then
      -- An expired key is a new key: forget the old request and its answer.
      update public.idempotency_keys x
         set method = p_method, path = p_path, request_hash = p_request_hash,
             status = 'in_progress', response_status = null, response_headers = null,
             response_body = null, completed_at = null, created_at = now(),
             expires_at = now() + interval '24 hours', locked_until = now() + p_lease,
             lease_token = token
       where x.id = k.id;
      return query select 'new'::text, token, null::integer, null::jsonb, null::bytea;
      return;
    end if;

    if k.request_hash <> p_request_hash then
      return query select 'mismatch'::text, null::uuid, null::integer, null::jsonb, null::bytea;
      return;
    end if;

    if k.status = 'completed' then
      return query select 'replay'::text, null::uuid, k.response_status, k.response_headers,
                          k.response_body;
      return;
    end if;

    if k.locked_until > now() then
      return query select 'in_progress'::text, null::uuid, null::integer, null::jsonb, null::bytea;
      return;
    end if;

    -- The lease lapsed: the first attempt died before it committed. Take the key over;
    -- the new token fences the old attempt out should it still be alive.
    update public.idempotency_keys x
       set locked_until = now() + p_lease, lease_token = token
     where x.id = k.id;
    return query select 'new'::text, token, null::integer, null::jsonb, null::bytea;
    return;
  end loop;
  raise exception 'idempotency key % could not be claimed', p_key using errcode = '40001';
end
$$;

create function private.idempotency_complete(
  p_scope text, p_key text, p_lease_token uuid, p_status integer, p_headers jsonb, p_body bytea)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  update public.idempotency_keys k
     set status = 'completed', response_status = p_status, response_headers = p_headers,
         response_body = p_body, completed_at = now(), locked_until = null, lease_token = null
   where k.scope = p_scope and k.key = p_key and k.lease_token = p_lease_token
     and k.status = 'in_progress';
  if not found then
    -- FC409: the server's business-rule conflict code (-> 409). The caller's write in this
    -- transaction rolls back with it.
    raise exception 'Another request with this Idempotency-Key took over; retry to get its answer.'
      using errcode = 'FC409';
  end if;
end
$$;

create function private.idempotency_release(p_scope text, p_key text, p_lease_token uuid)
returns void
language sql security definer set search_path = '' as $$
  delete from public.idempotency_keys k
   where k.scope = p_scope and k.key = p_key and k.lease_token = p_lease_token
     and k.status = 'in_progress';
$$;

revoke all on function private.idempotency_purge(integer),
  private.idempotency_claim(text, text, text, text, text, interval),
  private.idempotency_complete(text, text, uuid, integer, jsonb, bytea),
  private.idempotency_release(text, text, uuid) from public, anon, authenticated;
grant execute on function private.idempotency_purge(integer),
  private.idempotency_claim(text, text, text, text, text, interval),
  private.idempotency_complete(text, text, uuid, integer, jsonb, bytea),
  private.idempotency_release(text, text, uuid) to service_role;
