-- A write to public.locations bumps the inventory version, as writes to vehicles, their
-- media and specs do (20261125140100).
--
-- Why: a card shows its car's location (city, state; none when the location is not
-- active). Cached search and vehicle responses carry the inventory version in their keys,
-- and the server's search index writes the public's cards from its own copy of the
-- locations, which it reads again on every version bump (src/api/index_cards.hpp). Without
-- the bump, a renamed city or a closed location showed on cards until the caches expired,
-- and in the index's cards until some vehicle changed. Locations change rarely: one bump
-- per statement costs nothing that matters.
create trigger locations_inventory_version after insert or update or delete or truncate on public.locations
  for each statement execute function private.bump_inventory_version();
