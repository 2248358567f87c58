-- =============================================================================
-- VIN helpers and the deterministic inventory generator behind
-- supabase/seed.sql and `forecourt seed --vehicles N`.
--
-- Everything here lives in schema private and is executable only by the
-- owner (the migration role) — never by anon/authenticated/service_role.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- North-American VIN check digit (49 CFR 565): transliterate letters
-- (A-H=1-8, J-N=1-5, P=7, R=9, S-Z=2-9), weights 8 7 6 5 4 3 2 10 _ 9 8 7 6 5
-- 4 3 2 (position 9 is the check digit itself), sum mod 11, 10 -> 'X'.
-- PL/pgSQL on purpose: the translated string is computed once and every
-- expression takes plpgsql's fast path (~15 us/call, measured); an inlined
-- SQL expression re-evaluates translate() per position and is 4x slower.
-- The pure VIN helpers carry no SET search_path: they call only pg_catalog
-- functions (always searched first), and a per-call SET costs a GUC
-- save/restore on every row of a bulk load.
-- -----------------------------------------------------------------------------
create function private.vin_check_digit(p_vin text) returns text
language plpgsql immutable parallel safe as $$
declare
  t text;
begin
  if p_vin is null or p_vin !~ '^[A-HJ-NPR-Z0-9]{17}$' then
    return null;
  end if;
  t := translate(p_vin, 'ABCDEFGHJKLMNPRSTUVWXYZ', '12345678123457923456789');
  return substr('0123456789X',
    (substr(t, 1, 1)::int * 8 + substr(t, 2, 1)::int * 7 + substr(t, 3, 1)::int * 6
     + substr(t, 4, 1)::int * 5 + substr(t, 5, 1)::int * 4 + substr(t, 6, 1)::int * 3
     + substr(t, 7, 1)::int * 2 + substr(t, 8, 1)::int * 10
     + substr(t, 10, 1)::int * 9 + substr(t, 11, 1)::int * 8 + substr(t, 12, 1)::int * 7
     + substr(t, 13, 1)::int * 6 + substr(t, 14, 1)::int * 5 + substr(t, 15, 1)::int * 4
     + substr(t, 16, 1)::int * 3 + substr(t, 17, 1)::int * 2) % 11 + 1, 1);
end
$$;
comment on function private.vin_check_digit(text) is 'Check digit (position 9) of a 17-character VIN; null if the VIN is malformed.';

create function private.vin_is_valid(p_vin text) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(substr(p_vin, 9, 1) = private.vin_check_digit(p_vin), false)
$$;

-- Model-year code (position 10): 30-year cycle A..Y without I O Q U Z, then 1..9.
create function private.vin_year_code(p_year integer) returns text
language sql immutable parallel safe as $$
  select substr('ABCDEFGHJKLMNPRSTVWXY123456789', ((p_year - 1980) % 30 + 30) % 30 + 1, 1)
$$;

-- A valid VIN for a seed number: WMI (real manufacturer prefix) + VDS +
-- check digit + model-year code + plant + 6-digit serial. Serial and plant
-- encode the seed number, so seeds below 33,000,000 give distinct VINs
-- whatever the WMI/VDS/year.
create function private.make_vin(p_seed bigint, p_wmi text default null, p_year integer default null,
                                 p_vds text default null)
returns text
language plpgsql immutable parallel safe as $$
declare
  c_alpha constant text := 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';   -- 33 legal characters
  v text;
begin
  v := coalesce(p_wmi,
         (array['1HG', '4T1', '1FA', '1G1', '1N4', '5NP', '5XX', '4S3', '1C4', 'WBA'])
           [1 + ((hashint8extended(p_seed, 31) & 9223372036854775807) % 10)::int])
       || coalesce(p_vds,
            substr(c_alpha, 1 + ((hashint8extended(p_seed, 41) & 9223372036854775807) % 33)::int, 1) ||
            substr(c_alpha, 1 + ((hashint8extended(p_seed, 42) & 9223372036854775807) % 33)::int, 1) ||
            substr(c_alpha, 1 + ((hashint8extended(p_seed, 43) & 9223372036854775807) % 33)::int, 1) ||
            substr(c_alpha, 1 + ((hashint8extended(p_seed, 44) & 9223372036854775807) % 33)::int, 1) ||
            substr(c_alpha, 1 + ((hashint8extended(p_seed, 45) & 9223372036854775807) % 33)::int, 1))
       || '0'
       || private.vin_year_code(coalesce(p_year, 2005 + ((hashint8extended(p_seed, 32) & 9223372036854775807) % 22)::int))
       || substr(c_alpha, 1 + ((p_seed / 1000000) % 33)::int, 1)
       || lpad((p_seed % 1000000)::text, 6, '0');
  return overlay(v placing private.vin_check_digit(v) from 9 for 1);
end
$$;
comment on function private.make_vin(bigint, text, integer, text) is
  'Deterministic, check-digit-valid 17-character VIN for a seed number (optionally with WMI, model year, VDS).';

revoke all on function private.vin_check_digit(text), private.vin_is_valid(text), private.vin_year_code(integer),
  private.make_vin(bigint, text, integer, text) from public;
grant execute on function private.vin_check_digit(text), private.vin_is_valid(text) to service_role;

-- -----------------------------------------------------------------------------
-- Model catalog for the generator: real makes/models/trims with a plausible
-- base MSRP (current model year), powertrains, a real WMI and a VDS.
-- -----------------------------------------------------------------------------
create table private.seed_catalog (
  idx           integer primary key,
  make          text not null,
  model         text not null,
  body_type     text not null,
  base_msrp     numeric(10, 2) not null,
  trims         text[] not null,
  fuels         text[] not null,
  transmissions text[] not null,
  drivetrains   text[] not null,
  wmi           text not null check (wmi ~ '^[A-HJ-NPR-Z0-9]{3}$'),
  vds           text not null check (vds ~ '^[A-HJ-NPR-Z0-9]{5}$'),
  doors         smallint not null,
  seats         smallint not null,
  engine        text not null,
  horsepower    integer not null,
  mpg_city      integer,
  mpg_highway   integer,
  range_miles   integer,
  battery_kwh   integer,
  cargo_cu_ft   numeric(5, 1),
  towing_lbs    integer,
  first_year    integer not null default 1990,   -- first model year sold in the US (no 2015 Model Y)
  unique (make, model)
);
comment on table private.seed_catalog is 'Reference models for deterministic demo/scale inventory (private.seed_vehicles).';

insert into private.seed_catalog (idx, make, model, body_type, base_msrp, trims, fuels, transmissions, drivetrains,
                                  wmi, vds, doors, seats, engine, horsepower, mpg_city, mpg_highway,
                                  range_miles, battery_kwh, cargo_cu_ft, towing_lbs)
