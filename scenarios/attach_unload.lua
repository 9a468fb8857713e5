-- attach_unload.lua — one mount attaching two devices while the first one is destroyed as
-- soon as it appears. If the driver's attach of the second device yields the stack
-- context (nic_delay, ltsleep) before it counts its device as present, io-pkt serves the
-- destroy meanwhile: the first device's detach sees no device left, keeps its DLL handle,
-- and io-pkt unloads the DLL under the attach still sleeping in it (seed 002, "Detach
-- function": "A similar issue can occur if a driver's attach function yields the stack
-- context before internally marking the device as present"). pktsim reports the unload
-- as use-of-unloaded-driver instead of crashing. A correct driver ends with the second
-- device attached and the DLL loaded for it.
--
-- pktsim: drivers=sam,simnic,sam-thread

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()

-- simnic drivers attach one device per unit found; sam attaches ndev=2 devices.
for _ = 1, 2 do io:loopback(io:nic{}) end
local OPTS = DRV:find("simnic", 1, true) and "name=dut" or "ndev=2,name=dut"

local destroyed

sys:spawn("admin", function()
  -- destroys dut0 the moment it exists, while the mount may still be attaching dut1
  local killer = sys:spawn("destroy dut0", function()
    while not io:info("dut0").exists do sleep("100us") end
    local ok, err, msg = io:ifconfig("dut0", "destroy")
    destroyed = ok or (tostring(err) .. " " .. tostring(msg))
  end)
  local ok, err, msg = io:mount(DRV, OPTS)
  expect(ok, ("mount %s %s: %s %s"):format(DRV, OPTS, tostring(err), tostring(msg)))
  killer:join()
  expect_eq(destroyed, true, "destroy dut0")
  expect(io:info("dut1").exists, "dut1 attached")
  expect(io:loaded(DRV), "the DLL stays loaded for dut1")

  ok, err, msg = io:ifconfig("dut1", "10.0.0.2/24")
  expect(ok, "ifconfig dut1: " .. tostring(msg))
  expect_eq(io:send("dut1", 300, 10), 10, "frames through dut1")
  sleep("10ms")
  ok, err, msg = io:ifconfig("dut1", "destroy")
  expect(ok, "destroy dut1: " .. tostring(msg))
  expect(not io:loaded(DRV), "unloaded with its last device")
  local n, what = io:leftovers(DRV)
  expect(n == 0, ("%s was unloaded with %d thing(s) still registered: %s"):format(DRV, n, what))
  local mb = io:mbufs(DRV)
  expect_eq(mb.mbufs, 0, "no mbuf left with the driver")
end)

C.ran_to_end(sys, io)
