-- pktsim: drivers=test-net
-- Stack-context latency: if_start runs in the stack context (a socket write) and needs a
-- mutex the driver's own RX thread holds for bursts of 400 us (test-net's rxthread
-- option). The correct driver tries the mutex and, when the RX thread has it, leaves the
-- frames queued for a re-armed callout: the stack never waits, every frame still goes
-- out, and the probe sees the stack free. One that waits for the mutex
-- (devnp-lat-start-mutex.so) fails here: docs/bug-catalog.md, 6.
local sys = system{ cpus = 2, seed = 1, stall_limit = "2s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local ROUNDS = param("rounds", 20)

io:latency{ any = "1ms", if_start = "100us", probe = "2ms", checks = param("checks", true) }
io:probe("250us")

sys:spawn("app", function()
  local ok, e, msg = io:mount(driver(), "lan=0,name=lat,rxthread")
  expect(ok, "mount: " .. tostring(msg))
  expect(io:ifconfig("lat0", "10.0.0.1/24"), "up")
  for _ = 1, ROUNDS do
    expect_eq(io:send("lat0", 100, 5), 5, "5 frames queued")
    sleep("700us")
  end
  sleep("20ms")                       -- the retry callout drains what is left
end)

sys:at_end(function(result)
  if result.reason ~= "done" then return end
  local st = io:latency_stats()
  expect_eq(io:info("lat0").opackets, ROUNDS * 5, "every frame went out")
  expect(st.entries.if_start.max < 100000, "if_start held the stack " .. fmt(st.entries.if_start.max))
  expect(st.probe.count > 50, "the probe ran: " .. st.probe.count)
  expect(st.probe.max < 1000000, "the stack stayed free: probe max " .. fmt(st.probe.max))
end)
