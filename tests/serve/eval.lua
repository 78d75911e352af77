-- wrk script for make bench-serve: POST the bundled example profile to /api/v1/eval.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/yaml"
local f = assert(io.open(os.getenv("CALC_EXAMPLE") or "cases/profiles/example.yaml", "r"))
wrk.body = f:read("*a")
f:close()

function done(summary, latency, requests)
  io.write(string.format("bench-serve: %.0f requests/s, p99 %.2f ms, %d errors (status %d)\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
