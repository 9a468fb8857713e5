-- stale_stop_race.lua — the stop race of the stale-queue family (docs/bug-catalog.md,
-- section 5; seed 002, "Periodic timers"): a periodic callout is one-shot and re-arms
-- itself at its end, and callout_stop does not wait for a handler that is running. When
-- another thread stops the callout while its handler runs, a handler that re-arms
-- without looking at a run flag (cleared by the stopper before callout_stop) restarts the
-- timer that is meant to be stopped. The model reports that re-arm as the breach
-- `callout-rearmed-after-stop`, naming the callout, the stopper and when it stopped.
--
-- The window only opens for a stopper outside the stack context: if_stop and callouts
-- both run in it, one at a time. Here the stopper is the driver's own tracked thread, on
-- another CPU: the driver's tick (every 50 ms), finding new receive errors, asks the
-- thread for a receive-side reset (a pulse) and goes on reading the device's counters;
-- the thread stops the tick at once for the reset, while that tick is still running, and
-- starts it again once the device is reset. The receive errors are made deterministic
-- with io:mbuf_fail: the application's frame gets its mbuf, the driver's receive copy of
-- it does not.
--
-- Each of `resets` rounds (3): `frames` frames (20) out and back in through the thread,
-- one frame whose receive copy fails, then two tick periods for the tick to ask and the
-- thread to reset; checked: the error is counted, the tick is armed again (the thread
-- restarted it), traffic flows. Last, one more error, and `ifconfig down` while the
-- thread is resetting (the tick stopped): the thread must not start the tick again
-- after if_stop; no callout armed, and destroy leaves nothing behind.
--
--   pktsim run scenarios/stale_stop_race.lua --driver qdrv-reset -D resets=10
--
-- Drivers: qdrv-reset (drivers/quiesce-pulse/qdrv.c with QDRV_RESET): sam and simnic have
-- no thread of their own, so nothing outside the stack context ever stops their callouts.
-- pktsim: drivers=qdrv-reset

local RESETS = param("resets", 3)
local FRAMES = param("frames", 20)
local TICK = 50000000                    -- the driver's tick period, ns

local C = include("lib/checks.lua")
local sys = system{ cpus = 3, seed = 1, stall_limit = "1s", time_limit = "30s" }
local io = sys:iopkt{ workers = 2 }
local DRV = C.driver_or("devnp-qdrv-reset.so")
local IF = "qt0"

-- FRAMES out, and back in through the driver's thread
local function traffic(what)
  local before = io:info(IF).ipackets
  expect_eq(io:send(IF, 200, FRAMES), FRAMES, what .. ": frames queued")
  sleep("10ms")
  expect_eq(io:info(IF).ipackets - before, FRAMES, what .. ": frames handed up by the thread")
end

sys:spawn("admin", function()
  local ok, err, msg = io:mount(DRV, "lan=0,name=qt")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:ifconfig(IF, "10.0.0.1/24"), "ifconfig " .. IF .. " up")
  for r = 1, RESETS do
    local round = "reset " .. r
    traffic(round .. ", before")
    local e0 = io:info(IF).ierrors
    io:mbuf_fail(1, 1)                 -- the frame's mbuf; not the driver's receive copy
    local sent, e = io:send(IF, 200, 1)
    expect_eq(sent, 1, round .. ": the frame whose receive copy fails (" .. tostring(e) .. ")")
    sleep(2 * TICK)                    -- a tick sees the error, the thread resets
    io:mbuf_fail(false)
    local i = io:info(IF)
    expect_eq(i.ierrors - e0, 1, round .. ": the failed receive copy is counted")
    expect_eq(i.callouts, 1, round .. ": the tick is armed again after the reset (" ..
              i.callout_desc .. ")")
    traffic(round .. ", after")
  end
  -- if_stop during a reset: wait for the thread to have stopped the tick
  io:mbuf_fail(1, 1)
  expect_eq(io:send(IF, 200, 1), 1, "the last frame whose receive copy fails")
  local waited = 0
  while io:info(IF).callouts > 0 and waited < 2 * TICK do
    sleep("100us")
    waited = waited + 100000
  end
  io:mbuf_fail(false)
  expect_eq(io:info(IF).callouts, 0, "the thread stopped the tick for a reset")
  expect(io:ifconfig(IF, "down"), "ifconfig " .. IF .. " down during the reset")
  sleep(2 * TICK)
  local i = io:info(IF)
  expect_eq(i.callouts, 0, "no callout armed after if_stop, nor after the reset that " ..
            "if_stop interrupted (" .. i.callout_desc .. ")")
  expect(io:ifconfig(IF, "destroy"), "destroy")
  C.unloaded_clean(io, DRV)
end)

C.ran_to_end(sys, io)
