-- =============================================================================
-- Forecourt demo seed (LOCAL / DEMO ONLY)
-- =============================================================================
-- Loaded after the migrations (`forecourt migrate --seed`, `supabase db reset`).
-- Deterministic: every row derives from its ordinal through hash functions;
-- only timestamps are relative to now() so the demo always looks current.
-- Safe to run once on a fresh database; re-running skips existing rows.
--
-- Demo accounts (password for all: forecourt-demo) — never use on a real
-- deployment:
--   admin@forecourt.local      admin
--   staff@forecourt.local      staff
--   customer@forecourt.local   customer (has saved cars, an application, a
--                              trade-in, a booking, an order, notifications)
--   customer2@forecourt.local  customer (a draft application, a saved car)
--   demo.customer01..20@forecourt.local  customers who wrote reviews
-- =============================================================================

-- Side-effect triggers (price history, outbox events, audit log) stay quiet
-- for the whole seed session; the seed writes history itself.
select set_config('forecourt.bulk_load', 'on', false);

-- -----------------------------------------------------------------------------
-- Locations: 25 rooftops in real US cities (street addresses and 555-01xx
-- phone numbers are fictional).
-- -----------------------------------------------------------------------------
insert into public.locations (name, slug, address, city, state, postal_code, country, lat, lng, phone, whatsapp,
                              email, timezone, hours_json)
select 'Forecourt Motors ' || c.city,
       lower(regexp_replace(c.city, '[^A-Za-z]+', '-', 'g')) || '-' || lower(c.state),
       (1200 + c.i * 37) || ' ' || (array['Auto Row Blvd', 'Motor Pkwy', 'Commerce St', 'Dealer Dr', 'Gateway Ave'])[1 + c.i % 5],
       c.city, c.state, c.zip, 'US', c.lat, c.lng,
       '+1 ' || c.area || '-555-01' || lpad(c.i::text, 2, '0'),
       case when c.i % 3 = 0 then '+1 ' || c.area || '-555-01' || lpad((c.i + 50)::text, 2, '0') end,
       lower(regexp_replace(c.city, '[^A-Za-z]+', '', 'g')) || '@forecourt.local',
       c.tz,
       jsonb_build_object(
         'sales', jsonb_build_object(
           'mon', jsonb_build_array(jsonb_build_array('09:00', '20:00')),
           'tue', jsonb_build_array(jsonb_build_array('09:00', '20:00')),
           'wed', jsonb_build_array(jsonb_build_array('09:00', '20:00')),
           'thu', jsonb_build_array(jsonb_build_array('09:00', '20:00')),
           'fri', jsonb_build_array(jsonb_build_array('09:00', '20:00')),
           'sat', jsonb_build_array(jsonb_build_array('09:00', '18:00')),
           'sun', case when c.i % 4 = 0 then '[]'::jsonb else jsonb_build_array(jsonb_build_array('11:00', '17:00')) end),
         'service', jsonb_build_object(
           'mon', jsonb_build_array(jsonb_build_array('07:30', '18:00')),
           'tue', jsonb_build_array(jsonb_build_array('07:30', '18:00')),
           'wed', jsonb_build_array(jsonb_build_array('07:30', '18:00')),
           'thu', jsonb_build_array(jsonb_build_array('07:30', '18:00')),
           'fri', jsonb_build_array(jsonb_build_array('07:30', '18:00')),
           'sat', jsonb_build_array(jsonb_build_array('08:00', '14:00')),
           'sun', '[]'::jsonb))
from (values
  (1, 'Austin', 'TX', '78701', 30.2672, -97.7431, '512', 'America/Chicago'),
  (2, 'Dallas', 'TX', '75201', 32.7767, -96.7970, '214', 'America/Chicago'),
  (3, 'Houston', 'TX', '77002', 29.7604, -95.3698, '713', 'America/Chicago'),
  (4, 'San Antonio', 'TX', '78205', 29.4241, -98.4936, '210', 'America/Chicago'),
  (5, 'Phoenix', 'AZ', '85004', 33.4484, -112.0740, '602', 'America/Phoenix'),
  (6, 'Denver', 'CO', '80202', 39.7392, -104.9903, '303', 'America/Denver'),
  (7, 'Salt Lake City', 'UT', '84101', 40.7608, -111.8910, '801', 'America/Denver'),
  (8, 'Las Vegas', 'NV', '89101', 36.1699, -115.1398, '702', 'America/Los_Angeles'),
  (9, 'Los Angeles', 'CA', '90012', 34.0522, -118.2437, '213', 'America/Los_Angeles'),
  (10, 'San Diego', 'CA', '92101', 32.7157, -117.1611, '619', 'America/Los_Angeles'),
  (11, 'San Jose', 'CA', '95113', 37.3382, -121.8863, '408', 'America/Los_Angeles'),
  (12, 'Sacramento', 'CA', '95814', 38.5816, -121.4944, '916', 'America/Los_Angeles'),
  (13, 'Portland', 'OR', '97204', 45.5152, -122.6784, '503', 'America/Los_Angeles'),
  (14, 'Seattle', 'WA', '98104', 47.6062, -122.3321, '206', 'America/Los_Angeles'),
  (15, 'Chicago', 'IL', '60602', 41.8781, -87.6298, '312', 'America/Chicago'),
  (16, 'Minneapolis', 'MN', '55401', 44.9778, -93.2650, '612', 'America/Chicago'),
  (17, 'Kansas City', 'MO', '64105', 39.0997, -94.5786, '816', 'America/Chicago'),
  (18, 'Nashville', 'TN', '37201', 36.1627, -86.7816, '615', 'America/Chicago'),
  (19, 'Atlanta', 'GA', '30303', 33.7490, -84.3880, '404', 'America/New_York'),
  (20, 'Charlotte', 'NC', '28202', 35.2271, -80.8431, '704', 'America/New_York'),
  (21, 'Orlando', 'FL', '32801', 28.5383, -81.3792, '407', 'America/New_York'),
  (22, 'Miami', 'FL', '33130', 25.7617, -80.1918, '305', 'America/New_York'),
  (23, 'Columbus', 'OH', '43215', 39.9612, -82.9988, '614', 'America/New_York'),
  (24, 'Philadelphia', 'PA', '19107', 39.9526, -75.1652, '215', 'America/New_York'),
  (25, 'Boston', 'MA', '02108', 42.3601, -71.0589, '617', 'America/New_York')
) as c (i, city, state, zip, lat, lng, area, tz)
on conflict (slug) do nothing;

-- -----------------------------------------------------------------------------
-- Demo users (GoTrue-shaped rows; bcrypt cost 10 like GoTrue). The profile
-- and notification preferences rows come from the on_auth_user_created
-- trigger; roles are promoted afterwards.
-- -----------------------------------------------------------------------------
with pw as (
  select extensions.crypt('forecourt-demo', extensions.gen_salt('bf', 10)) as hash
), people (id, email, full_name) as (
  values
    ('00000000-0000-4000-a000-000000000001'::uuid, 'admin@forecourt.local', 'Avery Admin'),
    ('00000000-0000-4000-a000-000000000002'::uuid, 'staff@forecourt.local', 'Sam Staff'),
    ('00000000-0000-4000-a000-000000000003'::uuid, 'customer@forecourt.local', 'Casey Customer'),
    ('00000000-0000-4000-a000-000000000004'::uuid, 'customer2@forecourt.local', 'Jordan Second')
  union all
  select ('00000000-0000-4000-a000-0000000001' || lpad(g::text, 2, '0'))::uuid,
         'demo.customer' || lpad(g::text, 2, '0') || '@forecourt.local',
         (array['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Mateo', 'Isabella', 'Lucas'])[1 + g % 10]
           || ' ' ||
         (array['Johnson', 'Garcia', 'Nguyen', 'Patel', 'Smith', 'Martinez', 'Kim', 'Brown', 'Lopez', 'Wilson', 'Davis'])[1 + (g * 7) % 11]
  from generate_series(1, 20) g
)
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change,
                        raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at,
                        last_sign_in_at)
