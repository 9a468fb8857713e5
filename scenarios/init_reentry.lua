-- init_reentry.lua — if_init called over and over with traffic flowing: the same address
-- again (nothing changed), the MTU up to 9000 and back, down and up, media. io-pkt calls
-- if_init for each of them (seed 002, "Initialization": "the init function can and will
-- be called over and over again"), so if_init must audit the hardware and change only
-- what changed. Detected:
--   - resources that grow with each if_init: mbufs, pending callouts, interrupt entries
--     and ISRs, threads (io:leak_check after every cycle names the oldest leaked mbuf,
--     where it was allocated and the cycle where the growth began);
--   - callout_init on a pending callout (pktsim's breach callout-init-armed);
--   - an if_init that changed nothing but reset the hardware (simnic's CTRL.RST count)
--     or lost frames in flight;
--   - an MTU that if_init does not apply (a frame of the new MTU must come back).
-- The NIC (simnic unit 0, pci=0) has a loopback plug, so what the interface sends comes
-- back to it, as it does through sam's own loopback ring.
--
--   pktsim run scenarios/init_reentry.lua --driver NAME -D cycles=50 -D burst=16
--
-- pktsim: drivers=sam,simnic,sam-thread

local CYCLES = param("cycles", 10)
local BURST = param("burst", 8)

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "100s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
local IF, ADDR = "dut0", "10.0.0.1/24"
local nic = io:nic{}
io:loopback(nic)

local inits = 0  -- if_init calls so far, to name the one at fault

local function state()
  local i = io:info(IF)
  return { ipackets = i.ipackets, ierrors = i.ierrors, init_calls = i.init_calls,
           resets = io:nic_stats(nic).resets }
end

local function ifconfig(args, cycle)
  local ok, err, msg = io:ifconfig(IF, args)
  expect(ok, ("cycle %d: ifconfig %s %s: %s %s"):format(cycle, IF, args, tostring(err),
         tostring(msg)))
  inits = io:info(IF).init_calls
end

-- frames sent just before an ifconfig must all come back: nothing may be lost by an
-- if_init that had no reason to touch the hardware
local function reinit_in_flight(cycle, args, why)
  local b = state()
  expect_eq(io:send(IF, 300, BURST), BURST, ("cycle %d: frames queued"):format(cycle))
  ifconfig(args, cycle)
  sleep("20ms")
  local clean, why = io:leak_check(DRV, cycle)
  expect(clean, why)
  local a = state()
  local what = ("cycle %d: if_init #%d (ifconfig %s %s: %s)"):format(cycle, inits, IF, args, why)
  expect(a.init_calls > b.init_calls, what .. " did not call if_init")
  expect(a.resets == b.resets, ("%s reset the hardware (%d chip reset%s): if_init must "
         .. "audit the chip and change only what changed"):format(what, a.resets - b.resets,
         a.resets - b.resets == 1 and "" or "s"))
  expect(a.ipackets - b.ipackets == BURST and a.ierrors == b.ierrors,
         ("%s lost %d of %d frames in flight (received %d, receive errors %d)")
         :format(what, BURST - (a.ipackets - b.ipackets), BURST, a.ipackets - b.ipackets,
                 a.ierrors - b.ierrors))
end

-- one frame of the MTU's full size must come back through the receiver
local function mtu_frame(cycle, mtu)
  local b = state()
  expect_eq(io:send(IF, mtu + 14, 1), 1, ("cycle %d: a %d-byte frame queued"):format(cycle,
            mtu + 14))
  sleep("20ms")
  local a = state()
  expect(a.ipackets == b.ipackets + 1 and a.ierrors == b.ierrors,
         ("cycle %d: after ifconfig %s mtu %d (if_init #%d) a %d-byte frame did not come "
          .. "back through the receiver (received %d, receive errors %d): if_init must apply "
          .. "if_mtu to the hardware, not only attach"):format(cycle, IF, mtu, inits, mtu + 14,
          a.ipackets - b.ipackets, a.ierrors - b.ierrors))
end

sys:spawn("admin", function()
  local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=dut")
  expect(ok, ("mount %s: %s %s"):format(DRV, tostring(err), tostring(msg)))
  ifconfig(ADDR, 0)
  sleep("10ms")
  expect_eq(io:info(IF).link, "up", "link up")
  mtu_frame(0, 1500)
  sleep("20ms")
  expect(io:leak_check(DRV, 0), "baseline after the first if_init")

  for cycle = 1, CYCLES do
    reinit_in_flight(cycle, ADDR, "the same address again: nothing changed")
    reinit_in_flight(cycle, "mtu 9000", "a larger MTU")
    mtu_frame(cycle, 9000)
    reinit_in_flight(cycle, "mtu 1500", "the MTU back")
    mtu_frame(cycle, 1500)
    ifconfig("down", cycle)
    ifconfig("up", cycle)
    io:ifconfig(IF, "media auto")  -- drivers without ifmedia refuse it: not checked
    sleep("10ms")
    mtu_frame(cycle, 1500)
    sleep("20ms")
    local clean, why = io:leak_check(DRV, cycle)
    expect(clean, why)
  end

  ok, err, msg = io:ifconfig(IF, "destroy")
  expect(ok, "destroy: " .. tostring(msg))
  local n, what = io:leftovers(DRV)
  expect(n == 0, ("%s was unloaded with %d thing(s) still registered: %s"):format(DRV, n, what))
end)

C.ran_to_end(sys, io)