select row_number() over (order by make, model), * from (values
  ('Toyota', 'Camry', 'sedan', 28400, '{LE,SE,XLE,XSE}'::text[], '{hybrid,petrol}'::text[], '{automatic,cvt}'::text[], '{fwd,awd}'::text[], '4T1', 'B11HK', 4, 5, '2.5L I4', 203, 28, 39, null::int, null::int, 15.1, null::int),
  ('Toyota', 'Corolla', 'sedan', 22500, '{L,LE,SE,XSE}', '{petrol,hybrid}', '{cvt}', '{fwd}', '5YF', 'B4MDE', 4, 5, '2.0L I4', 169, 32, 41, null, null, 13.1, null),
  ('Toyota', 'RAV4', 'suv', 29800, '{LE,XLE,XLE Premium,Limited,TRD Off-Road}', '{petrol,hybrid,plugin_hybrid}', '{automatic,cvt}', '{fwd,awd}', '2T3', 'P1RFV', 4, 5, '2.5L I4', 203, 27, 35, null, null, 37.6, 1500),
  ('Toyota', 'Highlander', 'suv', 39500, '{LE,XLE,Limited,Platinum}', '{petrol,hybrid}', '{automatic}', '{fwd,awd}', '5TD', 'ZZRAH', 4, 8, '2.4L Turbo I4', 265, 22, 29, null, null, 16.0, 5000),
  ('Toyota', 'Tacoma', 'truck', 32500, '{SR,SR5,TRD Sport,TRD Off-Road,Limited}', '{petrol,hybrid}', '{automatic,manual}', '{rwd,4wd}', '3TM', 'CZ5AN', 4, 5, '2.4L Turbo I4', 278, 20, 26, null, null, null, 6500),
  ('Toyota', 'Tundra', 'truck', 41000, '{SR,SR5,Limited,Platinum,1794 Edition}', '{petrol,hybrid}', '{automatic}', '{rwd,4wd}', '5TF', 'LA5DB', 4, 5, '3.4L Twin-Turbo V6', 389, 18, 24, null, null, null, 12000),
  ('Toyota', 'Sienna', 'minivan', 39800, '{LE,XLE,XSE,Limited}', '{hybrid}', '{cvt}', '{fwd,awd}', '5TD', 'XRKC1', 4, 8, '2.5L I4 Hybrid', 245, 36, 36, null, null, 33.5, 3500),
  ('Toyota', 'Prius', 'hatchback', 28500, '{LE,XLE,Limited}', '{hybrid,plugin_hybrid}', '{cvt}', '{fwd,awd}', 'JTD', 'ACRAU', 4, 5, '2.0L I4 Hybrid', 194, 57, 56, null, null, 20.3, null),
  ('Honda', 'Civic', 'sedan', 24500, '{LX,Sport,EX,Touring}', '{petrol,hybrid}', '{cvt,manual}', '{fwd}', '2HG', 'FE2F5', 4, 5, '2.0L I4', 150, 31, 40, null, null, 14.8, null),
  ('Honda', 'Accord', 'sedan', 28900, '{LX,SE,Sport Hybrid,EX-L Hybrid,Touring Hybrid}', '{petrol,hybrid}', '{cvt}', '{fwd}', '1HG', 'CY1F3', 4, 5, '1.5L Turbo I4', 192, 29, 37, null, null, 16.7, null),
  ('Honda', 'CR-V', 'suv', 31000, '{LX,EX,EX-L,Sport Hybrid,Sport Touring Hybrid}', '{petrol,hybrid}', '{cvt}', '{fwd,awd}', '5J6', 'RS4H5', 4, 5, '1.5L Turbo I4', 190, 28, 34, null, null, 39.3, 1500),
  ('Honda', 'Pilot', 'suv', 40200, '{Sport,EX-L,TrailSport,Touring,Elite}', '{petrol}', '{automatic}', '{fwd,awd}', '5FN', 'YG1H4', 4, 8, '3.5L V6', 285, 19, 25, null, null, 18.6, 5000),
  ('Honda', 'Odyssey', 'minivan', 38900, '{EX,EX-L,Sport,Touring,Elite}', '{petrol}', '{automatic}', '{fwd}', '5FN', 'RL6H7', 4, 8, '3.5L V6', 280, 19, 28, null, null, 32.8, 3000),
  ('Honda', 'HR-V', 'suv', 25400, '{LX,Sport,EX-L}', '{petrol}', '{cvt}', '{fwd,awd}', '3CZ', 'RZ1H3', 4, 5, '2.0L I4', 158, 26, 32, null, null, 24.4, null),
  ('Ford', 'F-150', 'truck', 38800, '{XL,XLT,Lariat,King Ranch,Platinum,Raptor}', '{petrol,hybrid}', '{automatic}', '{rwd,4wd}', '1FT', 'FW1E8', 4, 5, '3.5L EcoBoost V6', 400, 18, 24, null, null, null, 13500),
  ('Ford', 'Mustang', 'coupe', 32500, '{EcoBoost,EcoBoost Premium,GT,GT Premium,Dark Horse}', '{petrol}', '{automatic,manual}', '{rwd}', '1FA', 'P6TH0', 2, 4, '5.0L V8', 480, 15, 24, null, null, 13.5, null),
  ('Ford', 'Explorer', 'suv', 39500, '{Active,ST-Line,Platinum,ST}', '{petrol}', '{automatic}', '{rwd,awd}', '1FM', 'SK8DH', 4, 7, '2.3L EcoBoost I4', 300, 21, 28, null, null, 18.2, 5300),
  ('Ford', 'Escape', 'suv', 29500, '{Active,ST-Line,Platinum}', '{petrol,hybrid,plugin_hybrid}', '{automatic,cvt}', '{fwd,awd}', '1FM', 'CU9GN', 4, 5, '1.5L EcoBoost I3', 180, 27, 34, null, null, 37.5, 2000),
  ('Ford', 'Bronco', 'suv', 40500, '{Big Bend,Black Diamond,Outer Banks,Badlands,Wildtrak}', '{petrol}', '{automatic,manual}', '{4wd}', '1FM', 'EE5DP', 4, 5, '2.7L EcoBoost V6', 330, 17, 17, null, null, 35.6, 3500),
  ('Ford', 'Mustang Mach-E', 'suv', 39900, '{Select,Premium,GT}', '{electric}', '{automatic}', '{rwd,awd}', '3FM', 'TK1SS', 4, 5, 'Dual Motor', 480, null, null, 300, 91, 29.7, null),
  ('Ford', 'Maverick', 'truck', 24000, '{XL,XLT,Lariat}', '{hybrid,petrol}', '{cvt,automatic}', '{fwd,awd}', '3FT', 'W1EA1', 4, 5, '2.5L I4 Hybrid', 191, 42, 33, null, null, null, 4000),
  ('Ford', 'Transit', 'van', 48000, '{Cargo Van,Crew Van,Passenger Van}', '{petrol,electric}', '{automatic}', '{rwd,awd}', '1FT', 'BR1C8', 4, 12, '3.5L V6', 275, 15, 18, null, null, 246.7, 6500),
  ('Chevrolet', 'Silverado 1500', 'truck', 38900, '{WT,Custom,LT,RST,LTZ,High Country}', '{petrol,diesel}', '{automatic}', '{rwd,4wd}', '1GC', 'UYDED', 4, 5, '5.3L V8', 355, 16, 22, null, null, null, 13300),
  ('Chevrolet', 'Equinox', 'suv', 29500, '{LS,LT,RS,Premier}', '{petrol}', '{automatic}', '{fwd,awd}', '3GN', 'AXKEV', 4, 5, '1.5L Turbo I4', 175, 26, 31, null, null, 29.9, 1500),
  ('Chevrolet', 'Tahoe', 'suv', 58500, '{LS,LT,RST,Z71,Premier,High Country}', '{petrol,diesel}', '{automatic}', '{rwd,4wd}', '1GN', 'SKBKD', 4, 8, '5.3L V8', 355, 15, 20, null, null, 25.5, 8400),
  ('Chevrolet', 'Malibu', 'sedan', 25500, '{LS,RS,LT,2LT}', '{petrol}', '{cvt}', '{fwd}', '1G1', 'ZD5ST', 4, 5, '1.5L Turbo I4', 163, 28, 36, null, null, 15.7, null),
  ('Chevrolet', 'Bolt EV', 'hatchback', 27500, '{1LT,2LT}', '{electric}', '{automatic}', '{fwd}', '1G1', 'FY6S0', 4, 5, 'Single Motor', 200, null, null, 259, 65, 16.6, null),
  ('Chevrolet', 'Traverse', 'suv', 40500, '{LS,LT,Z71,RS}', '{petrol}', '{automatic}', '{fwd,awd}', '1GN', 'EVHKW', 4, 8, '2.5L Turbo I4', 328, 19, 26, null, null, 23.0, 5000),
  ('Chevrolet', 'Corvette', 'coupe', 69000, '{1LT,2LT,3LT}', '{petrol}', '{dual_clutch}', '{rwd}', '1G1', 'YB2D4', 2, 2, '6.2L V8', 490, 16, 24, null, null, 12.6, null),
  ('Nissan', 'Altima', 'sedan', 27000, '{S,SV,SR,SL}', '{petrol}', '{cvt}', '{fwd,awd}', '1N4', 'BL4BV', 4, 5, '2.5L I4', 188, 27, 39, null, null, 15.4, null),
  ('Nissan', 'Rogue', 'suv', 30000, '{S,SV,SL,Platinum}', '{petrol}', '{cvt}', '{fwd,awd}', '5N1', 'BT3BB', 4, 5, '1.5L VC-Turbo I3', 201, 30, 37, null, null, 36.5, 1500),
  ('Nissan', 'Sentra', 'sedan', 21500, '{S,SV,SR}', '{petrol}', '{cvt}', '{fwd}', '3N1', 'AB8CV', 4, 5, '2.0L I4', 149, 30, 40, null, null, 14.3, null),
  ('Nissan', 'Frontier', 'truck', 31500, '{S,SV,PRO-4X,PRO-X}', '{petrol}', '{automatic}', '{rwd,4wd}', '1N6', 'ED1EK', 4, 5, '3.8L V6', 310, 18, 24, null, null, null, 6720),
  ('Nissan', 'Leaf', 'hatchback', 29000, '{S,SV Plus}', '{electric}', '{automatic}', '{fwd}', '1N4', 'AZ1CV', 4, 5, 'Single Motor', 147, null, null, 212, 60, 23.6, null),
  ('Hyundai', 'Elantra', 'sedan', 22500, '{SE,SEL,N Line,Limited}', '{petrol,hybrid}', '{cvt,dual_clutch}', '{fwd}', '5NP', 'LM4AG', 4, 5, '2.0L I4', 147, 32, 41, null, null, 14.2, null),
  ('Hyundai', 'Tucson', 'suv', 29000, '{SE,SEL,N Line,Limited}', '{petrol,hybrid,plugin_hybrid}', '{automatic}', '{fwd,awd}', '5NM', 'J3AE0', 4, 5, '2.5L I4', 187, 25, 32, null, null, 38.7, 2000),
  ('Hyundai', 'Santa Fe', 'suv', 34500, '{SE,SEL,XRT,Limited,Calligraphy}', '{petrol,hybrid}', '{automatic}', '{fwd,awd}', '5NM', 'P4DG1', 4, 7, '2.5L Turbo I4', 277, 20, 28, null, null, 40.5, 4500),
  ('Hyundai', 'Ioniq 5', 'suv', 43000, '{SE,SEL,Limited}', '{electric}', '{automatic}', '{rwd,awd}', 'KM8', 'KR4DE', 4, 5, 'Dual Motor', 320, null, null, 303, 84, 27.2, 2300),
  ('Hyundai', 'Palisade', 'suv', 38000, '{SE,SEL,XRT,Limited,Calligraphy}', '{petrol}', '{automatic}', '{fwd,awd}', 'KM8', 'R4DHE', 4, 8, '3.8L V6', 291, 19, 26, null, null, 18.0, 5000),
  ('Kia', 'Telluride', 'suv', 37500, '{LX,S,EX,SX,SX-Prestige}', '{petrol}', '{automatic}', '{fwd,awd}', '5XY', 'P3DHC', 4, 8, '3.8L V6', 291, 20, 26, null, null, 21.0, 5000),
  ('Kia', 'Sportage', 'suv', 28500, '{LX,EX,X-Line,SX-Prestige}', '{petrol,hybrid,plugin_hybrid}', '{automatic}', '{fwd,awd}', 'KND', 'PUCAF', 4, 5, '2.5L I4', 187, 25, 32, null, null, 39.6, 2500),
  ('Kia', 'K5', 'sedan', 27500, '{LX,LXS,GT-Line,EX,GT}', '{petrol}', '{automatic,dual_clutch}', '{fwd,awd}', '5XX', 'G14J2', 4, 5, '1.6L Turbo I4', 180, 29, 38, null, null, 16.0, null),
  ('Kia', 'EV6', 'suv', 43500, '{Light,Wind,GT-Line,GT}', '{electric}', '{automatic}', '{rwd,awd}', 'KND', 'C3DLC', 4, 5, 'Dual Motor', 320, null, null, 310, 84, 24.4, 2300),
  ('Kia', 'Sorento', 'suv', 33000, '{LX,S,EX,SX,X-Pro}', '{petrol,hybrid,plugin_hybrid}', '{automatic}', '{fwd,awd}', '5XY', 'RH4LF', 4, 7, '2.5L I4', 191, 24, 29, null, null, 12.6, 3500),
  ('Subaru', 'Outback', 'wagon', 30000, '{Base,Premium,Onyx Edition,Limited,Touring,Wilderness}', '{petrol}', '{cvt}', '{awd}', '4S4', 'BTACC', 4, 5, '2.5L H4', 182, 26, 32, null, null, 32.6, 2700),
  ('Subaru', 'Forester', 'suv', 30500, '{Base,Premium,Sport,Limited,Touring,Wilderness}', '{petrol}', '{cvt}', '{awd}', 'JF2', 'SKAAC', 4, 5, '2.5L H4', 180, 26, 33, null, null, 29.6, 1500),
  ('Subaru', 'Crosstrek', 'suv', 26500, '{Base,Premium,Sport,Limited,Wilderness}', '{petrol}', '{cvt}', '{awd}', 'JF2', 'GUADC', 4, 5, '2.0L H4', 152, 27, 34, null, null, 19.9, 1500),
  ('Subaru', 'WRX', 'sedan', 33000, '{Base,Premium,Limited,GT,TR}', '{petrol}', '{manual,cvt}', '{awd}', 'JF1', 'VBAF6', 4, 5, '2.4L Turbo H4', 271, 19, 26, null, null, 12.5, null),
  ('Jeep', 'Wrangler', 'suv', 34000, '{Sport,Sport S,Willys,Sahara,Rubicon}', '{petrol,plugin_hybrid}', '{automatic,manual}', '{4wd}', '1C4', 'HJXDG', 4, 5, '3.6L V6', 285, 17, 25, null, null, 31.7, 3500),
  ('Jeep', 'Grand Cherokee', 'suv', 40000, '{Laredo,Altitude,Limited,Overland,Summit}', '{petrol,plugin_hybrid}', '{automatic}', '{rwd,4wd}', '1C4', 'RJKBG', 4, 5, '3.6L V6', 293, 19, 26, null, null, 37.7, 6200),
  ('Jeep', 'Compass', 'suv', 28000, '{Sport,Latitude,Limited,Trailhawk}', '{petrol}', '{automatic}', '{4wd}', '3C4', 'NJDBB', 4, 5, '2.0L Turbo I4', 200, 24, 32, null, null, 27.2, 2000),
  ('Ram', '1500', 'truck', 42000, '{Tradesman,Big Horn,Laramie,Rebel,Limited}', '{petrol}', '{automatic}', '{rwd,4wd}', '1C6', 'SRFFT', 4, 5, '3.0L Hurricane I6', 420, 17, 23, null, null, null, 11500),
  ('Dodge', 'Durango', 'suv', 40500, '{SXT,GT,R/T,Citadel}', '{petrol}', '{automatic}', '{rwd,awd}', '1C4', 'RDJDG', 4, 7, '3.6L V6', 295, 19, 26, null, null, 17.2, 6200),
  ('Chrysler', 'Pacifica', 'minivan', 41000, '{Select,Touring L,Limited,Pinnacle}', '{petrol,plugin_hybrid}', '{automatic}', '{fwd,awd}', '2C4', 'RC1BG', 4, 7, '3.6L V6', 287, 19, 28, null, null, 32.3, 3600),
  ('GMC', 'Sierra 1500', 'truck', 41000, '{Pro,SLE,Elevation,SLT,AT4,Denali}', '{petrol,diesel}', '{automatic}', '{rwd,4wd}', '3GT', 'UUCED', 4, 5, '5.3L V8', 355, 16, 21, null, null, null, 13000),
  ('BMW', '3 Series', 'sedan', 45500, '{330i,330i xDrive,M340i,M340i xDrive}', '{petrol}', '{automatic}', '{rwd,awd}', '3MW', 'FF1C0', 4, 5, '2.0L Turbo I4', 255, 26, 36, null, null, 17.0, null),
  ('BMW', 'X3', 'suv', 49500, '{sDrive30i,xDrive30i,M50 xDrive}', '{petrol}', '{automatic}', '{rwd,awd}', '5UX', 'TY5C0', 4, 5, '2.0L Turbo I4', 255, 24, 30, null, null, 31.0, 4400),
  ('BMW', 'X5', 'suv', 66500, '{sDrive40i,xDrive40i,xDrive50e,M60i}', '{petrol,plugin_hybrid}', '{automatic}', '{rwd,awd}', '5UX', 'CR6C0', 4, 5, '3.0L Turbo I6', 375, 21, 26, null, null, 33.9, 7200),
  ('Mercedes-Benz', 'C-Class', 'sedan', 48000, '{C 300,C 300 4MATIC,AMG C 43}', '{petrol}', '{automatic}', '{rwd,awd}', 'W1K', 'AF4HB', 4, 5, '2.0L Turbo I4', 255, 25, 35, null, null, 12.6, null),
  ('Mercedes-Benz', 'GLE', 'suv', 63000, '{GLE 350,GLE 450,GLE 450e,AMG GLE 53}', '{petrol,plugin_hybrid}', '{automatic}', '{rwd,awd}', '4JG', 'FB5KB', 4, 5, '2.0L Turbo I4', 255, 20, 26, null, null, 33.3, 7700),
  ('Audi', 'A4', 'sedan', 43000, '{Premium,Premium Plus,Prestige}', '{petrol}', '{dual_clutch}', '{fwd,awd}', 'WAU', 'ABAF4', 4, 5, '2.0L Turbo I4', 201, 25, 34, null, null, 12.0, null),
  ('Audi', 'Q5', 'suv', 47000, '{Premium,Premium Plus,Prestige}', '{petrol,plugin_hybrid}', '{dual_clutch}', '{awd}', 'WA1', 'BAAFY', 4, 5, '2.0L Turbo I4', 261, 23, 28, null, null, 25.8, 4400),
  ('Lexus', 'ES', 'sedan', 43000, '{ES 250,ES 300h,ES 350}', '{petrol,hybrid}', '{automatic}', '{fwd,awd}', '58A', 'D1C1F', 4, 5, '2.5L I4', 203, 25, 34, null, null, 13.9, null),
  ('Lexus', 'RX', 'suv', 50000, '{RX 350,RX 350h,RX 450h+,RX 500h}', '{petrol,hybrid,plugin_hybrid}', '{automatic,cvt}', '{fwd,awd}', '2T2', 'BAMCA', 4, 5, '2.4L Turbo I4', 275, 21, 28, null, null, 29.6, 3500),
  ('Tesla', 'Model 3', 'sedan', 42500, '{Standard,Long Range,Performance}', '{electric}', '{automatic}', '{rwd,awd}', '5YJ', '3E1EA', 4, 5, 'Single Motor', 271, null, null, 272, 57, 22.9, null),
  ('Tesla', 'Model Y', 'suv', 46000, '{Standard,Long Range,Performance}', '{electric}', '{automatic}', '{rwd,awd}', '7SA', 'YGDEE', 4, 5, 'Dual Motor', 384, null, null, 310, 75, 76.2, 3500),
  ('Rivian', 'R1S', 'suv', 77000, '{Dual,Tri,Quad}', '{electric}', '{automatic}', '{awd}', '7PD', 'SGBA1', 4, 7, 'Quad Motor', 533, null, null, 321, 135, 104.0, 7700),
  ('Mazda', 'CX-5', 'suv', 29000, '{2.5 S,Select,Preferred,Carbon Edition,Turbo Signature}', '{petrol}', '{automatic}', '{awd}', 'JM3', 'KFBCM', 4, 5, '2.5L I4', 187, 24, 30, null, null, 30.8, 2000),
  ('Mazda', 'Mazda3', 'hatchback', 24500, '{2.5 S,Select Sport,Preferred,Carbon Turbo}', '{petrol}', '{automatic,manual}', '{fwd,awd}', 'JM1', 'BPAMM', 4, 5, '2.5L I4', 191, 27, 36, null, null, 20.1, null),
  ('Mazda', 'MX-5 Miata', 'convertible', 30000, '{Sport,Club,Grand Touring}', '{petrol}', '{manual,automatic}', '{rwd}', 'JM1', 'NDAD7', 2, 2, '2.0L I4', 181, 26, 34, null, null, 4.6, null),
  ('Volkswagen', 'Jetta', 'sedan', 23000, '{S,Sport,SE,SEL,GLI}', '{petrol}', '{automatic,manual}', '{fwd}', '3VW', 'EM7BU', 4, 5, '1.5L Turbo I4', 158, 30, 41, null, null, 14.1, null),
  ('Volkswagen', 'Tiguan', 'suv', 30500, '{S,SE,SE R-Line Black,SEL R-Line}', '{petrol}', '{automatic}', '{fwd,awd}', '3VV', 'B7AX1', 4, 5, '2.0L Turbo I4', 201, 24, 31, null, null, 33.0, 1500),
  ('Volkswagen', 'Atlas', 'suv', 39000, '{SE,SE with Technology,Peak Edition,SEL,SEL Premium R-Line}', '{petrol}', '{automatic}', '{fwd,awd}', '1V2', 'JR2CA', 4, 7, '2.0L Turbo I4', 269, 20, 27, null, null, 20.6, 5000)
) as c (make, model, body_type, base_msrp, trims, fuels, transmissions, drivetrains, wmi, vds, doors, seats,
        engine, horsepower, mpg_city, mpg_highway, range_miles, battery_kwh, cargo_cu_ft, towing_lbs);

