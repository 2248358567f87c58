-- A bulk load keeps price_history_vehicle_idx.
--
-- Why: since 20261126130000 each seed batch derives its cars' page parts, and the
-- price-history renderer reads a car's prices through this index. With the index
-- dropped for the load (seed_bulk_begin defers every secondary index of the four
-- generated tables), each car's render scanned the whole price_history table, so a
-- batch took longer the more cars were loaded: in a fresh `forecourt seed --vehicles
-- 1000000` the first two 20k batches took ~43 s, each batch after 80k cars over
-- 70 s, on the way to hours. With the index the whole 1M load took 153 s. Keeping
-- this one index during the load costs little: the generated ids ascend, so its
-- entries mostly append.
--
-- Same function as 20261125140700 but for the named exception.
create or replace function private.seed_bulk_begin() returns integer
language plpgsql set search_path = '' as $$
declare
  r record;
  n integer := 0;
begin
  for r in
    select ic.relname as index_name, c.relname as table_name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_class ic on ic.oid = i.indexrelid
    where c.relnamespace = 'public'::regnamespace
      and c.relname in ('vehicles', 'vehicle_media', 'vehicle_specs', 'price_history')
      and not i.indisunique and not i.indisprimary
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      -- read by private.seed_vehicles() itself, per car (vehicle_price_history_json)
      and ic.relname <> 'price_history_vehicle_idx'
  loop
    insert into private.seed_deferred_indexes (index_name, table_name, definition)
    values (r.index_name, r.table_name, r.definition)
    on conflict (index_name) do nothing;
    execute format('drop index public.%I', r.index_name);
    n := n + 1;
  end loop;
  -- insert-triggered autovacuum would scan the tables while they are being
  -- loaded; the loader runs VACUUM ANALYZE once at the end instead
  alter table public.vehicles set (autovacuum_enabled = false);
  alter table public.vehicle_media set (autovacuum_enabled = false);
  alter table public.vehicle_specs set (autovacuum_enabled = false);
  alter table public.price_history set (autovacuum_enabled = false);
  return n;
end
$$;
revoke all on function private.seed_bulk_begin() from public;

-- A load interrupted before this migration may have the index on its list of
-- indexes to rebuild: build it now, so the next batches find it.
select private.seed_bulk_build_index('price_history_vehicle_idx');