select '00000000-0000-0000-0000-000000000000', p.id, 'authenticated', 'authenticated', p.email, pw.hash,
       now() - interval '200 days', '', '', '', '',
       '{"provider":"email","providers":["email"]}'::jsonb,
       jsonb_build_object('full_name', p.full_name),
       false, now() - interval '200 days', now() - interval '200 days', now() - interval '1 day'
from people p, pw
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', u.last_sign_in_at, u.created_at, u.updated_at
from auth.users u
where u.email like '%@forecourt.local'
on conflict (provider_id, provider) do nothing;

update public.profiles set role = 'admin', phone = '+1 512-555-0100' where id = '00000000-0000-4000-a000-000000000001';
update public.profiles set role = 'staff', phone = '+1 512-555-0101' where id = '00000000-0000-4000-a000-000000000002';
update public.profiles set phone = '+1 512-555-0142', marketing_opt_in = true where id = '00000000-0000-4000-a000-000000000003';
update public.notification_preferences set sms_enabled = true, new_specials = true
where user_id = '00000000-0000-4000-a000-000000000003';

-- -----------------------------------------------------------------------------
-- Inventory: 1,000 deterministic vehicles (same generator as the scale seed)
-- -----------------------------------------------------------------------------
select private.seed_vehicles(1, 1000);

-- Descriptions for the demo inventory (scale seeds leave them empty).
update public.vehicles v
set description = format('%s %s with %s miles. %s exterior, %s interior, %s %s. %s',
      case v.condition when 'new' then 'Brand-new' when 'cpo' then 'Certified pre-owned' else 'Pre-owned' end,
      v.title, to_char(v.mileage, 'FM999,999'), v.color_ext_name, v.color_int,
      replace(v.drivetrain, '4wd', '4x4'), replace(v.transmission, '_', '-'),
      (array['Clean history and ready for a test drive.',
             'Fresh service, new wipers and a full detail.',
             'One of our most popular models this season.',
             'Priced below market; ask about financing specials.',
             'Includes a 150-point inspection report.'])[1 + (hashtext(v.id::text) & 2147483647) % 5])
where v.description is null and v.stock_no between 'FC00000001' and 'FC00001000';

-- Curated homepage: 12 featured cars, a mix of conditions.
with pick as (
  select v.id, row_number() over (order by v.condition, v.stock_no) as pos
  from (select v.*, row_number() over (partition by v.condition order by v.stock_no) as rn
        from public.vehicles v
        where v.visible and v.stock_no between 'FC00000001' and 'FC00001000') v
  where v.rn <= 4
)
update public.vehicles v set is_featured = true, featured_position = p.pos
from pick p where p.id = v.id and not v.is_featured;

-- Daily view counters for the last 7 days (nudges: "12 people viewed this").
insert into public.vehicle_views (vehicle_id, day, views, unique_visitors)
select v.id, current_date - d,
       1 + (hashtext(v.id::text || d) & 2147483647) % 40,
       1 + (hashtext(v.id::text || d) & 2147483647) % 25
from public.vehicles v
cross join generate_series(0, 6) d
where v.visible and (hashtext(v.id::text) & 3) = 0 and v.stock_no <= 'FC00001000'
on conflict do nothing;

-- -----------------------------------------------------------------------------
-- Service packages (tiers) and bookable slots for the next 45 days
-- -----------------------------------------------------------------------------
insert into public.service_packages (slug, title, description, tier, price, duration_min, included_items, position)
values
  ('essential-oil-change', 'Essential Oil Change', 'Conventional or synthetic-blend oil, filter and a multi-point check.',
   'basic', 59.95, 30, '["Oil and filter","Fluid top-off","Tire pressure check","Multi-point inspection"]', 1),
  ('synthetic-oil-change', 'Full Synthetic Oil Change', 'Full synthetic oil for modern engines, with tire rotation.',
   'standard', 99.95, 45, '["Full synthetic oil","Filter","Tire rotation","Multi-point inspection"]', 2),
  ('brake-service', 'Brake Service', 'Pads, rotor resurfacing and a brake fluid check on one axle.',
   'standard', 249.95, 120, '["Brake pads (one axle)","Rotor resurfacing","Caliper inspection","Brake fluid check"]', 3),
  ('tire-rotation-balance', 'Tire Rotation & Balance', 'Rotate and balance all four wheels.',
   'basic', 49.95, 45, '["Rotation","Balancing","Tread depth report"]', 4),
  ('30k-mile-service', '30,000-Mile Service', 'Manufacturer-recommended maintenance at 30k miles.',
   'premium', 399.95, 180, '["Synthetic oil","Cabin and engine air filters","Brake inspection","Coolant check","Battery test"]', 5),
  ('60k-mile-service', '60,000-Mile Service', 'Major maintenance including spark plugs and fluids.',
   'premium', 649.95, 240, '["Spark plugs","Transmission fluid","Coolant flush","Brake fluid flush","Full inspection"]', 6),
  ('ev-health-check', 'EV Battery Health Check', 'State-of-health report, thermal system and charging port inspection.',
   'standard', 129.95, 60, '["Battery state of health","Coolant loop check","Charge port inspection","Software update check"]', 7),
  ('premium-detail', 'Premium Detail', 'Hand wash, clay bar, wax and full interior shampoo.',
   'premium', 229.95, 240, '["Hand wash","Clay bar and wax","Interior shampoo","Leather conditioning"]', 8)
on conflict (slug) do nothing;

insert into public.service_availability (location_id, kind, service_date, start_time, end_time, capacity)
select l.id, s.kind, d::date, make_time(h, 0, 0), make_time(h + 1, 0, 0),
       case when s.kind = 'service' then 3 + (hashtext(l.slug || h) & 3) else 2 end
from public.locations l
cross join generate_series(current_date + 1, current_date + 45, interval '1 day') d
cross join (values ('service'), ('test_drive')) as s (kind)
cross join generate_series(8, 18) h
where (s.kind = 'service' and extract(isodow from d) between 1 and 5 and h between 8 and 16)
   or (s.kind = 'service' and extract(isodow from d) = 6 and h between 8 and 12)
   or (s.kind = 'test_drive' and extract(isodow from d) between 1 and 6 and h between 10 and 18)
   or (s.kind = 'test_drive' and extract(isodow from d) = 7 and h between 12 and 16
       and (l.hours_json -> 'sales' -> 'sun') <> '[]'::jsonb)
on conflict do nothing;

-- -----------------------------------------------------------------------------
-- Parts: 8 top-level categories, 18 sub-categories, 216 parts
-- -----------------------------------------------------------------------------
insert into public.part_categories (name, slug, position)
select name, slug, pos from (values
  ('Engine & Filters', 'engine-filters', 1), ('Brakes', 'brakes', 2), ('Tires & Wheels', 'tires-wheels', 3),
  ('Batteries & Electrical', 'batteries-electrical', 4), ('Wipers & Exterior', 'wipers-exterior', 5),
  ('Interior & Accessories', 'interior-accessories', 6), ('Fluids & Care', 'fluids-care', 7),
  ('EV Charging', 'ev-charging', 8)
) as c (name, slug, pos)
on conflict (slug) do nothing;