update private.seed_catalog set first_year = v.y from (values
  ('HR-V', 2016),
  ('Bronco', 2021),
  ('Mustang Mach-E', 2021),
  ('Maverick', 2022),
  ('Transit', 2015),
  ('Bolt EV', 2017),
  ('Leaf', 2011),
  ('Ioniq 5', 2022),
  ('Palisade', 2020),
  ('Telluride', 2020),
  ('K5', 2021),
  ('EV6', 2022),
  ('Crosstrek', 2013),
  ('WRX', 2015),
  ('Pacifica', 2017),
  ('GLE', 2016),
  ('Model 3', 2017),
  ('Model Y', 2020),
  ('R1S', 2022),
  ('CX-5', 2013),
  ('Atlas', 2018),
  ('Corvette', 2020)
) as v (model, y) where seed_catalog.model = v.model;

revoke all on table private.seed_catalog from public, anon, authenticated, service_role;

-- Deterministic, *ordered* ids for generated rows: 5eedKKKK-0000-4000-8000-<n in hex>.
-- Ordered keys make the bulk load append to the right edge of every
-- primary-key index instead of dirtying random pages (random uuids made a
-- 1M load several times slower, measured). The "5eed" prefix marks demo data.
-- Single SQL expression without SET so that it is inlined into the INSERTs.
create function private.seed_uuid(p_kind integer, p_n bigint) returns uuid
language sql immutable parallel safe as $$
  select ('5eed' || lpad(to_hex(p_kind), 4, '0') || '-0000-4000-8000-' || lpad(to_hex(p_n), 12, '0'))::uuid
