-- detach_loop.lua — the test the io-pkt driver guide suggests for detach: mount the
-- driver, give the interface an address, run traffic, "ifconfig destroy" — over and over
-- (seed 002, "Shutdown": "It should be possible to do this multiple times with no memory
-- leaks"). After every cycle nothing the driver owned may remain: the DLL is unloaded,
-- nothing is left registered with io-pkt (callouts, interrupt entries and ISRs, threads,
-- shutdown hooks: io:leftovers), and the driver holds no more mbufs than before the first
-- mount (io:leak_check names the oldest leaked mbuf, where it was allocated and the cycle
-- where the growth began).
--
--   pktsim run scenarios/detach_loop.lua --driver NAME -D cycles=1000 -D frames=50
--
-- pktsim: drivers=sam,simnic,sam-thread

local CYCLES = param("cycles", 100)
local FRAMES = param("frames", 20)

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "1000s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
local IF = "dut0"

-- A simnic unit with a loopback plug, for a driver of simnic hardware (pci=0); a
-- hardware-independent driver such as sam ignores it and the pci= option.
local nic = io:nic{}
io:loopback(nic)

local function check(ok, cycle, what, err, msg)
  expect(ok, ("cycle %d: %s: %s %s"):format(cycle, what, tostring(err), tostring(msg)))
end

sys:spawn("admin", function()
  expect(io:leak_check(DRV, 0), "baseline before the first mount")
  for cycle = 1, CYCLES do
    local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=dut")
    check(ok, cycle, "mount " .. DRV, err, msg)
    ok, err, msg = io:ifconfig(IF, "10.0.0.1/24")
    check(ok, cycle, "ifconfig " .. IF .. " 10.0.0.1/24", err, msg)
    local sent
    sent, err = io:send(IF, 60 + (cycle * 37) % 1400, FRAMES)
    expect_eq(sent, FRAMES, ("cycle %d: frames queued (%s)"):format(cycle, tostring(err)))
    sleep("2ms")
    ok, err, msg = io:ifconfig(IF, "destroy")
    check(ok, cycle, "ifconfig " .. IF .. " destroy", err, msg)

    C.cycle_clean(io, DRV, cycle)
  end
end)

C.ran_to_end(sys, io)
