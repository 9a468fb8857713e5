-- lifecycle.lua — the life cycle every io-pkt driver must get through, whatever its
-- hardware: mount, address, traffic out, if_init again (mtu), down, up, destroy, mount
-- again, io-pkt exit. It expects nothing of the receive path and nothing of the link
-- state, so it runs against any driver (`pktsim run ... --driver NAME|PATH`); the
-- loopback checks of the reference driver are in attach_traffic.lua.
--
-- pktsim: drivers=sam,test-net
--
-- This is the scenario that checks a driver written for io-pkt without pktsim in mind,
-- such as QNX's published sample sam.c (docs/compat.md).

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
-- name= makes the interface "dut0" whatever the driver calls itself (dev_attach's option)
local IF = "dut0"

local function expect_state(what, want)
  local i = io:info(IF)
  for _, k in ipairs{ "exists", "up", "running", "mtu", "init_calls", "stop_calls",
                      "opackets", "snd_len" } do
    if want[k] ~= nil then expect_eq(i[k], want[k], what .. ": " .. IF .. "." .. k) end
  end
  return i
end

sys:spawn("admin", function()
  local ok, err, msg = io:mount(DRV, "lan=0,name=dut")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect_state("attached", { exists = true, up = false, running = false, init_calls = 0 })

  ok, err, msg = io:ifconfig(IF, "10.0.0.1/24")
  expect(ok, "ifconfig address: " .. tostring(msg))
  expect_state("configured", { up = true, running = true, init_calls = 1, mtu = 1500 })

  -- frames out: whatever the driver does with them, it takes them off if_snd and counts
  local sent
  sent, err = io:send(IF, 200, 10)
  expect_eq(sent, 10, "10 frames queued")
  expect_eq(err, nil, "no send error")
  sleep("100ms")
  expect_state("after traffic", { opackets = 10, snd_len = 0 })

  -- if_init again on a running interface
  ok, err, msg = io:ifconfig(IF, "mtu 1400")
  expect(ok, "ifconfig mtu 1400: " .. tostring(msg))
  expect_state("mtu changed", { mtu = 1400, running = true, init_calls = 2, stop_calls = 0 })
  expect_eq(io:send(IF, 1414, 5), 5, "5 frames at the new mtu")
  sleep("100ms")
  expect_state("after the mtu change", { opackets = 15, snd_len = 0 })

  ok, err, msg = io:ifconfig(IF, "down")
  expect(ok, "ifconfig down: " .. tostring(msg))
  expect_state("down", { up = false, running = false, stop_calls = 1, snd_len = 0 })
  sent, err = io:send(IF, 200, 1)
  expect_eq(err, "ENETDOWN", "sending while down")

  ok, err, msg = io:ifconfig(IF, "up")
  expect(ok, "ifconfig up: " .. tostring(msg))
  expect_state("up again", { up = true, running = true, init_calls = 3 })
  expect_eq(io:send(IF, 200, 3), 3, "3 frames after up")
  sleep("100ms")
  expect_state("after up", { opackets = 18, snd_len = 0 })

  ok, err, msg = io:ifconfig(IF, "destroy")
  expect(ok, "ifconfig destroy: " .. tostring(msg))
  expect_eq(io:info(IF).exists, false, IF .. " is gone")
  expect_eq(io:loaded(DRV), false, "the driver is unloaded with its last interface")
  local n, what = io:leftovers(DRV)
  expect_eq(n, 0, "nothing left registered at unload: " .. what)
  local mb = io:mbufs(DRV)
  expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf owned by the driver after destroy")

  -- mount again (attach must work on a freshly loaded DLL), then io-pkt exits: the
  -- shutdown hook runs and must only quiet the hardware
  ok, err, msg = io:mount(DRV, "lan=0,name=dut")
  expect(ok, "mount again: " .. tostring(msg))
  expect(io:ifconfig(IF, "10.0.0.1/24"), "configured again")
  ok, err, msg = io:shutdown()
  expect(ok, "io-pkt shutdown: " .. tostring(msg))
end)

C.ran_to_end(sys, io)
