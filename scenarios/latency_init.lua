-- pktsim: drivers=test-net,sam
-- Stack-context latency: an if_init that must wait for slow hardware (test-net's
-- slowinit=500: 500 ms) must not hold the stack context meanwhile. lat0 waits with tsleep,
-- lat1 hands the wait to io-pkt main with blockop; both leave the stack free, which the
-- probe (a status request every 500 us, like "ifconfig" in a loop) shows. A driver that
-- busy-waits instead (devnp-lat-init-delay.so) fails here: docs/bug-catalog.md, 6.
local sys = system{ cpus = 2, seed = 1, stall_limit = "2s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local SLOW = param("slow", 500)

io:latency{ any = "1ms", if_init = "200us", probe = "2ms", checks = param("checks", true) }
io:probe("500us")

local took = {}
local function bring_up(ifname, lan, extra)
  local ok, e, msg = io:mount(driver(), "lan=" .. lan .. ",name=lat,slowinit=" .. SLOW .. extra)
  expect(ok, "mount " .. ifname .. ": " .. tostring(msg))
  local t0 = now()
  expect(io:ifconfig(ifname, "10.0.0." .. (lan + 1) .. "/24"), "ifconfig " .. ifname .. " up")
  took[ifname] = now() - t0
end

sys:spawn("admin", function()
  bring_up("lat0", 0, "")            -- tsleep in if_init
  bring_up("lat1", 1, ",blockop")    -- blockop in if_init
  sleep("10ms")
end)

sys:at_end(function(result)
  if result.reason ~= "done" then return end   -- a breach said why already
  local st = io:latency_stats()
  local slow = driver():find("sam") == nil
  if slow then
    -- the wait really happened, and the stack was free during it
    expect(took.lat0 >= SLOW * 1000000, "lat0's if_init waited " .. fmt(took.lat0 or 0))
    expect(took.lat1 >= SLOW * 1000000, "lat1's if_init waited " .. fmt(took.lat1 or 0))
  end
  expect(st.probe.count >= 10, "the probe ran: " .. st.probe.count)
  expect(st.probe.max < 1000000, "the stack stayed free: probe max " .. fmt(st.probe.max))
  expect(st.entries.if_init.max < 200000, "if_init held the stack " .. fmt(st.entries.if_init.max))
end)
