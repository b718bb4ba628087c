-- wrk script for `make loadtest`: counts answers that are not 2xx (wrk itself counts only
-- 4xx/5xx, and a redirect to the sign-in page is a failure here too) and prints one line
-- of figures that tests/benchmarks/figures.py reads.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non2xx = 0
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local non2xx_total = 0
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + thread:get("non2xx")
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
   io.write(string.format(
      "LOADTEST requests=%d errors=%d non2xx=%d p50_us=%.1f p95_us=%.1f p99_us=%.1f duration_us=%d\n",
      summary.requests, errors, non2xx_total, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), summary.duration))
end
