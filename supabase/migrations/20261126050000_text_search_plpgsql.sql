-- search_vehicle_models() and search_vehicle_text_ids() as PL/pgSQL: same signatures, same
-- rows, same ranks.
-- Why: a SQL function with a SET clause (search_path) is never inlined, and the SQL function
-- executor parses and plans its statement again on every call. Once /inventory/search took
-- its pages from the facet index, these two (models is called twice per free-text search:
-- once itself, once inside text_ids) were 12% of the whole search mix's CPU at 1M vehicles,
-- most of it planning (perf, bench/README.md). PL/pgSQL keeps each plan for the session.
-- `#variable_conflict use_column`: the OUT columns (make, model, rank) share names with the
-- table columns the queries read.

create or replace function public.search_vehicle_models(p_query text)
returns table (make text, model text, rank real)
language plpgsql stable security definer set search_path = '' rows 5 as $$
#variable_conflict use_column
begin
  return query
  with q as (select lower(btrim(left(coalesce(p_query, ''), 200))) as raw)
  select m.make, m.model, m.sim::real
  from (select s.make, s.model,
               greatest(extensions.similarity(s.make || ' ' || s.model, q.raw),
                        extensions.word_similarity(q.raw, s.make || ' ' || s.model)) as sim
        from public.vehicle_model_stats s, q
        where q.raw <> '' and s.vehicles > 0) m
  where m.sim >= 0.3;
end
$$;

create or replace function public.search_vehicle_text_ids(p_query text, p_limit integer default 1000)
returns table (vehicle_id uuid, rank real)
language plpgsql stable security definer set search_path = '' rows 100 as $$
#variable_conflict use_column
begin
  return query
  with q as (
    select websearch_to_tsquery('simple'::regconfig, left(coalesce(p_query, ''), 200)) as tsq,
           least(greatest(coalesce(p_limit, 1000), 1), 10000) as lim
  ), names as (
    -- Every word of q a word of the matched models' names ("toyota camry")? Then each word
    -- match is a vehicle of those models, which search_vehicle_models already covers: skip
    -- the scan (it would read every Camry to return ids the model match has anyway).
    select to_tsvector('simple'::regconfig, coalesce(string_agg(m.make || ' ' || m.model, ' '), ''))
             @@ (select q.tsq from q) as covered
    from public.search_vehicle_models(p_query) m
  )
  select v.id, ts_rank(v.search_tsv, q.tsq)
  from (select v.id, v.search_tsv from public.vehicles v, q
        where not (select names.covered from names) and v.visible and v.search_tsv @@ q.tsq
        limit (select q.lim from q)) v, q;
end
$$;