insert into public.part_categories (name, slug, parent_id, position)
select c.name, c.slug, p.id, c.pos
from (values
  ('Oil Filters', 'oil-filters', 'engine-filters', 1), ('Air Filters', 'air-filters', 'engine-filters', 2),
  ('Spark Plugs', 'spark-plugs', 'engine-filters', 3), ('Brake Pads', 'brake-pads', 'brakes', 1),
  ('Brake Rotors', 'brake-rotors', 'brakes', 2), ('All-Season Tires', 'all-season-tires', 'tires-wheels', 1),
  ('Winter Tires', 'winter-tires', 'tires-wheels', 2), ('Batteries', 'batteries', 'batteries-electrical', 1),
  ('Bulbs & Lighting', 'bulbs-lighting', 'batteries-electrical', 2), ('Wiper Blades', 'wiper-blades', 'wipers-exterior', 1),
  ('Roof Racks', 'roof-racks', 'wipers-exterior', 2), ('Floor Mats', 'floor-mats', 'interior-accessories', 1),
  ('Cargo Organizers', 'cargo-organizers', 'interior-accessories', 2), ('Phone Mounts', 'phone-mounts', 'interior-accessories', 3),
  ('Motor Oil', 'motor-oil', 'fluids-care', 1), ('Detailing Kits', 'detailing-kits', 'fluids-care', 2),
  ('Home Chargers', 'home-chargers', 'ev-charging', 1), ('Charging Cables', 'charging-cables', 'ev-charging', 2)
) as c (name, slug, parent_slug, pos)
join public.part_categories p on p.slug = c.parent_slug
on conflict (slug) do nothing;

with spec (slug, code, names, price_lo, price_hi, universal) as (
  values
    ('oil-filters', 'OF', array['Premium Oil Filter', 'Synthetic Oil Filter', 'High-Mileage Oil Filter'], 8, 25, false),
    ('air-filters', 'AF', array['Engine Air Filter', 'Cabin Air Filter', 'HEPA Cabin Filter'], 15, 45, false),
    ('spark-plugs', 'SP', array['Iridium Spark Plug Set', 'Platinum Spark Plug Set'], 30, 90, false),
    ('brake-pads', 'BP', array['Ceramic Front Brake Pads', 'Ceramic Rear Brake Pads', 'Performance Brake Pads'], 45, 160, false),
    ('brake-rotors', 'BR', array['Front Brake Rotor', 'Rear Brake Rotor', 'Slotted Performance Rotor'], 60, 220, false),
    ('all-season-tires', 'TA', array['Touring All-Season Tire', 'Grand Touring All-Season Tire', 'All-Terrain Tire'], 120, 320, true),
    ('winter-tires', 'TW', array['Studless Winter Tire', 'Performance Winter Tire'], 130, 340, true),
    ('batteries', 'BT', array['AGM Battery', 'Standard Flooded Battery', 'Start-Stop AGM Battery'], 120, 280, false),
    ('bulbs-lighting', 'BL', array['LED Headlight Bulb Pair', 'Halogen Headlight Bulb Pair', 'LED Interior Light Kit'], 15, 120, false),
    ('wiper-blades', 'WB', array['Beam Wiper Blade Set', 'Winter Wiper Blade Set', 'Rear Wiper Blade'], 18, 60, false),
    ('roof-racks', 'RR', array['Aero Roof Crossbars', 'Roof Cargo Box 16 cu ft', 'Bike Carrier'], 180, 750, false),
    ('floor-mats', 'FM', array['All-Weather Floor Liners', 'Carpet Floor Mats', 'Cargo Area Liner'], 60, 220, false),
    ('cargo-organizers', 'CO', array['Collapsible Cargo Organizer', 'Cargo Net', 'Trunk Storage Bin'], 20, 80, true),
    ('phone-mounts', 'PM', array['MagSafe Vent Mount', 'Dash Phone Mount', 'Wireless Charging Mount'], 20, 70, true),
    ('motor-oil', 'MO', array['0W-20 Full Synthetic Oil 5 qt', '5W-30 Full Synthetic Oil 5 qt', '5W-30 High-Mileage Oil 5 qt'], 28, 48, true),
    ('detailing-kits', 'DK', array['Ceramic Spray Sealant Kit', 'Interior Detailing Kit', 'Wash & Wax Bundle'], 25, 90, true),
    ('home-chargers', 'HC', array['Level 2 Home Charger 48A', 'Level 2 Home Charger 40A'], 450, 750, true),
    ('charging-cables', 'CC', array['J1772 Extension Cable 20 ft', 'NACS to J1772 Adapter', 'Portable Level 1 Charger'], 60, 300, true)
), numbered as (
  select s.*, c.id as category_id, row_number() over (order by s.slug) as ci from spec s
  join public.part_categories c on c.slug = s.slug
), makes as (
  select array['Toyota', 'Honda', 'Ford', 'Chevrolet', 'Nissan', 'Hyundai', 'Kia', 'Subaru', 'Jeep', 'BMW', 'Tesla', 'Mazda'] as m
)
insert into public.parts (sku, name, description, price, stock, category_id, media, compatible_makes, active)
select 'FC-' || n.code || '-' || lpad(g::text, 4, '0'),
       n.names[1 + (g % cardinality(n.names))] ||
         case when n.universal then '' else ' for ' || mk.m[1 + ((hashint4(g * 31 + n.ci::int) & 2147483647) % 12)] end,
       'Genuine-quality replacement part. ' ||
         case when n.universal then 'Fits most vehicles; check size before ordering.'
              else 'Check fitment against your VIN at checkout.' end,
       floor(n.price_lo + ((hashint4(g * 17 + n.ci::int) & 2147483647) % ((n.price_hi - n.price_lo) * 100)) / 100.0) + 0.99,
       (hashint4(g * 13 + n.ci::int) & 2147483647) % 120,
       n.category_id,
       jsonb_build_array('parts-media/FC-' || n.code || '-' || lpad(g::text, 4, '0') || '/1.jpg'),
       case when n.universal then '[]'::jsonb
            else jsonb_build_array(mk.m[1 + ((hashint4(g * 31 + n.ci::int) & 2147483647) % 12)]) end,
       g % 37 <> 0
from numbered n
cross join makes mk
cross join generate_series(1, 12) g
on conflict (sku) do nothing;

-- -----------------------------------------------------------------------------
-- Trade-in valuation: one rule per catalog model, make- and body-level
-- fallbacks, and a market index.
-- -----------------------------------------------------------------------------
insert into public.tradein_valuation_rules (make, model, body_type, year_min, year_max, base_value,
                                            annual_depreciation, mileage_penalty_per_1000, spread_pct, priority)
select c.make, c.model, null, c.first_year, 2100, round(c.base_msrp * 0.82, -2),
       case when c.make in ('Toyota', 'Honda', 'Subaru', 'Lexus') then 0.10
            when c.model in ('Wrangler', 'Tacoma', 'Bronco', '4Runner') then 0.08
            when 'electric' = any (c.fuels) then 0.17
            when c.make in ('BMW', 'Mercedes-Benz', 'Audi') then 0.15
            else 0.13 end,
       case when c.body_type = 'truck' then 45 else 60 end,
       0.06, 10
from private.seed_catalog c
where not exists (select 1 from public.tradein_valuation_rules);

