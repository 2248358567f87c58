-- Free-text search in two parts, so /inventory/search never lists tens of thousands of ids
-- to answer one page.
--
-- search_vehicle_ids() returned every match as an id: for "toyta camry" at 1M vehicles it
-- fetched up to 10,000 vehicles per fuzzily matched model (heap order by year), merged and
-- ranked them — 300–770 ms before the page query even started, and the facet index then
-- had to look up 10,000 ids. But a fuzzy make/model match is a *set of models*, not of ids:
--   * search_vehicle_models(q): the (make, model) pairs whose name matches q, with their
--     similarity (the ~100-row vehicle_model_stats table: well under a millisecond);
--   * search_vehicle_text_ids(q, limit): the full-text matches (trim, year, body, fuel,
--     colour, description words), capped; none when every word of q is a word of the
--     matched models' names (those vehicles are the model match already).
-- The search statement joins the models to vehicles through the covering
-- vehicles_visible_facets_idx (make, model) with every filter applied in the index, and the
-- facet index ORs the models' bitmaps. A model match is no longer capped at 10,000 vehicles:
-- its total is exact.
--
-- Both are security definer for the same reason as search_vehicle_ids (trigram and
-- text-search operators are not leakproof, so under RLS their indexes would be unusable;
-- vehicle_model_stats is not readable by anon); each filters `visible` itself.

create function public.search_vehicle_models(p_query text)
returns table (make text, model text, rank real)
language sql stable security definer set search_path = '' rows 5 as $$
  with q as (select lower(btrim(left(coalesce(p_query, ''), 200))) as raw)
  select m.make, m.model, m.sim::real
  from (select s.make, s.model,
               greatest(extensions.similarity(s.make || ' ' || s.model, q.raw),
                        extensions.word_similarity(q.raw, s.make || ' ' || s.model)) as sim
        from public.vehicle_model_stats s, q
        where q.raw <> '' and s.vehicles > 0) m
  where m.sim >= 0.3
$$;
comment on function public.search_vehicle_models(text) is
  'Makes/models whose name fuzzily matches free text ("toyta camry"), with similarity 0.3–1. From vehicle_model_stats (refreshed by a job).';

-- rows 100: the planner's guess for the result (0 when q names models, up to p_limit for
-- broad words); at the default 1000 it hashed the thousands of model matches instead of
-- these few ids when joining the two (toyta camry at 1M: 34 ms, 18 ms with this estimate).
create function public.search_vehicle_text_ids(p_query text, p_limit integer default 1000)
returns table (vehicle_id uuid, rank real)
language sql stable security definer set search_path = '' rows 100 as $$
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
        limit (select q.lim from q)) v, q
$$;
comment on function public.search_vehicle_text_ids(text, integer) is
  'Visible vehicle ids whose words (trim, year, body, fuel, colour, description) match free text, up to p_limit (max 10,000). Index-backed even for anon.';

-- The id list for RPC callers, now built from the two parts (one definition of a match).
-- Rank: the model's similarity plus the word rank, as /inventory/search ranks ("2019 camry":
-- the 2019 Camrys first, then the other Camrys).
create or replace function public.search_vehicle_ids(p_query text, p_limit integer default 1000)
returns table (vehicle_id uuid, rank real)
language sql stable security definer set search_path = '' as $$
  with lim as (select least(greatest(coalesce(p_limit, 1000), 1), 10000) as n)
  select u.id, sum(u.rank)::real
  from (select v.id, m.rank
        from public.search_vehicle_models(p_query) m
        cross join lateral (
          select v.id from public.vehicles v
          where v.make = m.make and v.model = m.model and v.visible
          order by v.year desc
          limit (select lim.n from lim)) v
        union all
        select t.vehicle_id, t.rank from public.search_vehicle_text_ids(p_query, (select lim.n from lim)) t) u
  group by u.id
  order by sum(u.rank) desc, u.id
  limit (select lim.n from lim)
$$;

revoke all on function public.search_vehicle_models(text), public.search_vehicle_text_ids(text, integer) from public;
grant execute on function public.search_vehicle_models(text), public.search_vehicle_text_ids(text, integer)
  to anon, authenticated, service_role;
