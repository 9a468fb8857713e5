-- attach_names.lua — dev_attach's options and several devices of one driver: name=
-- replaces the driver's name, lan= and unit= choose the unit (and make the mount attach
-- exactly one device), a unit already in use is refused with EALREADY without disturbing
-- the device that has it, and without lan=/unit= a device takes the lowest free unit.
-- Several mounts of one driver share its DLL, which is unloaded with the last device.
--
-- pktsim: drivers=sam,simnic,sam-thread

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "10s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
-- a simnic driver takes the unit pci=N; sam ignores pci= and attaches one device
for _ = 1, 3 do io:loopback(io:nic{}) end

local function mount(opts)
  local ok, err, msg = io:mount(DRV, opts)
  expect(ok, ("mount %s %s: %s %s"):format(DRV, opts, tostring(err), tostring(msg)))
end

local function works(ifname, addr)
  local ok, _, msg = io:ifconfig(ifname, addr)
  expect(ok, ("ifconfig %s %s: %s"):format(ifname, addr, tostring(msg)))
  expect_eq(io:send(ifname, 256, 5), 5, ifname .. ": frames queued")
end

sys:spawn("admin", function()
  mount("pci=0,lan=3,name=xy")
  expect(io:info("xy3").exists, "lan=3,name=xy attaches xy3")
  expect(not io:info("xy0").exists, "lan= attaches exactly one device")

  local ok, err = io:mount(DRV, "pci=1,unit=3,name=xy")
  expect(not ok, "a second xy3 is refused")
  expect_eq(err, "EALREADY", "unit 3 of xy is in use")
  expect(io:info("xy3").exists and io:loaded(DRV), "the refused mount left xy3 alone")

  mount("pci=1,name=xy")
  expect(io:info("xy0").exists, "without lan=/unit= the lowest free unit: xy0")
  mount("pci=2,unit=7")
  local base = DRV:find("simnic", 1, true) and "simnic" or "sam"
  expect(io:info(base .. "7").exists, "without name= the driver's own name: " .. base .. "7")

  works("xy3", "10.0.0.3/24")
  works("xy0", "10.0.1.1/24")
  works(base .. "7", "10.0.2.1/24")
  sleep("10ms")
  for _, ifname in ipairs{ "xy3", base .. "7", "xy0" } do
    expect_eq(io:info(ifname).snd_len, 0, ifname .. ": if_snd drained")
    expect(io:loaded(DRV), "loaded while " .. ifname .. " exists")
    ok, err = io:ifconfig(ifname, "destroy")
    expect(ok, "destroy " .. ifname .. ": " .. tostring(err))
  end
  expect(not io:loaded(DRV), "unloaded with the last device of the last mount")
  local n, what = io:leftovers(DRV)
  expect(n == 0, ("%s was unloaded with %d thing(s) still registered: %s"):format(DRV, n, what))
  expect_eq(io:mbufs(DRV).mbufs, 0, "no mbuf left with the driver")
end)

C.ran_to_end(sys, io)