insert into public.tradein_valuation_rules (make, model, body_type, year_min, year_max, base_value,
                                            annual_depreciation, mileage_penalty_per_1000, spread_pct, priority)
select null, null, b.body_type, 1981, 2100, b.base, b.dep, 60, 0.09, 0
from (values ('sedan', 24000, 0.14), ('suv', 32000, 0.13), ('truck', 38000, 0.11), ('coupe', 30000, 0.14),
             ('convertible', 30000, 0.14), ('hatchback', 22000, 0.15), ('wagon', 28000, 0.13), ('van', 40000, 0.15),
             ('minivan', 34000, 0.14)) as b (body_type, base, dep)
where not exists (select 1 from public.tradein_valuation_rules where make is null);

insert into public.market_index (segment, make, index_value, effective_from, source, notes)
values
  ('all', null, 1.0000, current_date - 180, 'demo', 'Neutral baseline'),
  ('all', null, 0.9850, current_date - 30, 'demo', 'Seasonal softening'),
  ('truck', null, 1.0400, current_date - 30, 'demo', 'Pickup demand'),
  ('suv', null, 1.0150, current_date - 30, 'demo', null),
  ('sedan', null, 0.9700, current_date - 30, 'demo', null),
  ('all', 'Tesla', 0.9200, current_date - 30, 'demo', 'EV price cuts'),
  ('all', 'Toyota', 1.0300, current_date - 30, 'demo', 'Strong resale')
on conflict do nothing;

-- -----------------------------------------------------------------------------
-- Offers and campaigns
-- -----------------------------------------------------------------------------
insert into public.offers (title, description, kind, starts_at, ends_at, terms_md, active, location_id, image_path, position)
select o.title, o.description, o.kind, now() + o.start_off, now() + o.end_off, o.terms, o.active,
       case when o.loc_slug is not null then (select l.id from public.locations l where l.slug = o.loc_slug) end,
       'blog-hero/offers/' || o.slug || '.jpg', o.pos
from (values
  ('1.9% APR on select new SUVs', 'Finance a new SUV at 1.9% APR for up to 60 months.', 'finance',
   interval '-10 days', interval '50 days', 'With approved credit. 60 monthly payments of $17.48 per $1,000 financed. Not all buyers qualify.', true, null, 'apr-suv', 1),
  ('$1,000 trade-in bonus', 'Get $1,000 above your appraisal when you trade in toward any CPO vehicle.', 'trade_in',
   interval '-5 days', interval '25 days', 'Bonus applies to trade-ins 2012 and newer. One per household.', true, null, 'tradein-bonus', 2),
  ('Free first oil change', 'Your first synthetic oil change is on us with every pre-owned purchase.', 'service',
   interval '-60 days', null, 'Valid within 6 months of purchase at any Forecourt location.', true, null, 'free-oil', 3),
  ('15% off brake service', 'Save on pads and rotors this month.', 'service',
   interval '-3 days', interval '27 days', 'Parts and labour. Cannot be combined with other service offers.', true, 'austin-tx', 'brakes-15', 4),
  ('Lease a new sedan from $299/mo', 'Low monthly payments on popular sedans.', 'lease',
   interval '-1 day', interval '40 days', '36 months, 10,000 miles/year, $2,999 due at signing. Tax, title and fees extra.', true, null, 'lease-sedan', 5),
  ('Winter tire package', '4 winter tires, mounting and balancing.', 'parts',
   interval '10 days', interval '100 days', 'Starts soon. While supplies last.', true, 'denver-co', 'winter-tires', 6),
  ('Summer clearance', 'Last summer''s clearance event.', 'sales',
   interval '-200 days', interval '-150 days', 'Expired offer kept for history.', true, null, 'summer-clearance', 7),
  ('Employee pricing weekend', 'Drafted by marketing, not switched on yet.', 'sales',
   interval '20 days', interval '23 days', 'Draft.', false, null, 'employee-pricing', 8)
) as o (title, description, kind, start_off, end_off, terms, active, loc_slug, slug, pos)
where not exists (select 1 from public.offers);

insert into public.campaigns (slug, title, description, kind, starts_at, ends_at, active, max_vouchers, voucher_value,
                              voucher_days, terms_md)
values
  ('test-drive-2026', 'Test-drive and get a $25 gift card', 'Book and complete a test drive to receive a $25 gift card.',
   'test_drive_voucher', now() - interval '30 days', now() + interval '60 days', true, 500, 25, 30,
   'One voucher per customer. Redeem at the dealership after the test drive.'),
  ('spring-service', 'Spring service voucher', '$20 off any service package over $99.',
   'service_voucher', now() - interval '10 days', now() + interval '50 days', true, null, 20, 45,
   'Valid on packages over $99.95. One per customer.'),
  ('refer-a-friend', 'Refer a friend', 'Earn 500 reward points when a friend buys.',
   'referral', now() - interval '100 days', null, true, null, 0, 90, 'Points credited after delivery.')
on conflict (slug) do nothing;

-- -----------------------------------------------------------------------------
-- Badges, rewards
-- -----------------------------------------------------------------------------
insert into public.badges (code, name, description, scope, icon_path, points, criteria, position)
values
  ('first_test_drive', 'First Test Drive', 'Completed your first test drive.', 'user', 'badges/test-drive.svg', 100,
   '{"event":"booking_completed","service_type":"test_drive","count":1}', 1),
  ('reviewer', 'Trusted Reviewer', 'Wrote 3 approved reviews.', 'user', 'badges/reviewer.svg', 150,
   '{"event":"review_approved","count":3}', 2),
  ('loyal_customer', 'Loyal Customer', 'Five service visits with us.', 'user', 'badges/loyal.svg', 300,
   '{"event":"booking_completed","count":5}', 3),
  ('early_bird', 'Early Bird', 'Booked a service before 9 am.', 'user', 'badges/early-bird.svg', 50, '{}', 4),
  ('price_match', 'Price Match Promise', 'We match any local advertised price on the same vehicle.', 'dealership',
   'badges/price-match.svg', 0, '{}', 1),
  ('inspection_150', '150-Point Inspection', 'Every pre-owned car passes a 150-point inspection.', 'dealership',
   'badges/inspection.svg', 0, '{}', 2),
  ('one_owner', 'One Owner', 'Single previous owner.', 'vehicle', 'badges/one-owner.svg', 0, '{"spec":"owners","equals":1}', 1),
  ('no_accidents', 'No Accidents Reported', 'Clean history report.', 'vehicle', 'badges/no-accidents.svg', 0,
   '{"spec":"accident_free","equals":true}', 2),
  ('great_deal', 'Great Deal', 'Priced well below market.', 'vehicle', 'badges/great-deal.svg', 0, '{"price_vs_market_pct":-5}', 3)
on conflict (code) do nothing;

insert into public.user_badges (user_id, badge_id, awarded_at, awarded_by)
select '00000000-0000-4000-a000-000000000003', b.id, now() - interval '20 days', '00000000-0000-4000-a000-000000000002'
from public.badges b where b.code in ('first_test_drive', 'early_bird')
on conflict do nothing;

insert into public.rewards (user_id, points, reason, created_by, created_at)
select '00000000-0000-4000-a000-000000000003', r.points, r.reason, '00000000-0000-4000-a000-000000000002', now() - r.ago
from (values (100, 'First test drive', interval '20 days'), (50, 'Early bird booking', interval '18 days'),
             (250, 'Service visit', interval '9 days'), (-150, 'Redeemed: car wash', interval '2 days')) as r (points, reason, ago)
