-- wrk script for bench/vdp.sh: GET /vehicles/{id} over a fixed list of visible ids
-- (one per line in $VDP_IDS), chosen at random per request.
local ids = {}
for line in io.lines(os.getenv("VDP_IDS")) do
  if #line == 36 then ids[#ids + 1] = line end
end
math.randomseed(42)
request = function()
  return wrk.format("GET", "/vehicles/" .. ids[math.random(#ids)])
end

done = function(summary, latency, requests)
  io.write(string.format("p95 %.2f ms, p99 %.2f ms, %d requests, %d non-2xx\n",
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status))
end
