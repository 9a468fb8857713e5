-- detach_two.lua — two devices of one mount destroyed at the same time. The first one is
-- running (address, traffic), the second was never configured. Each detach runs in its
-- own pseudo-thread of the stack context; when one yields the stack (nic_delay, ltsleep),
-- io-pkt serves the other meanwhile. The device that is detached last must be the one
-- that lets io-pkt unload the DLL, and no detach may yield after it has marked its device
-- removed: otherwise the other detach unloads the DLL under it, and it crashes when it
-- resumes (seed 002, "Detach function"; pktsim reports use-of-unloaded-driver).
--
--   pktsim run scenarios/detach_two.lua --driver NAME -D cycles=10
--
-- pktsim: drivers=sam,simnic,sam-thread

local CYCLES = param("cycles", 3)
local FRAMES = param("frames", 20)

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "100s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()

-- Two simnic units with loopback plugs for a simnic driver, which attaches one device per
-- unit it finds; sam attaches ndev=2 devices and has no hardware.
for _ = 1, 2 do io:loopback(io:nic{}) end
local OPTS = DRV:find("simnic", 1, true) and "name=dut" or "ndev=2,name=dut"

local function destroyer(ifname, results)
  return function()
    local ok, err, msg = io:ifconfig(ifname, "destroy")
    results[ifname] = ok or (tostring(err) .. " " .. tostring(msg))
  end
end

sys:spawn("admin", function()
  expect(io:leak_check(DRV, 0), "baseline before the first mount")
  for cycle = 1, CYCLES do
    local ok, err, msg = io:mount(DRV, OPTS)
    expect(ok, ("cycle %d: mount %s %s: %s %s"):format(cycle, DRV, OPTS, tostring(err),
           tostring(msg)))
    expect(io:info("dut0").exists and io:info("dut1").exists,
           ("cycle %d: one mount, two devices dut0 and dut1"):format(cycle))
    ok, err, msg = io:ifconfig("dut0", "10.0.0.1/24")
    expect(ok, ("cycle %d: ifconfig dut0: %s"):format(cycle, tostring(msg)))
    expect_eq(io:send("dut0", 200, FRAMES), FRAMES, ("cycle %d: frames queued"):format(cycle))

    -- both destroys at once: dut0's request is queued first, dut1's right behind it
    local results = {}
    local a = sys:spawn("destroy dut0", destroyer("dut0", results))
    local b = sys:spawn("destroy dut1", destroyer("dut1", results))
    a:join()
    b:join()
    expect_eq(results.dut0, true, ("cycle %d: destroy dut0"):format(cycle))
    expect_eq(results.dut1, true, ("cycle %d: destroy dut1"):format(cycle))
    C.cycle_clean(io, DRV, cycle)
  end
end)

C.ran_to_end(sys, io)