where not exists (select 1 from public.rewards);

-- -----------------------------------------------------------------------------
-- Reviews: ~600 vehicle and dealership reviews, mostly approved
-- -----------------------------------------------------------------------------
with vehicles as (
  select v.id, row_number() over (order by v.stock_no) as rn
  from public.vehicles v where v.visible and v.stock_no <= 'FC00001000'
), locs as (
  select l.id, row_number() over (order by l.slug) as rn from public.locations l
), txt as (
  select array['Great buying experience', 'Smooth and fast', 'Love my new car', 'Fair price, no pressure',
               'Service was excellent', 'Could be quicker', 'Honest team', 'Would buy again',
               'Paperwork took a while', 'Exactly as described'] as titles,
         array['The team answered every question and the car was spotless at delivery.',
               'Financing was sorted in under an hour. Very transparent about fees.',
               'Test drive was easy to book online and the car matched the photos.',
               'Trade-in offer was fair and they honoured the online estimate.',
               'Service advisor kept me updated by text the whole day.',
               'Waited longer than expected for the final paperwork, but staff were friendly.',
               'No pushy upsells, they respected my budget.',
               'Second car from Forecourt; the CPO warranty gives real peace of mind.'] as bodies,
         array['Alex P.', 'Maria G.', 'Chris T.', 'Priya S.', 'Daniel K.', 'Hannah L.', 'Marcus W.', 'Sofia R.',
               'Ethan B.', 'Grace H.'] as names
)
insert into public.reviews (target_type, target_id, user_id, rating, title, body, author_name, status,
                            moderated_by, moderated_at, created_at, updated_at)
select case when g % 3 = 0 then 'dealership'::public.review_target else 'vehicle'::public.review_target end,
       case when g % 3 = 0 then (select l.id from locs l where l.rn = 1 + g % 25)
            else (select v.id from vehicles v where v.rn = 1 + (hashint4(g) & 2147483647) % 900) end,
       case when g <= 20 then ('00000000-0000-4000-a000-0000000001' || lpad(g::text, 2, '0'))::uuid end,
       (array[5, 5, 5, 4, 5, 4, 4, 5, 3, 5, 2, 4, 5, 1, 5])[1 + (hashint4(g * 7) & 2147483647) % 15],
       t.titles[1 + g % 10], t.bodies[1 + (g * 3) % 8], t.names[1 + (g * 7) % 10],
       s.status,
       case when s.status <> 'pending' then '00000000-0000-4000-a000-000000000002'::uuid end,
       case when s.status <> 'pending' then now() - make_interval(days => g % 300) + interval '1 day' end,
       now() - make_interval(days => g % 300), now() - make_interval(days => g % 300)
from generate_series(1, 600) g
cross join txt t
cross join lateral (select case when g % 20 = 7 then 'rejected'::public.review_status
                                when g % 10 = 3 then 'pending'::public.review_status
                                else 'approved'::public.review_status end as status) s
where not exists (select 1 from public.reviews);

-- -----------------------------------------------------------------------------
-- Blog: 18 published, 3 scheduled, 3 drafts
-- -----------------------------------------------------------------------------
insert into public.blog_posts (slug, title, excerpt, body_md, hero_path, author_id, status, published_at, categories, tags,
                               created_at, updated_at)
select b.slug, b.title, b.excerpt,
       '# ' || b.title || E'\n\n' || b.excerpt || E'\n\n## What to know\n\n' ||
       repeat('Shopping for a car is easier with a plan. Compare total cost, not just the monthly payment, '
              'and book a test drive on the roads you use every day. ', 6) ||
       E'\n\n## Our advice\n\n- Check the vehicle history report\n- Get pre-approved before you visit\n'
       '- Ask about certified pre-owned warranties\n\n*The Forecourt team*',
       'blog-hero/' || b.slug || '/hero.jpg',
       case when b.n % 2 = 0 then '00000000-0000-4000-a000-000000000002'::uuid
            else '00000000-0000-4000-a000-000000000001'::uuid end,
       b.status::public.blog_status,
       case b.status when 'published' then now() - make_interval(days => (25 * (19 - b.n))::int)
                     when 'scheduled' then now() + make_interval(days => (7 * (b.n - 18))::int) end,
       b.categories, b.tags,
       now() - make_interval(days => (25 * (19 - least(b.n, 18)) + 3)::int), now() - make_interval(days => 2)
from (
  select row_number() over () as n, v.*,
         case when row_number() over () <= 18 then 'published'
              when row_number() over () <= 21 then 'scheduled' else 'draft' end as status
  from (values
    ('how-to-choose-your-first-suv', 'How to choose your first SUV', 'Size, drivetrain and budget: a simple checklist.', array['Buying Guides'], array['suv', 'first-car']),
    ('new-vs-certified-pre-owned', 'New vs certified pre-owned: which is right for you?', 'Warranty, depreciation and price compared.', array['Buying Guides'], array['cpo', 'new']),
    ('understanding-apr', 'Understanding APR and loan terms', 'Why a longer term can cost you more.', array['Financing'], array['apr', 'loans']),
    ('trade-in-value-tips', '7 ways to boost your trade-in value', 'Small fixes that pay off at appraisal time.', array['Financing', 'Buying Guides'], array['trade-in']),
    ('ev-charging-at-home', 'EV charging at home, explained', 'Level 1, Level 2 and what your panel needs.', array['Electric Vehicles'], array['ev', 'charging']),
    ('winter-driving-checklist', 'Your winter driving checklist', 'Tires, batteries and wipers before the first snow.', array['Maintenance'], array['winter', 'safety']),
    ('oil-change-intervals', 'How often do you really need an oil change?', 'Synthetic oil changed the rules.', array['Maintenance'], array['oil', 'service']),
    ('hybrid-vs-plugin', 'Hybrid or plug-in hybrid?', 'Which one fits your commute.', array['Electric Vehicles'], array['hybrid', 'phev']),
    ('best-family-minivans', 'The best family minivans this year', 'Sienna, Odyssey and Pacifica side by side.', array['Reviews'], array['minivan', 'family']),
    ('truck-towing-guide', 'A beginner''s guide to towing', 'Payload, tongue weight and hitches.', array['Buying Guides'], array['truck', 'towing']),
    ('credit-score-and-car-loans', 'How your credit score affects your car loan', 'What lenders look at and how to prepare.', array['Financing'], array['credit']),
    ('tire-tread-depth', 'Checking tire tread depth with a penny', 'A two-minute safety check.', array['Maintenance'], array['tires', 'safety']),
    ('ev-range-in-cold-weather', 'EV range in cold weather', 'What to expect and how to keep range up.', array['Electric Vehicles'], array['ev', 'winter']),
    ('leasing-vs-buying', 'Leasing vs buying in 2026', 'Run the numbers before you sign.', array['Financing'], array['lease']),
    ('new-location-nashville', 'We opened in Nashville!', 'Our newest rooftop is open seven days a week.', array['News'], array['locations']),
    ('compact-suv-comparison', 'Compact SUV comparison: RAV4, CR-V, Tucson', 'Three bestsellers head to head.', array['Reviews'], array['suv', 'comparison']),
    ('what-is-a-vin', 'What your VIN tells you', 'Decode the 17 characters on your dashboard.', array['Buying Guides'], array['vin']),
    ('service-packages-explained', 'Our service packages explained', 'Basic, standard or premium: what you get.', array['Maintenance'], array['service']),
    ('spring-sales-event-preview', 'Spring sales event preview', 'A look at next month''s offers.', array['News'], array['offers']),
    ('ev-tax-credits-update', 'EV tax credits: what changes next year', 'Scheduled for publication.', array['Electric Vehicles', 'News'], array['ev', 'tax']),
    ('road-trip-prep', 'Road-trip prep in 10 minutes', 'Scheduled for publication.', array['Maintenance'], array['travel']),
    ('draft-holiday-hours', 'Holiday opening hours', 'Draft: waiting for confirmation from all locations.', array['News'], array['hours']),
    ('draft-awd-vs-4wd', 'AWD vs 4WD', 'Draft.', array['Buying Guides'], array['awd', '4wd']),
    ('draft-cpo-checklist', 'Our CPO checklist, item by item', 'Draft.', array['Buying Guides'], array['cpo'])
  ) as v (slug, title, excerpt, categories, tags)
) b
on conflict (slug) do nothing;

