-- quiesce_cycle.lua — the quiesce family (docs/bug-catalog.md, section 4): a driver with a
-- tracked thread, mounted, brought up, carrying traffic, brought down and up again, and
-- destroyed, `cycles` times. Every step quiesces the thread:
--   * mount: nw_pthread_create quiesces everyone while the new thread runs its init;
--   * ifconfig down: the driver's if_stop uses the big gun, quiesce_all (die = 0);
--   * ifconfig destroy: io-pkt wraps the detach in quiesce_all (die = 0), and the detach
--     reaps the thread with nw_pthread_reap (die = 1).
-- Meanwhile a second thread asks nicinfo every 5 ms and the driver's thread hands frames
-- up, so a stuck stack stalls management requests, callouts and traffic.
--
-- A quiesce that does not complete within quiesce_limit_ms is the breach
-- "quiesce-deadlock", naming every thread that has not reached quiesce_block and why.
-- `-D iopkt=6.6` selects io-pkt 6.6, which refuses a tracked thread without a quiesce
-- callback (EINVAL) instead of deadlocking later (the seeds' io-pkt, the default).
--
-- Parameters: cycles (2), quiesce_limit_ms (50), iopkt ("seeds" or "6.6"), frames (20).
-- Drivers: the two quiesce patterns (drivers/quiesce-pulse: a dispatch loop receiving
-- a pulse; drivers/quiesce-flag: a looping thread polling a flag). sam and simnic have no
-- thread of their own, so there is nothing to quiesce but io-pkt's workers. qdrv-reset
-- is the pulse pattern whose thread also resets the device (stale_stop_race.lua).
-- pktsim: drivers=quiesce-pulse,quiesce-flag,qdrv-reset

local CYCLES = param("cycles", 2)
local LIMIT = param("quiesce_limit_ms", 50)
local FRAMES = param("frames", 20)
local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "30s" }
local io = sys:iopkt{ workers = 2, version = param("iopkt", "seeds"),
                      quiesce_limit = LIMIT * 1000000 }
local DRV = C.driver_or("devnp-quiesce-pulse.so")
local IF = "qt0"
local done = false

-- traffic through the thread: FRAMES out, and back in through the driver's thread
local function traffic(what)
  local i0 = io:info(IF)
  local sent, e = io:send(IF, 200, FRAMES)
  expect_eq(sent, FRAMES, what .. ": frames queued (" .. tostring(e) .. ")")
  sleep("10ms")
  local i = io:info(IF)
  expect_eq(i.opackets - i0.opackets, FRAMES, what .. ": frames sent")
  expect_eq(i.ipackets - i0.ipackets, FRAMES, what .. ": frames handed up by the thread")
end

sys:spawn("admin", function()
  sys:spawn("nicinfo", function()       -- a management request every 5 ms
    while not done do
      io:nicinfo(IF)
      sleep("5ms")
    end
  end)
  for c = 1, CYCLES do
    local cyc = "cycle " .. c
    local ok, err, msg = io:mount(DRV, "lan=0,name=qt")
    expect(ok, cyc .. ": mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
    expect(io:ifconfig(IF, "10.0.0.1/24"), cyc .. ": up")
    traffic(cyc .. " first up")
    expect(io:ifconfig(IF, "down"), cyc .. ": down (if_stop: quiesce_all, die 0)")
    expect_eq(io:info(IF).running, false, cyc .. ": stopped")
    expect(io:ifconfig(IF, "up"), cyc .. ": up again")
    traffic(cyc .. " second up")
    expect(io:ifconfig(IF, "destroy"), cyc .. ": destroy (quiesce_all, then reap: die 1)")
    expect_eq(io:loaded(DRV), false, cyc .. ": the driver is unloaded")
    local n, what = io:leftovers(DRV)
    expect_eq(n, 0, cyc .. ": nothing left (thread reaped): " .. tostring(what))
  end
  done = true
end)

C.ran_to_end(sys, io)
