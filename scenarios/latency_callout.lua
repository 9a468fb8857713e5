-- pktsim: drivers=simnic
-- Stack-context latency: a link monitor callout while the cable is out. A callout runs in
-- the stack context (proc0) and must do its work and return: simnic's monitor reads
-- STATUS once and re-arms itself (every 50 ms while the link is down: stale=50). One that
-- polls STATUS in a loop waiting for the link (devnp-lat-callout-poll.so) holds the stack
-- for the whole loop and fails here: docs/bug-catalog.md, 6.
local sys = system{ cpus = 2, seed = 1, stall_limit = "2s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local nic = io:nic{ link = false }            -- no cable plugged: the link stays down
local DRV = driver() == "devnp-sam.so" and "devnp-simnic.so" or driver()

io:latency{ any = "1ms", callout = "500us", probe = "2ms", checks = param("checks", true) }
io:probe("1ms")

sys:spawn("admin", function()
  local ok, e, msg = io:mount(DRV, "pci=" .. nic .. ",lan=0,name=sn," .. param("options", "stale=50"))
  expect(ok, "mount: " .. tostring(msg))
  expect(io:ifconfig("sn0", "10.0.0.1/24"), "up")
  expect_eq(io:info("sn0").link, "down", "no cable")
  sleep("300ms")                              -- several runs of the monitor
  expect(io:ifconfig("sn0", "destroy"), "destroy")
end)

sys:at_end(function(result)
  if result.reason ~= "done" then return end
  local st = io:latency_stats()
  expect(st.entries.callout and st.entries.callout.count >= 3,
         "the monitor ran: " .. (st.entries.callout and st.entries.callout.count or 0))
  expect(st.entries.callout.max < 500000, "callouts held the stack " .. fmt(st.entries.callout.max))
  expect(st.probe.max < 1000000, "the stack stayed free: probe max " .. fmt(st.probe.max))
end)