-- -----------------------------------------------------------------------------
-- CMS-lite content: about pages, team, awards
-- -----------------------------------------------------------------------------
insert into public.content_pages (slug, locale, title, body_md, hero_path, data)
values
  ('about', 'en-US', 'About Forecourt Motors',
   E'# About us\n\nFounded in 1991 as a single lot in Austin, Forecourt Motors now serves drivers from 25 locations across the United States.\n\nWe believe buying a car should be transparent: real prices online, no-haggle offers on your trade-in, and service advisors who text you photos of what they find.',
   'blog-hero/about/hero.jpg',
   '{"stats":[{"label":"Years in business","value":"35"},{"label":"Locations","value":"25"},{"label":"Cars delivered","value":"180,000+"}]}'),
  ('about', 'es-US', 'Acerca de Forecourt Motors',
   E'# Quiénes somos\n\nDesde 1991 ayudamos a nuestros clientes a encontrar su próximo auto con precios claros y un servicio honesto en 25 sucursales.',
   'blog-hero/about/hero.jpg',
   '{"stats":[{"label":"Años","value":"35"},{"label":"Sucursales","value":"25"}]}'),
  ('why-buy-from-us', 'en-US', 'Why buy from us',
   E'## Transparent pricing\nThe price you see is the price you pay, plus tax and registration.\n\n## 7-day exchange\nNot in love? Exchange within 7 days or 500 miles.\n\n## 150-point inspection\nEvery pre-owned vehicle is inspected and reconditioned.',
   null, '{}'),
  ('financing-faq', 'en-US', 'Financing FAQ',
   E'### Will applying affect my credit score?\nPre-qualification is a soft inquiry.\n\n### What documents do I need?\nA driver''s licence, proof of income and proof of residence.',
   null, '{}'),
  ('privacy', 'en-US', 'Privacy notice',
   E'We collect only what we need to serve you. Request a copy or deletion of your data from your account settings.',
   null, '{}')
on conflict (slug, locale) do nothing;

insert into public.team_members (location_id, name, job_title, bio_md, photo_path, email, position, published)
select case when g <= 5 then null else (select l.id from public.locations l order by l.slug offset (g - 6) % 25 limit 1) end,
       (array['Olivia', 'James', 'Amelia', 'Benjamin', 'Mia', 'Henry', 'Harper', 'Alexander', 'Evelyn', 'Michael',
              'Abigail', 'Daniel', 'Emily', 'Jack', 'Elizabeth'])[1 + g % 15] || ' ' ||
       (array['Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Thompson', 'Moore', 'Clark', 'Lewis',
              'Walker', 'Hall', 'Young'])[1 + (g * 5) % 13],
       case when g = 1 then 'Chief Executive Officer'
            when g = 2 then 'Chief Operating Officer'
            when g = 3 then 'Director of Customer Experience'
            when g = 4 then 'Head of Service'
            when g = 5 then 'Finance Director'
            else (array['General Manager', 'Sales Consultant', 'Service Advisor', 'Finance Manager', 'EV Specialist'])[1 + g % 5] end,
       'Helping customers find the right car since ' || (2000 + g % 20) || '.',
       'team/' || g || '.jpg',
       'team' || g || '@forecourt.local',
       g, g % 29 <> 0
from generate_series(1, 35) g
where not exists (select 1 from public.team_members);

insert into public.awards (title, issuer, year, description, image_path, awarded_on, position)
select a.title, a.issuer, a.year, a.description, 'awards/' || a.n || '.png', make_date(a.year, a.month, 15), a.n
from (values
  (1, 'Dealer of the Year', 'Regional Auto Dealers Association', 2025, 11, 'Top customer satisfaction among regional dealer groups.'),
  (2, 'Customer Choice Award', 'Customer Choice Awards', 2025, 6, 'Voted by more than 4,000 verified buyers.'),
  (3, 'Best Service Department', 'Metro Motoring Readers'' Poll', 2024, 9, 'Readers'' favourite service department.'),
  (4, 'Green Fleet Partner', 'Clean Transportation Council', 2024, 4, 'For our EV training and charging network.'),
  (5, 'Top Workplace', 'Workplace Culture Institute', 2023, 10, 'Employee-rated culture award.'),
  (6, 'Community Champion', 'City Chamber of Commerce', 2023, 3, 'Youth driver-safety programme.'),
  (7, 'Excellence in Certified Pre-Owned', 'Regional Auto Dealers Association', 2022, 8, 'CPO volume and quality.'),
  (8, 'Five-Star Dealer', 'Independent Auto Reviews', 2021, 5, 'Average rating above 4.8.')
) as a (n, title, issuer, year, month, description)
where not exists (select 1 from public.awards);

-- -----------------------------------------------------------------------------
-- Navigation and SEO
-- -----------------------------------------------------------------------------
insert into public.menu_items (menu, label, href, position, requires_auth, staff_only)
select m.menu, m.label, m.href, m.pos, m.auth, m.staff
from (values
  ('main', 'Inventory', '/inventory', 1, false, false), ('main', 'Financing', '/financing', 2, false, false),
  ('main', 'Service & Parts', '/service', 3, false, false), ('main', 'About', '/about', 4, false, false),
  ('main', 'Contact', '/contact', 5, false, false),
  ('footer', 'Locations', '/locations', 1, false, false), ('footer', 'Blog', '/blog', 2, false, false),
  ('footer', 'Privacy', '/privacy', 3, false, false), ('footer', 'Terms', '/terms', 4, false, false),
  ('footer', 'Sitemap', '/sitemap.xml', 5, false, false),
  ('account', 'My garage', '/me/saved-cars', 1, true, false), ('account', 'Applications', '/me/applications', 2, true, false),
  ('account', 'Appointments', '/me/appointments', 3, true, false), ('account', 'Notifications', '/me/notifications', 4, true, false),
  ('account', 'Settings', '/me/settings', 5, true, false),
  ('admin', 'Dashboard', '/admin', 1, true, true), ('admin', 'Inventory import', '/admin/import', 2, true, true)
) as m (menu, label, href, pos, auth, staff)
where not exists (select 1 from public.menu_items);