$$;
revoke all on function private.seed_uuid(integer, bigint) from public;

-- Registry of generated vehicles (seed number -> vehicle id). `forecourt seed
-- --vehicles N` resumes after max(seed_number); the primary key makes that
-- instant at any size. No FK: it is a log of what the generator produced.
create table private.generated_vehicles (
  seed_number  bigint primary key,
  vehicle_id   uuid not null,
  generated_at timestamptz not null default now()
);
revoke all on table private.generated_vehicles from public, anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- private.seed_vehicles(p_start, p_count): inserts vehicles numbered
-- p_start .. p_start + p_count - 1, each fully determined by its number
-- (id = private.seed_uuid(1, n), make/model/trim/year/condition/mileage/price/
-- colour/location/VIN), with 2-4 images (+ some 360 spins and videos), a
-- spec document and price history (about a quarter of used/CPO cars carry a
-- recent price drop). Numbers already present are skipped, so it can be
-- re-run (a VIN collision with non-seed data fails the batch loudly).
-- Each number is recorded in private.generated_vehicles. Returns the number
-- of vehicles inserted.
--
-- Speed: one INSERT ... SELECT per table per batch. Side-effect triggers are
-- skipped: as superuser via session_replication_role = replica (also skips
-- FK triggers; the rows are consistent by construction), otherwise via the
-- forecourt.bulk_load GUC that the price-history/outbox/audit triggers honour.
-- Call in batches (e.g. 20,000), then VACUUM ANALYZE the inventory tables.
-- Timestamps are relative to now(); everything else is reproducible.
-- -----------------------------------------------------------------------------
create function private.seed_vehicles(p_start bigint, p_count integer, p_ref_year integer default 2026)
returns integer
language plpgsql
set search_path = ''
set jit = off   -- the batch statement's cost estimate triggers LLVM JIT; compiling it cost ~3x the load (measured)
as $$
declare
  v_locations  uuid[];
  v_nloc       integer;
  v_ncat       integer;
  v_inserted   integer;
  v_replica    boolean := false;
  v_bulk_prev  text := coalesce(current_setting('forecourt.bulk_load', true), '');
  -- colour palette weighted like US sales (white/black/gray/silver dominate)
  v_colors     text[] := array['white', 'black', 'gray', 'silver', 'white', 'black', 'gray', 'blue', 'red',
                               'white', 'silver', 'blue', 'green', 'brown', 'beige', 'red', 'gold', 'orange',
                               'yellow', 'purple'];
  v_color_names text[] := array['Pearl White', 'Jet Black', 'Graphite Gray', 'Silver Metallic', 'Glacier White',
                               'Midnight Black', 'Lunar Gray', 'Deep Blue Pearl', 'Ruby Red', 'Arctic White',
                               'Sterling Silver', 'Harbor Blue', 'Forest Green', 'Espresso Brown', 'Sandstone Beige',
                               'Rapid Red', 'Champagne Gold', 'Sunset Orange', 'Solar Yellow', 'Plum Purple'];
  v_interiors  text[] := array['Black Cloth', 'Black Leather', 'Gray Cloth', 'Beige Leather', 'Brown Leather',
                               'Black SofTex', 'Red Leather'];
  v_features   jsonb[] := array[
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control","Leather Seats","Sunroof","Navigation","Power Liftgate"]',
    '["Backup Camera","Bluetooth","Apple CarPlay","Android Auto","Automatic Emergency Braking","Lane Keeping Assist","Blind Spot Monitor","Heated Seats","Keyless Entry","Adaptive Cruise Control","Leather Seats","Sunroof","Navigation","Power Liftgate","Premium Audio","Ventilated Seats","Heads-Up Display","360 Camera"]'
  ]::jsonb[];
