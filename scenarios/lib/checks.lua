-- scenarios/lib/checks.lua — checks the scenarios share: `local C = include("lib/checks.lua")`
-- (include() is relative to the scenario's folder; docs/scenarios.md). Expectations
-- raised here name the scenario's line that called in, not a line of this file.
local C = {}

-- The driver under test: driver(), or `default` when that is the reference driver sam
-- (the pktsim run default), which this scenario cannot exercise (no hardware, no thread
-- of its own...). A driver named with --driver is used as it is.
function C.driver_or(default)
  local drv = driver()
  if drv == "devnp-sam.so" then return default end
  return drv
end

-- At the end of the run: unless something already failed (an expectation, or a broken
-- io-pkt rule, which stops the run and fails it), the scenario must have run to its end.
-- io may be nil for a scenario without io-pkt.
function C.ran_to_end(sys, io)
  sys:at_end(function(result)
    if result.failed == 0 and (io == nil or io:breaches() == 0) then
      expect_eq(result.reason, "done", "the scenario ran to its end")
    end
  end)
end

-- At the end of a run that did not fail: no mbuf is left in io-pkt (drv: nor with that
-- driver, named in the message).
function C.no_mbufs_left(sys, io, drv)
  sys:at_end(function(result)
    if result.failed ~= 0 then return end
    if drv then
      local mb = io:mbufs(drv)
      expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf left with the driver at the end")
    end
    local mb = io:mbufs()
    expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf left in io-pkt at the end")
  end)
end

-- After the driver's last interface went: it is unloaded and left nothing registered
-- with io-pkt. what prefixes the messages ("cycle 3").
function C.unloaded_clean(io, drv, what)
  local pre = what and (what .. ": ") or ""
  expect(not io:loaded(drv), pre .. drv .. " is still loaded after its last interface went")
  local n, left = io:leftovers(drv)
  expect(n == 0, ("%s%s was unloaded with %d thing%s still registered with io-pkt: %s")
         :format(pre, drv, n, n == 1 and "" or "s", tostring(left)))
end

-- After the driver's last interface went: unloaded_clean, and no mbuf left with it.
function C.gone_clean(io, drv)
  C.unloaded_clean(io, drv)
  local mb = io:mbufs(drv)
  expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf left with the driver")
end

-- The end of cycle `cycle` of a mount/destroy loop: unloaded_clean, and nothing owned by
-- the driver grew since the first cycle (io:leak_check names the site and the cycle).
function C.cycle_clean(io, drv, cycle)
  C.unloaded_clean(io, drv, ("cycle %d"):format(cycle))
  local clean, why = io:leak_check(drv, cycle)
  expect(clean, why)
end

return C
