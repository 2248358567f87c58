-- Public catalogue: what anon and customers may read, what stays hidden,
-- and that only staff/admin write it.
begin;
select plan(46);
\ir _helpers.psql

-- extra fixtures (as the owner)
insert into public.blog_posts (id, slug, title, body_md, status, published_at) values
  ('b0000000-0000-4000-8000-000000000001', 'test-published', 'Published', 'x', 'published', now() - interval '1 day'),
  ('b0000000-0000-4000-8000-000000000002', 'test-draft', 'Draft', 'x', 'draft', null),
  ('b0000000-0000-4000-8000-000000000003', 'test-scheduled-future', 'Future', 'x', 'scheduled', now() + interval '3 days'),
  ('b0000000-0000-4000-8000-000000000004', 'test-scheduled-due', 'Due', 'x', 'scheduled', now() - interval '1 minute');
insert into public.offers (id, title, active, starts_at, ends_at) values
  ('0f000000-0000-4000-8000-000000000001', 'live', true, now() - interval '1 day', now() + interval '1 day'),
  ('0f000000-0000-4000-8000-000000000002', 'expired', true, now() - interval '9 days', now() - interval '1 day'),
  ('0f000000-0000-4000-8000-000000000003', 'inactive', false, null, null),
  ('0f000000-0000-4000-8000-000000000004', 'future', true, now() + interval '1 day', null);
insert into public.reviews (id, target_type, target_id, user_id, rating, title, status) values
  ('e0000000-0000-4000-8000-000000000001', 'vehicle', 'c0000000-0000-4000-8000-000000000001', null, 5, 'ok', 'approved'),
  ('e0000000-0000-4000-8000-000000000002', 'vehicle', 'c0000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-00000000000a', 2, 'meh', 'pending');
update public.vehicles set price_current = 23995 where id = 'c0000000-0000-4000-8000-000000000001';
update public.vehicles set price_current = 22995 where id = 'c0000000-0000-4000-8000-000000000002';
insert into public.feature_flags (key, enabled, is_public) values ('test_public', true, true), ('test_private', true, false);
insert into public.locations (id, name, slug, address, city, state, is_active)
values ('10000000-0000-4000-8000-000000000002', 'Closed rooftop', 'closed-rooftop', 'x', 'Waco', 'TX', false);

-- ------------------------------------------------------------------ anon
select tests.act_as_anon();
select isnt_empty($$ select 1 from public.vehicles where id = 'c0000000-0000-4000-8000-000000000001' $$, 'anon: visible vehicle is listed');
select is_empty($$ select 1 from public.vehicles where id = 'c0000000-0000-4000-8000-000000000002' $$, 'anon: hidden vehicle is invisible');
select is_empty($$ select 1 from public.vehicles where not visible $$, 'anon: no hidden vehicle at all');
select is_empty($$ select 1 from public.vehicle_media where vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$, 'anon: media of hidden vehicle hidden');
select is_empty($$ select 1 from public.vehicle_specs where vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$, 'anon: specs of hidden vehicle hidden');
select is_empty($$ select 1 from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$, 'anon: price history of hidden vehicle hidden');
select isnt_empty($$ select 1 from public.vehicle_media where vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$, 'anon: media of visible vehicle readable');
select isnt_empty($$ select 1 from public.vehicle_specs where vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$, 'anon: specs of visible vehicle readable');
select results_eq($$ select price::numeric from public.price_history where vehicle_id = 'c0000000-0000-4000-8000-000000000001' order by recorded_at, price desc $$,
  $$ values (24995.00::numeric), (23995.00) $$, 'anon: price history of visible vehicle (initial + drop)');
select results_eq($$ select slug from public.blog_posts where slug like 'test-%' order by slug $$,
  $$ values ('test-published'), ('test-scheduled-due') $$, 'anon: published and due posts only (draft and future scheduled hidden)');
select results_eq($$ select title from public.offers where id::text like '0f000000%' $$,
  $$ values ('live') $$, 'anon: only active offers inside their window');
select results_eq($$ select id from public.reviews where target_id = 'c0000000-0000-4000-8000-000000000001' $$,
  $$ values ('e0000000-0000-4000-8000-000000000001'::uuid) $$, 'anon: approved reviews only');
select is_empty($$ select 1 from public.locations where slug = 'closed-rooftop' $$, 'anon: inactive location hidden');
select isnt_empty($$ select 1 from public.locations where slug = 'test-rooftop' $$, 'anon: active location listed');
select isnt_empty($$ select 1 from public.parts where active $$, 'anon: parts catalogue readable');
select is_empty($$ select 1 from public.parts where not active $$, 'anon: inactive parts hidden');
select isnt_empty($$ select 1 from public.part_categories $$, 'anon: part categories readable');
select is_empty($$ select 1 from public.service_packages where not active $$, 'anon: only active service packages');
select results_eq($$ select key from public.feature_flags where key like 'test_%' $$, $$ values ('test_public') $$,
  'anon: only public feature flags');