begin
  if p_count is null or p_count < 1 then
    return 0;
  end if;
  if p_count > 100000 then
    raise exception 'seed_vehicles: batch of % is too large (max 100000)', p_count using errcode = '22023';
  end if;
  if p_start < 1 or p_start + p_count > 33000000 then
    raise exception 'seed_vehicles: numbers must lie in 1..32999999' using errcode = '22023';
  end if;

  perform set_config('forecourt.bulk_load', 'on', true);
  -- demo data: a crash loses at most the last batch, which a re-run restores
  perform set_config('synchronous_commit', 'off', true);
  begin
    perform set_config('session_replication_role', 'replica', true);
    v_replica := true;
  exception when insufficient_privilege then
    v_replica := false;  -- not a superuser: triggers run but honour forecourt.bulk_load
  end;

  select array_agg(l.id order by l.slug), count(*) into v_locations, v_nloc
  from public.locations l where l.is_active;
  select count(*) into v_ncat from private.seed_catalog;

  with existing as (
    -- numbers of this batch that are already loaded (re-runs): one range scan
    -- on stock_no instead of an ON CONFLICT probe of three unique indexes per
    -- row, which cost ~20% of the load (measured)
    select substr(v.stock_no, 3)::bigint as n
    from public.vehicles v
    where v.stock_no ~ '^FC[0-9]{8}$'
      and v.stock_no between 'FC' || lpad(p_start::text, 8, '0')
                         and 'FC' || lpad((p_start + p_count - 1)::text, 8, '0')
  ), cat as (
    -- weighted VIN check-digit sum of positions 1-8 (WMI + VDS), per model
    select c.*,
           substr(t, 1, 1)::int * 8 + substr(t, 2, 1)::int * 7 + substr(t, 3, 1)::int * 6 + substr(t, 4, 1)::int * 5
           + substr(t, 5, 1)::int * 4 + substr(t, 6, 1)::int * 3 + substr(t, 7, 1)::int * 2 + substr(t, 8, 1)::int * 10
             as vin_prefix_sum
    from private.seed_catalog c
    cross join lateral (select translate(c.wmi || c.vds, 'ABCDEFGHJKLMNPRSTUVWXYZ', '12345678123457923456789') as t) x
  ), gen as (
    select n,
           (pg_catalog.hashint8extended(n, 1) & 9223372036854775807) as h1,
           (pg_catalog.hashint8extended(n, 2) & 9223372036854775807) as h2,
           (pg_catalog.hashint8extended(n, 3) & 9223372036854775807) as h3,
           (pg_catalog.hashint8extended(n, 4) & 9223372036854775807) as h4,
           (pg_catalog.hashint8extended(n, 5) & 9223372036854775807) as h5
    from generate_series(p_start, p_start + p_count - 1) as n
    where n not in (select e.n from existing e)
  ), pick as (
    select g.n, g.h3, g.h4, g.h5, c.*,
           case when g.h2 % 100 < 35 then 'new' when g.h2 % 100 < 85 then 'used' else 'cpo' end as cond,
           1 + (g.h2 / 100 % cardinality(c.trims))::int as tidx
    from gen g
    join cat c on c.idx = 1 + (g.h1 % v_ncat)::int
  ), dated as (
    select p.*,
           case p.cond
             when 'new' then p_ref_year - (p.h3 % 4 = 0 and p.first_year < p_ref_year)::int
             when 'cpo' then p_ref_year - 1 - (p.h3 % greatest(1, least(6, p_ref_year - p.first_year)))::int
             else p_ref_year - 1 - (p.h3 % greatest(1, least(14, p_ref_year - p.first_year)))::int
           end as yr,
           p.fuels[1 + (p.h3 / 16 % cardinality(p.fuels))::int] as fuel,
           p.drivetrains[1 + (p.h3 / 512 % cardinality(p.drivetrains))::int] as drive,
           1 + (p.h4 / 7 % cardinality(v_colors))::int as cidx,
           (p.h5 % 100) as roll
    from pick p
  ), priced as (
    select d.*,
           case when d.cond = 'new' then (d.h4 % 60)::int
                when d.cond = 'cpo' then least(72000, greatest(1500, (p_ref_year - d.yr) * 11500 + (d.h4 % 12000)::int - 6000))
                else greatest(1500, (p_ref_year - d.yr) * 11500 + (d.h4 % 16000)::int - 8000)
           end as miles,
           round(d.base_msrp * (1 + 0.09 * (d.tidx - 1)) / 5) * 5 as msrp
    from dated d
  ), valued as (
    select pr.*,
           case when pr.cond = 'new'
                then pr.msrp - (array[0, 0, 500, 750, 1000, 1500, 2000, 2500])[1 + (pr.h5 / 100 % 8)::int]
                else greatest(4995, round(
                       pr.msrp * power(0.86, p_ref_year - pr.yr)
                       * least(1.10, greatest(0.75, 1 - 0.0025 * (pr.miles - (p_ref_year - pr.yr) * 12000) / 1000.0))
                       * case when pr.cond = 'cpo' then 1.05 else 1.0 end
                       / 100) * 100 - 5)
           end as price_now,
           (pr.cond <> 'new' and pr.roll < 25) as dropped,
           (pr.n % 53 = 0) as sold,
           (pr.n % 71 = 0) as in_transit,
           now() - make_interval(days => 5 + (pr.h4 / 1000 % 115)::int, secs => (pr.h5 / 1000 % 86400)::int) as created
    from priced pr
  ), ins as (
    insert into public.vehicles (
      id, vin, stock_no, make, model, trim, year, body_type, color_ext, color_ext_name, color_int,
      mileage, fuel, transmission, drivetrain, doors, seats, condition, is_special, location_id,
      price_current, price_list, price_previous, price_changed_at, visible, stock_status, sold_at,
      created_at, updated_at)
    select private.seed_uuid(1, v.n),
           -- = private.make_vin(n, wmi, year, vds), computed inline: the
           -- PL/pgSQL call was ~15% of the load (the suite checks every
           -- seeded VIN with private.vin_is_valid)
           v.wmi || v.vds
           || substr('0123456789X',
                (v.vin_prefix_sum
                 + 9 * ('{1,2,3,4,5,6,7,8,1,2,3,4,5,7,9,2,3,5,6,7,8,1,2,3,4,5,6,7,8,9}'::int[])[((v.yr - 1980) % 30 + 30) % 30 + 1]
                 + 8 * ('{1,2,3,4,5,6,7,8,1,2,3,4,5,7,9,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9}'::int[])[((v.n / 1000000) % 33)::int + 1]
                 + 7 * ((v.n % 1000000) / 100000 % 10) + 6 * ((v.n % 1000000) / 10000 % 10)
                 + 5 * ((v.n % 1000000) / 1000 % 10) + 4 * ((v.n % 1000000) / 100 % 10)
                 + 3 * ((v.n % 1000000) / 10 % 10) + 2 * (v.n % 10))::int % 11 + 1, 1)
           || substr('ABCDEFGHJKLMNPRSTVWXY123456789', ((v.yr - 1980) % 30 + 30) % 30 + 1, 1)
           || substr('ABCDEFGHJKLMNPRSTUVWXYZ0123456789', ((v.n / 1000000) % 33)::int + 1, 1)
           || lpad((v.n % 1000000)::text, 6, '0'),
           'FC' || lpad(v.n::text, 8, '0'),
           v.make, v.model, v.trims[v.tidx], v.yr, v.body_type,
           v_colors[v.cidx], v_color_names[v.cidx],
           v_interiors[1 + (v.h3 / 8192 % cardinality(v_interiors))::int],
           v.miles, v.fuel,
           case when v.fuel = 'electric' then 'automatic'
                else v.transmissions[1 + (v.h4 / 131072 % cardinality(v.transmissions))::int] end,
           v.drive, v.doors, v.seats, v.cond,
           (v.roll between 90 and 97),
           case when v_nloc > 0 then v_locations[1 + (v.h5 / 8 % v_nloc)::int] end,
           v.price_now,
           case when v.cond = 'new' then v.msrp
                else v.price_now + (1 + v.h3 / 65536 % 5) * 400 + (case when v.dropped then 1000 else 0 end) end,
           case when v.dropped then v.price_now + (1 + v.h5 / 7 % 4) * 500 end,
           case when v.dropped then now() - make_interval(days => (v.h4 / 33 % 10)::int, hours => 1 + (v.h3 % 20)::int) end,
           not (v.sold or v.in_transit),
           case when v.sold then 'sold' when v.in_transit then 'in_transit'
                when v.n % 97 = 0 then 'reserved' else 'in_stock' end,
           case when v.sold then v.created + (now() - v.created) / 2 end,
           v.created, v.created
    from valued v
    returning id, substr(stock_no, 3)::bigint as n, make, model, trim, year, condition, fuel, transmission,
              drivetrain, seats, doors, color_ext_name, color_int, mileage, title, price_current, price_previous,
              price_changed_at, created_at
  ), media as (
    insert into public.vehicle_media (id, vehicle_id, kind, path, position, alt_text, content_type, width, height,
                                      created_at, updated_at)
    select private.seed_uuid(2, i.n * 8 + k), i.id, 'image'::public.media_kind, 'vehicle-media/' || i.id || '/' || k || '.jpg', k - 1,
           i.title || ', photo ' || k, 'image/jpeg', 1600, 1067, i.created_at, i.created_at
    from ins i
    cross join lateral generate_series(1, 2 + ((pg_catalog.hashint8extended(i.n, 7) & 2147483647) % 3)::int) as k
    union all
    select private.seed_uuid(2, i.n * 8 + 6), i.id, 'spin360'::public.media_kind, 'vehicle-media/' || i.id || '/spin/manifest.json', 0,
           i.title || ', 360 degree view', 'application/json', null, null, i.created_at, i.created_at
    from ins i where (pg_catalog.hashint8extended(i.n, 8) & 2147483647) % 10 = 0
    union all
    select private.seed_uuid(2, i.n * 8 + 7), i.id, 'video'::public.media_kind, 'vehicle-media/' || i.id || '/walkaround.mp4', 0,
           i.title || ', walkaround video', 'video/mp4', 1920, 1080, i.created_at, i.created_at
    from ins i where (pg_catalog.hashint8extended(i.n, 9) & 2147483647) % 20 = 0
    returning 1
  ), specs as (
    insert into public.vehicle_specs (vehicle_id, specs, created_at, updated_at)
    select i.id,
           jsonb_strip_nulls(jsonb_build_object(
             'engine', c.engine,
             'horsepower', c.horsepower + (case when i.trim = c.trims[cardinality(c.trims)] then c.horsepower / 10 else 0 end),
             'mpg_city', case when i.fuel in ('hybrid', 'plugin_hybrid') then c.mpg_city + 12 else c.mpg_city end,
             'mpg_highway', case when i.fuel in ('hybrid', 'plugin_hybrid') then c.mpg_highway + 6 else c.mpg_highway end,
             'range_miles', c.range_miles,
             'battery_kwh', c.battery_kwh,
             'cargo_cu_ft', c.cargo_cu_ft,
             'towing_lbs', c.towing_lbs,
             'drivetrain', i.drivetrain,
             'transmission', i.transmission,
             'fuel', i.fuel,
             'seats', i.seats,
             'doors', i.doors,
             'exterior_color', i.color_ext_name,
             'interior_color', i.color_int,
             'features', v_features[1 + least(3, coalesce(array_position(c.trims, i.trim), 1) - 1)],
             'owners', case when i.condition <> 'new' then 1 + (pg_catalog.hashint8extended(i.n, 10) & 3) % 3 end,
             'accident_free', case when i.condition <> 'new' then (pg_catalog.hashint8extended(i.n, 11) & 7) <> 0 end,
             'warranty', case i.condition
                           when 'new' then '3 yr / 36,000 mi basic, 5 yr / 60,000 mi powertrain'
                           when 'cpo' then 'Certified: 7 yr / 100,000 mi powertrain from original in-service date'
                           else 'Limited 90-day / 3,000 mi dealer warranty' end)),
           i.created_at, i.created_at
    from ins i
    join private.seed_catalog c on c.make = i.make and c.model = i.model
    returning 1
  ), registry as (
    insert into private.generated_vehicles (seed_number, vehicle_id)
    select i.n, i.id from ins i
    on conflict (seed_number) do nothing
    returning 1
  ), history as (
    insert into public.price_history (id, vehicle_id, price, previous_price, source, recorded_at)
    select private.seed_uuid(3, i.n * 2), i.id, coalesce(i.price_previous, i.price_current), null, 'seed', i.created_at
    from ins i
    union all
    select private.seed_uuid(3, i.n * 2 + 1), i.id, i.price_current, i.price_previous, 'seed', i.price_changed_at
    from ins i where i.price_previous is not null
    returning 1
  )
  select count(*) into v_inserted from ins;

  if v_inserted > 0 then
    perform nextval('private.inventory_version');   -- statement triggers were skipped
  end if;
  perform set_config('forecourt.bulk_load', v_bulk_prev, true);
  if v_replica then
    perform set_config('session_replication_role', 'origin', true);
  end if;
  return v_inserted;
