-- wrk script: a fixed mix of realistic /inventory/search requests (filters, facets, sorts,
-- pages 1-5), chosen round-robin per connection so every run sends the same sequence.
-- Usage: wrk -t2 -c32 -d20s --latency -s bench/inventory_mix.lua http://127.0.0.1:PORT
local queries = {
  "/inventory/search",
  "/inventory/search?make=Toyota",
  "/inventory/search?make=Toyota&model=Camry&sort=price_current:asc",
  "/inventory/search?body_type=suv&price_max=35000&sort=price_current:asc&page=2",
  "/inventory/search?make=Honda,Toyota&year_min=2019&page_size=24",
  "/inventory/search?condition=used&mileage_max=40000&sort=mileage:asc&page=3",
  "/inventory/search?fuel=electric&sort=year:desc",
  "/inventory/search?body_type=truck&drivetrain=4wd&price_min=30000&page=4",
  "/inventory/search?make=Ford&color=black,white&sort=price_current:desc",
  "/inventory/search?condition=cpo&year_min=2020&year_max=2023&page=5",
  "/inventory/search?q=toyta%20camry",
  "/inventory/search?q=f150&sort=price_current:asc",
  "/inventory/search?is_special=true&sort=price_current:asc",
  "/inventory/search?make=BMW&transmission=automatic&fuel=petrol,hybrid&page=2",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("p95 %.2f ms, p99 %.2f ms, %d requests, %d non-2xx, %d timeouts\n",
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status, summary.errors.timeout))
end
