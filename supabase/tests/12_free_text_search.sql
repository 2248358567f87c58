-- Free text in two parts (migration 20261126000000): fuzzy make/model matches and word
-- matches, both callable by anon, neither ever returning a hidden vehicle.
begin;
select plan(7);
\ir _helpers.psql

select tests.act_as_anon();
select isnt_empty($$ select 1 from public.search_vehicle_models('toyta camry') m where m.make = 'Toyota' and m.model = 'Camry' $$,
  'anon: "toyta camry" matches the Toyota Camry model');
select is_empty($$ select 1 from public.search_vehicle_models('   ') $$, 'blank text matches no model');
select is_empty($$ select 1 from public.search_vehicle_text_ids('toyota camry', 10000) $$,
  'every word a matched model''s: no word scan (the model match has those cars)');
select isnt_empty($$ select 1 from public.search_vehicle_text_ids('2022 camry', 10000) t
                     where t.vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$,
  'a word outside the model names runs the word match');
select is_empty($$ select 1 from public.search_vehicle_text_ids('2021 accord sport', 10000) t
                   where t.vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$,
  'anon: the word match never returns a hidden vehicle');
select is_empty($$ select 1 from public.search_vehicle_ids('2021 accord sport') s
                   where s.vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$,
  'anon: nor does the id list');
select isnt_empty($$ select 1 from public.search_vehicle_ids('toyta camry') s
                     where s.vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$,
  'the id list still finds the fuzzy model''s cars');
select tests.reset_role();

select * from finish();
rollback;