end
$$;
comment on function private.seed_vehicles(bigint, integer, integer) is
  'Deterministic bulk inventory generator (vehicles + media + specs + price history); owner only. See docs/data-model.md.';
revoke all on function private.seed_vehicles(bigint, integer, integer) from public;

-- -----------------------------------------------------------------------------
-- Bulk-load mode for large seeds (`forecourt seed --vehicles N`, N >= ~50k):
--   select private.seed_bulk_begin();          -- drop secondary indexes
--   select private.seed_vehicles(s, 20000) ... -- batches, 1 or 2 connections
--   select private.seed_bulk_end();            -- rebuild them (sorted builds), or, on
--     select private.seed_bulk_build_next();   -- each of 2 connections until it
--                                              -- returns null (work queue, progress)
--   (per-index path: then select private.seed_bulk_finish();)
--   vacuum (analyze) vehicles, vehicle_media, vehicle_specs, price_history;
-- Maintaining ~20 secondary indexes (3 of them GIN) row by row costs more than
-- generating the rows; building them once at the end is several times
-- cheaper (measured, docs/data-model.md). Unique indexes stay, so integrity
-- and upserts keep working. Local/scale-test databases only: the
-- inventory is slow to query until seed_bulk_end() has run. Both functions
-- are idempotent; a crashed load is repaired by calling seed_bulk_end().
-- -----------------------------------------------------------------------------
create table private.seed_deferred_indexes (
  index_name text primary key,
  table_name text not null,
  definition text not null,
  saved_at   timestamptz not null default now()
);
revoke all on table private.seed_deferred_indexes from public, anon, authenticated, service_role;