insert into public.menu_items (menu, parent_id, label, href, position)
select 'main', p.id, c.label, c.href, c.pos
from (values
  ('/inventory', 'New', '/inventory/new', 1), ('/inventory', 'Used', '/inventory?condition=used', 2),
  ('/inventory', 'Certified Pre-Owned', '/inventory/cpo', 3), ('/inventory', 'Specials', '/inventory/specials', 4),
  ('/inventory', 'Compare', '/compare', 5),
  ('/financing', 'Apply for financing', '/financing/apply', 1), ('/financing', 'Payment calculator', '/tools/payment-calc', 2),
  ('/financing', 'Value your trade', '/tradein', 3),
  ('/service', 'Book service', '/service/book', 1), ('/service', 'Service packages', '/service/packages', 2),
  ('/service', 'Parts catalog', '/parts', 3),
  ('/about', 'Our team', '/about/team', 1), ('/about', 'Awards', '/about/awards', 2), ('/about', 'Blog', '/blog', 3)
) as c (parent_href, label, href, pos)
join public.menu_items p on p.menu = 'main' and p.href = c.parent_href and p.parent_id is null
where not exists (select 1 from public.menu_items m where m.parent_id is not null);

insert into public.seo_entries (route, locale, title, description, canonical_url, og_image_path, structured_data, noindex)
values
  ('/', 'en-US', 'Forecourt Motors | New, Used & Certified Cars', 'Shop 1,000+ new, used and certified pre-owned cars across 25 locations.',
   '/', 'brand/og-default.jpg',
   '{"@context":"https://schema.org","@type":"AutoDealer","name":"Forecourt Motors","url":"/"}', false),
  ('/', 'es-US', 'Forecourt Motors | Autos nuevos, usados y certificados', 'Más de 1,000 autos en 25 sucursales.',
   '/es', 'brand/og-default.jpg', null, false),
  ('/inventory', 'en-US', 'Cars for sale', 'Search by make, model, price, mileage and more.', '/inventory', null, null, false),
  ('/inventory/new', 'en-US', 'New cars for sale', 'Brand-new vehicles with manufacturer warranty.', '/inventory/new', null, null, false),
  ('/inventory/cpo', 'en-US', 'Certified pre-owned cars', 'Inspected, reconditioned and warrantied.', '/inventory/cpo', null, null, false),
  ('/inventory/specials', 'en-US', 'Special offers on cars', 'This month''s best deals.', '/inventory/specials', null, null, false),
  ('/vehicles/{id}', 'en-US', '{title} for sale', '{title} with {mileage} miles at Forecourt Motors {city}.', '/vehicles/{id}', null,
   '{"@context":"https://schema.org","@type":"Car","name":"{title}","vehicleIdentificationNumber":"{vin}","offers":{"@type":"Offer","price":"{price_current}","priceCurrency":"USD"}}',
   false),
  ('/financing', 'en-US', 'Car financing', 'Apply online and get a decision fast.', '/financing', null, null, false),
  ('/service', 'en-US', 'Car service & maintenance', 'Book service online at any location.', '/service', null, null, false),
  ('/parts', 'en-US', 'Parts & accessories', 'Genuine-quality parts shipped to your door.', '/parts', null, null, false),
  ('/blog', 'en-US', 'Car buying guides & news', 'Advice from our team.', '/blog', null, null, false),
  ('/about', 'en-US', 'About Forecourt Motors', 'Our story, our team and our awards.', '/about', null, null, false),
  ('/locations', 'en-US', 'Dealership locations', 'Find a Forecourt Motors near you.', '/locations', null, null, false),
  ('/me', 'en-US', 'My account', 'Your saved cars, applications and appointments.', null, null, null, true)
on conflict (route, locale) do nothing;

-- -----------------------------------------------------------------------------
-- Feature flags and extra site config
-- -----------------------------------------------------------------------------
insert into public.feature_flags (key, description, enabled, rollout_percent, variants, rules, is_public)
values
  ('compare_tool', 'Side-by-side comparison', true, 100, '{}', '{}', true),
  ('virtual_tour', '360 spins and walkaround videos on the VDP', true, 100, '{}', '{}', true),
  ('livechat', 'Live chat widget', true, 100, '{}', '{"hours":"sales"}', true),
  ('vdp_layout_v2', 'New vehicle page layout (A/B)', true, 50, '{"control":50,"v2":50}', '{}', true),
  ('search_typo_tolerance', 'Fuzzy make/model matching in search', true, 100, '{}', '{}', true),
  ('price_drop_alerts', 'Email/SMS alerts for saved cars', true, 100, '{}', '{}', true),
  ('gamification', 'Rewards, badges and vouchers', true, 100, '{}', '{}', true),
  ('delivery_quotes', 'Home delivery quotes (placeholder)', false, 0, '{}', '{}', true),
  ('admin_bulk_import', 'CSV bulk import for staff', true, 100, '{}', '{"roles":["staff","admin"]}', false),
  ('fraud_screening', 'Extra checks on financing applications', false, 0, '{}', '{}', false)
on conflict (key) do nothing;

insert into public.site_config (key, value, is_public, description)
values
  ('contact', '{"phone":"+1 800-555-0199","email":"hello@forecourt.local","whatsapp":"+1 512-555-0150","support_hours":"Mon-Sat 8am-8pm CT"}',
   true, 'Main contact channels'),
  ('social', '{"instagram":"https://instagram.com/forecourt.example","facebook":"https://facebook.com/forecourt.example","youtube":"https://youtube.com/@forecourt.example"}',
   true, 'Social profiles (placeholders)'),
  ('notifications', '{"email_from":"Forecourt Motors <no-reply@forecourt.local>","sms_sender":"FORECOURT","reminder_hours_before":24}',
   false, 'Outbound notification settings')
on conflict (key) do nothing;

-- -----------------------------------------------------------------------------
-- Customer activity for the demo accounts
-- -----------------------------------------------------------------------------
-- customer@: 5 saved cars, a compare list with 3 cars
insert into public.saved_cars (user_id, vehicle_id, created_at)
select '00000000-0000-4000-a000-000000000003', v.id, now() - make_interval(days => v.rn::int)
from (select v.id, row_number() over (order by v.stock_no) as rn
      from public.vehicles v where v.visible and v.condition = 'used' and v.price_previous is not null) v
where v.rn <= 5
on conflict do nothing;

insert into public.saved_cars (user_id, vehicle_id)
select '00000000-0000-4000-a000-000000000004', v.id
from public.vehicles v where v.visible and v.condition = 'new' order by v.stock_no limit 1
on conflict do nothing;

insert into public.compare_lists (id, user_id, name)
values ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000003', 'Family SUVs')
on conflict (id) do nothing;

insert into public.compare_list_items (list_id, vehicle_id, position)
select '00000000-0000-4000-b000-000000000001', v.id, (row_number() over (order by v.stock_no))::int - 1
from (select v.id, v.stock_no from public.vehicles v
      where v.visible and v.body_type = 'suv' order by v.stock_no limit 3) v
on conflict do nothing;

-- applications: submitted (customer@), draft (customer2@)
insert into public.financing_applications (id, user_id, vehicle_id, status, amount, term_months, apr, down_payment,
                                           employer, monthly_income, documents, notes)
select '00000000-0000-4000-b000-000000000010', '00000000-0000-4000-a000-000000000003', v.id, 'submitted',
       v.price_current - 3000, 60, 6.90, 3000, 'Lone Star Logistics', 6200,
       '[{"path":"docs/00000000-0000-4000-a000-000000000003/paystub-2026-10.pdf","kind":"paystub"}]', 'Prefer afternoon calls.'
from public.vehicles v where v.visible and v.condition = 'cpo' order by v.stock_no limit 1
on conflict (id) do nothing;

insert into public.financing_applications (id, user_id, status, down_payment)
values ('00000000-0000-4000-b000-000000000011', '00000000-0000-4000-a000-000000000004', 'draft', 0)
on conflict (id) do nothing;