select isnt_empty($$ select 1 from public.site_config where key = 'theme' $$, 'anon: public site config readable');
select is_empty($$ select 1 from public.site_config where key = 'notifications' $$, 'anon: private site config hidden');
select throws_ok($$ select 1 from public.tradein_valuation_rules $$, '42501', null, 'anon: valuation rules are not public');
select isnt_empty($$ select 1 from public.tradein_estimate('Toyota', 'Camry', 2020, 50000, 4) where est_value_low < est_value_high $$,
  'anon: trade-in quick estimate works through the RPC');
select is_empty($$ select 1 from public.search_vehicle_ids('honda accord') s where s.vehicle_id = 'c0000000-0000-4000-8000-000000000002' $$,
  'anon: text search never returns a hidden vehicle');
select isnt_empty($$ select 1 from public.search_vehicle_ids('toyta camry') s where s.vehicle_id = 'c0000000-0000-4000-8000-000000000001' $$,
  'anon: fuzzy search finds "toyta camry"');
select ok((public.stats_summary() -> 'inventory' ->> 'total')::int > 0, 'anon: stats summary');
select isnt_empty($$ select * from public.service_slot_availability('10000000-0000-4000-8000-000000000001', current_date, current_date + 3) $$,
  'anon: slot availability without seeing appointments');
select throws_ok($$ insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, condition, price_current)
                    values ('1HGCY1F30PA000123', 'Honda', 'Civic', 2023, 'sedan', 'petrol', 'cvt', 'used', 1) $$,
  '42501', null, 'anon: cannot insert vehicles');
select throws_ok($$ update public.vehicles set price_current = 1 $$, '42501', null, 'anon: cannot update vehicles');
select throws_ok($$ insert into public.blog_posts (slug, title) values ('x', 'x') $$, '42501', null, 'anon: cannot write blog posts');
select tests.reset_role();

-- ------------------------------------------------------------------ customer
select tests.act_as('aaaaaaaa-0000-4000-8000-00000000000a');
select is_empty($$ select 1 from public.vehicles where not visible $$, 'customer: hidden vehicles invisible');
select results_eq($$ select id from public.reviews where target_id = 'c0000000-0000-4000-8000-000000000001' order by id $$,
  $$ values ('e0000000-0000-4000-8000-000000000001'::uuid), ('e0000000-0000-4000-8000-000000000002'::uuid) $$,
  'customer: approved reviews plus their own pending one');
select throws_ok($$ insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, condition, price_current)
                    values ('1HGCY1F30PA000123', 'Honda', 'Civic', 2023, 'sedan', 'petrol', 'cvt', 'used', 1) $$,
  '42501', null, 'customer: cannot insert vehicles (RLS)');
select is(tests.affected($$ update public.vehicles set price_current = 1 where id = 'c0000000-0000-4000-8000-000000000001' $$), 0,
  'customer: vehicle update affects 0 rows');
select is(tests.affected($$ delete from public.vehicles where id = 'c0000000-0000-4000-8000-000000000001' $$), 0,
  'customer: vehicle delete affects 0 rows');
select is(tests.affected($$ update public.offers set title = 'x' $$), 0, 'customer: cannot edit offers');
select is_empty($$ select 1 from public.tradein_valuation_rules $$, 'customer: valuation rules hidden');
select is_empty($$ select 1 from public.audit_log $$, 'customer: audit log hidden');
select tests.reset_role();

-- ------------------------------------------------------------------ staff
select tests.act_as('55555555-0000-4000-8000-000000000005');
select isnt_empty($$ select 1 from public.vehicles where id = 'c0000000-0000-4000-8000-000000000002' $$, 'staff: sees hidden vehicles');
select isnt_empty($$ select 1 from public.blog_posts where slug = 'test-draft' $$, 'staff: sees draft posts');
select is(tests.affected($$ update public.vehicles set visible = true where id = 'c0000000-0000-4000-8000-000000000002' $$), 1,
  'staff: publishes a vehicle');
select lives_ok($$ insert into public.vehicles (vin, make, model, year, body_type, fuel, transmission, condition, price_current)
                   values ('1HGCY1F39PA000124', 'Honda', 'Civic', 2023, 'sedan', 'petrol', 'cvt', 'used', 19995) $$,
  'staff: inserts a vehicle');
select is(tests.affected($$ delete from public.offers where id = '0f000000-0000-4000-8000-000000000003' $$), 1, 'staff: deletes an offer');
select throws_ok($$ insert into public.feature_flags (key) values ('staff_flag') $$, '42501', null,
  'staff: cannot create feature flags (admin only)');
select tests.reset_role();

-- ------------------------------------------------------------------ admin
select tests.act_as('adadadad-0000-4000-8000-0000000000ad');
select is(tests.affected($$ update public.site_config set value = '{"default":"en-US","supported":["en-US"]}' where key = 'locales' $$), 1,
  'admin: edits site config');
select isnt_empty($$ select 1 from public.audit_log where resource_table = 'vehicles' $$, 'admin: reads the audit log');
select tests.reset_role();

select * from finish();
rollback;