create function private.seed_bulk_begin() returns integer
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

-- Indexes still to rebuild, most expensive first (GIN builds are single-
-- threaded and dominate; then by table size) — for progress reporting.
create function private.seed_bulk_pending_indexes() returns setof text
language sql stable set search_path = '' as $$
  select d.index_name from private.seed_deferred_indexes d
  order by (d.definition ~* ' using gin ') desc,
           pg_catalog.pg_total_relation_size(('public.' || quote_ident(d.table_name))::regclass) desc,
           d.index_name
$$;

-- Rebuild one deferred index (idempotent). Sorted build with generous
-- memory; B-tree builds also use the parallel maintenance workers.
create function private.seed_bulk_build_index(p_index_name text) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_def text;
begin
  select d.definition into v_def from private.seed_deferred_indexes d where d.index_name = p_index_name for update;
  if not found then
    return false;
  end if;
  perform set_config('maintenance_work_mem', '512MB', true);
  perform set_config('max_parallel_maintenance_workers', '2', true);
  if to_regclass('public.' || quote_ident(p_index_name)) is null then
    execute v_def;
  end if;
  delete from private.seed_deferred_indexes where index_name = p_index_name;
  return true;
end
$$;

-- Work queue for N connections: each call builds the most expensive index
-- nobody else is building (row lock + skip locked) and returns its name, or
-- null when nothing is left. Call it in a loop on every connection; this
-- balances long GIN builds against many small B-tree builds.
create function private.seed_bulk_build_next() returns text
language plpgsql set search_path = '' as $$
declare
  v_name text;