-- trade-in quoted by staff (estimate computed by the trigger from the rules)
insert into public.tradein_requests (id, user_id, vin, make, model, year, mileage, condition_grade, photos, status,
                                     quote_amount, quoted_by, notes)
values ('00000000-0000-4000-b000-000000000020', '00000000-0000-4000-a000-000000000003',
        private.make_vin(900001, '2T3', 2019, 'P1RFV'), 'Toyota', 'RAV4', 2019, 61000, 4,
        '["docs/00000000-0000-4000-a000-000000000003/tradein/front.jpg","docs/00000000-0000-4000-a000-000000000003/tradein/interior.jpg"]',
        'quoted', 12250, '00000000-0000-4000-a000-000000000002', 'Minor scratch on rear bumper.')
on conflict (id) do nothing;

-- a booked service appointment in a published slot
insert into public.service_appointments (id, user_id, location_id, service_type, package_id, vehicle_vin, desired_at,
                                         duration_min, status, notes)
select '00000000-0000-4000-b000-000000000030', '00000000-0000-4000-a000-000000000003', a.location_id, 'maintenance',
       (select p.id from public.service_packages p where p.slug = 'synthetic-oil-change'),
       private.make_vin(900002, '4T1', 2021, 'B11HK'),
       (a.service_date + a.start_time) at time zone l.timezone, 45, 'booked', 'Please check the tire pressure sensor.'
from public.service_availability a
join public.locations l on l.id = a.location_id
where l.slug = 'austin-tx' and a.kind = 'service'
order by a.service_date, a.start_time
limit 1
on conflict (id) do nothing;

-- a placed order, then an open cart (one cart per customer at a time)
insert into public.part_orders (id, user_id, status)
values ('00000000-0000-4000-b000-000000000041', '00000000-0000-4000-a000-000000000003', 'cart')
on conflict (id) do nothing;

insert into public.part_order_items (order_id, part_id, qty, price_each)
select '00000000-0000-4000-b000-000000000041', p.id, o.qty, p.price
from (values ('FC-MO-0003', 2), ('FC-OF-0004', 1)) as o (sku, qty)
join public.parts p on p.sku = o.sku
on conflict do nothing;

update public.part_orders
set status = 'placed',
    shipping_address = '{"name":"Casey Customer","line1":"742 Evergreen Terrace","city":"Austin","state":"TX","postal_code":"78701","country":"US"}'
where id = '00000000-0000-4000-b000-000000000041' and status = 'cart';

insert into public.part_orders (id, user_id, status)
values ('00000000-0000-4000-b000-000000000040', '00000000-0000-4000-a000-000000000003', 'cart')
on conflict do nothing;

insert into public.part_order_items (order_id, part_id, qty, price_each)
select '00000000-0000-4000-b000-000000000040', p.id, o.qty, p.price
from (values ('FC-WB-0001', 1), ('FC-FM-0002', 1)) as o (sku, qty)
join public.parts p on p.sku = o.sku
where exists (select 1 from public.part_orders where id = '00000000-0000-4000-b000-000000000040')
on conflict do nothing;

insert into public.notifications (user_id, kind, payload, read_at, created_at)
select '00000000-0000-4000-a000-000000000003', n.kind, n.payload::jsonb, n.read_at, now() - n.ago
from (values
  ('welcome', '{"title":"Welcome to Forecourt","body":"Save cars and get price-drop alerts."}', now() - interval '190 days', interval '200 days'),
  ('application_status_changed', '{"application_id":"00000000-0000-4000-b000-000000000010","new_status":"submitted"}', null, interval '2 days'),
  ('price_drop', '{"title":"A car you saved dropped in price","body":"Check your garage."}', null, interval '6 hours')
) as n (kind, payload, read_at, ago)
where not exists (select 1 from public.notifications);

insert into public.vouchers (campaign_id, user_id, status, value)
select c.id, '00000000-0000-4000-a000-000000000003', 'issued', c.voucher_value
from public.campaigns c where c.slug = 'test-drive-2026'
on conflict do nothing;

insert into public.chat_conversations (id, user_id, location_id, subject, status, assigned_to, last_message_at)
select '00000000-0000-4000-b000-000000000050', '00000000-0000-4000-a000-000000000003', l.id,
       'Question about the RAV4 trade-in', 'open', '00000000-0000-4000-a000-000000000002', now() - interval '1 hour'
from public.locations l where l.slug = 'austin-tx'
on conflict (id) do nothing;

insert into public.chat_messages (conversation_id, sender_id, body, created_at)
select '00000000-0000-4000-b000-000000000050', m.sender::uuid, m.body, now() - m.ago
from (values
  ('00000000-0000-4000-a000-000000000003', 'Hi! Is the trade-in quote still valid next week?', interval '3 hours'),
  ('00000000-0000-4000-a000-000000000002', 'Yes, quotes are valid for 7 days. Want me to hold a test-drive slot?', interval '2 hours'),
  ('00000000-0000-4000-a000-000000000003', 'Saturday morning would be perfect.', interval '1 hour')
) as m (sender, body, ago)
where not exists (select 1 from public.chat_messages);

-- CRM leads from the contact form and vehicle pages
insert into public.leads (name, email, phone, message, source, vehicle_id, location_id, status, assigned_to, consent, utm, created_at)
select (array['Taylor', 'Morgan', 'Riley', 'Jamie', 'Quinn', 'Avery', 'Parker', 'Reese'])[1 + g % 8] || ' ' ||
       (array['Reed', 'Brooks', 'Gray', 'Hayes', 'Price', 'Bennett', 'Wood'])[1 + (g * 3) % 7],
       'lead' || g || '@example.com',
       case when g % 2 = 0 then '+1 555-01' || lpad((g % 100)::text, 2, '0') end,
       (array['Is this car still available?', 'Can I book a test drive this weekend?', 'What is the out-the-door price?',
              'Do you take trade-ins?', 'Please call me about financing.'])[1 + g % 5],
       (array['contact_form', 'vdp', 'vdp', 'chat', 'tradein', 'financing', 'test_drive'])[1 + g % 7],
       case when g % 7 in (1, 2, 6) then (select v.id from public.vehicles v where v.visible order by v.stock_no offset g limit 1) end,
       (select l.id from public.locations l order by l.slug offset g % 25 limit 1),
       (array['new', 'new', 'contacted', 'qualified', 'won', 'lost'])[1 + g % 6],
       case when g % 6 <> 0 then '00000000-0000-4000-a000-000000000002'::uuid end,
       true,
       case when g % 3 = 0 then '{"utm_source":"google","utm_medium":"cpc","utm_campaign":"suv-fall"}'::jsonb else '{}'::jsonb end,
       now() - make_interval(days => g % 40, hours => g % 24)
from generate_series(1, 40) g
where not exists (select 1 from public.leads);

insert into public.analytics_events (user_id, anonymous_id, session_id, name, payload, occurred_at)
select case when g % 4 = 0 then '00000000-0000-4000-a000-000000000003'::uuid end,
       'anon-' || (g % 50), 'sess-' || (g / 5),
       (array['vdp_view', 'search', 'card_click', 'gallery_open', 'calculator_used', 'cta_click'])[1 + g % 6],
       jsonb_build_object('variant', case when g % 2 = 0 then 'control' else 'v2' end, 'page', '/inventory'),
       now() - make_interval(mins => g * 7)
from generate_series(1, 300) g
where not exists (select 1 from public.analytics_events);

-- typeahead / fuzzy-search dictionary over the visible inventory
select private.refresh_vehicle_model_stats();

select set_config('forecourt.bulk_load', 'off', false);

analyze;
