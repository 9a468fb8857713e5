-- attach_fail.lua — attach failure paths: an attach that returns an error must leave
-- nothing behind (io-pkt frees the device structure: iopkt-facts.md, "Loading and
-- attaching"). The driver's heap allocations (io:mem_fail) and io-pkt's own calls
-- (io:fail_call) are made to fail the way they fail on a real target: interrupt_entry_init
-- with EAGAIN (no worker left for the entry), InterruptAttach with EAGAIN (no vector).
-- pktsim checks every failed attach for what it left registered in the freed device —
-- pending callouts, interrupt entries, ISRs, shutdown hooks — and for mbufs and heap
-- memory it allocated and kept (breach attach-failed-leftovers); this scenario checks that
-- each failure leaves no interface, no loaded DLL, nothing registered, no mbuf and no heap
-- block, and that the driver works normally afterwards.
--
--   0. each heap allocation of mount and if_init in turn: whatever fails, nothing leaks;
--   1. the only device's interrupt_entry_init fails: the mount fails;
--   2. InterruptAttach fails (in attach or in the first if_init, wherever the driver
--      attaches its ISR): the mount or the ifconfig fails, a second ifconfig works;
--   3. one mount of two devices, the second device's attach fails: the first works.
--
-- pktsim: drivers=sam,simnic,sam-thread

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
local SIMNIC = DRV:find("simnic", 1, true) ~= nil
local MAX_ALLOCS = param("max_allocs", 50)
for _ = 1, 2 do io:loopback(io:nic{}) end

-- after a failed mount: nothing of the driver may remain
local function expect_clean(what)
  expect(not io:info("dut0").exists and not io:info("dut1").exists,
         what .. ": no interface left")
  expect(not io:loaded(DRV), what .. ": the driver is unloaded")
  local n, left = io:leftovers(DRV)
  expect(n == 0, ("%s: %s was unloaded with %d thing(s) still registered: %s")
         :format(what, DRV, n, left))
  expect_eq(io:mbufs(DRV).mbufs, 0, what .. ": no mbuf left with the driver")
  expect_eq(io:mem(DRV).blocks, 0, what .. ": no heap memory left with the driver")
end

-- a working interface: address, traffic, destroy
local function exercise(ifname, what)
  local ok, err, msg = io:ifconfig(ifname, "10.0.0.1/24")
  expect(ok, ("%s: ifconfig %s: %s %s"):format(what, ifname, tostring(err), tostring(msg)))
  expect_eq(io:send(ifname, 400, 10), 10, what .. ": frames queued")
  sleep("10ms")
  expect_eq(io:info(ifname).snd_len, 0, what .. ": if_snd drained")
  ok, err, msg = io:ifconfig(ifname, "destroy")
  expect(ok, ("%s: destroy %s: %s"):format(what, ifname, tostring(msg)))
end

sys:spawn("admin", function()
  -- 0. every heap allocation of mount and if_init made to fail in turn (the k-th, for
  --    k = 0, 1, ...), until one mount and if_init go through without reaching it
  for k = 0, MAX_ALLOCS do
    local fails = io:mem().fails
    io:mem_fail(k, 1)
    local ok = io:mount(DRV, "pci=0,lan=0,name=dut")
    if ok then
      ok = io:ifconfig("dut0", "10.0.0.1/24")
      expect(io:ifconfig("dut0", "destroy"), ("allocation %d failing: destroy"):format(k))
    end
    io:mem_fail(false)
    expect_clean(("heap allocation %d failing"):format(k))
    if ok and io:mem().fails == fails then break end
    expect(k < MAX_ALLOCS, "more than " .. MAX_ALLOCS .. " allocations in mount and if_init")
  end

  -- 1. the attach of the only device fails half-way
  io:fail_call("interrupt_entry_init", 0, 1)
  local ok, err = io:mount(DRV, "pci=0,lan=0,name=dut")
  expect(not ok, "mount with interrupt_entry_init failing must fail")
  expect_eq(err, "EAGAIN", "the mount reports interrupt_entry_init's error")
  expect_clean("interrupt_entry_init failed")

  -- 2. the ISR cannot be attached: in attach (mount fails) or in if_init (ifconfig fails)
  io:fail_call("InterruptAttach", 0, 1)
  ok, err = io:mount(DRV, "pci=0,lan=0,name=dut")
  if ok then
    local ok2, err2 = io:ifconfig("dut0", "10.0.0.1/24")
    if not ok2 then
      expect_eq(err2, "EAGAIN", "ifconfig reports InterruptAttach's error")
      expect(not io:info("dut0").running, "not running after a failed if_init")
    end
    exercise("dut0", "InterruptAttach failed once, then worked")
    expect(not io:loaded(DRV), "unloaded after destroy")
  else
    expect_eq(err, "EAGAIN", "the mount reports InterruptAttach's error")
    expect_clean("InterruptAttach failed")
  end
  expect_clean("after case 2")

  -- 3. two devices, the second one's attach fails: the mount keeps the first
  io:fail_call("interrupt_entry_init", 1, 1)
  ok, err = io:mount(DRV, SIMNIC and "name=dut" or "ndev=2,name=dut")
  expect(ok, "a mount whose second device fails keeps its first: " .. tostring(err))
  expect(io:info("dut0").exists, "dut0 attached")
  expect(not io:info("dut1").exists, "dut1's attach failed: no interface")
  exercise("dut0", "the first of two devices")
  expect_clean("after the mount of two devices")

  -- and with nothing failing, the driver attaches as ever
  ok, err = io:mount(DRV, "pci=0,lan=0,name=dut")
  expect(ok, "mount after the failures: " .. tostring(err))
  exercise("dut0", "no failure")
  expect_clean("at the end")
end)

C.ran_to_end(sys, io)