begin
  select d.index_name into v_name
  from private.seed_deferred_indexes d
  order by (d.definition ~* ' using gin ') desc,
           pg_catalog.pg_total_relation_size(('public.' || quote_ident(d.table_name))::regclass) desc,
           d.index_name
  limit 1
  for update skip locked;
  if v_name is null then
    return null;
  end if;
  perform private.seed_bulk_build_index(v_name);
  return v_name;
end
$$;

-- Re-enable autovacuum and refresh the model dictionary once all indexes
-- are back (seed_bulk_end() calls it; call it yourself after the
-- seed_bulk_build_next() loop).
create function private.seed_bulk_finish() returns void
language plpgsql set search_path = '' as $$
begin
  alter table public.vehicles reset (autovacuum_enabled);
  alter table public.vehicle_media reset (autovacuum_enabled);
  alter table public.vehicle_specs reset (autovacuum_enabled);
  alter table public.price_history reset (autovacuum_enabled);
  perform private.refresh_vehicle_model_stats();
end
$$;

create function private.seed_bulk_end() returns integer
language plpgsql set search_path = '' as $$
declare
  v_name text;
  n integer := 0;
begin
  for v_name in select * from private.seed_bulk_pending_indexes() loop
    if private.seed_bulk_build_index(v_name) then
      n := n + 1;
    end if;
  end loop;
  perform private.seed_bulk_finish();
  return n;
end
$$;
revoke all on function private.seed_bulk_begin(), private.seed_bulk_end(), private.seed_bulk_pending_indexes(),
  private.seed_bulk_build_index(text), private.seed_bulk_build_next(), private.seed_bulk_finish() from public;
