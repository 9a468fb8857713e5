-- attach_traffic.lua — the life of one interface, the way io-pkt's driver guide says to
-- test a driver: mount it, give it an address, run traffic, change the MTU (if_init runs
-- again while running), take it down and up, destroy it; then mount two devices at once
-- and destroy them one at a time. Nothing may be left behind: no mbuf owned by the
-- driver, no loaded DLL, no breach of io-pkt's rules.
--
-- It runs against the driver under test, `pktsim run ... --driver NAME|PATH` (default:
-- sam, the reference driver, whose transmitted frames loop back to its own receive
-- path). A driver whose frames do not come back fails the receive expectations.

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()

-- Frame sizes (bytes on the wire, Ethernet header included, no CRC).
local SMALL, FULL, JUMBO = 100, 1514, 9014

local function check(ifname, want, what)
  local i = io:info(ifname)
  for _, k in ipairs(want.keys) do
    expect_eq(i[k], want[k], what .. ": " .. ifname .. "." .. k)
  end
  return i
end

local function state(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  t.keys = keys
  return t
end

-- Give the interrupt path time to hand looped-back frames up: the driver sees its
-- interrupt every 1 ms, a TX retry callout fires within a tick (1/119 s).
local function settle() sleep("100ms") end

sys:spawn("admin", function()
  ---------------------------------------------------------------- mount
  -- name= keeps the interfaces samN whatever the driver under test calls itself
  local ok, err, msg = io:mount(DRV, "lan=0,name=sam")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:loaded(DRV), "the driver is loaded after mount")
  check("sam0", state{ exists = true, up = false, running = false, init_calls = 0 },
        "attached, not initialised")

  -- Mistakes come back as values, not Lua errors.
  ok, err = io:mount("devnp-no-such-driver.so", "")
  expect_eq(ok, nil, "mounting a missing driver fails")
  expect_eq(err, "ENXIO", "mounting a missing driver")
  ok, err = io:ifconfig("sam7", "up")
  expect_eq(ok, nil, "ifconfig of an unknown interface fails")
  expect_eq(err, "ENXIO", "ifconfig of an unknown interface")

  ------------------------------------------------------------- address
  ok, err, msg = io:ifconfig("sam0", "10.0.0.1/24")
  expect(ok, "ifconfig sam0 10.0.0.1/24: " .. tostring(msg))
  check("sam0", state{ up = true, running = true, link = "up", mtu = 1500, init_calls = 1,
                       oactive = false },
        "configured")

  ------------------------------------------------------------- traffic
  local sent
  sent, err = io:send("sam0", SMALL, 10)
  expect_eq(sent, 10, "10 small frames queued")
  expect_eq(err, nil, "no send error")
  settle()
  check("sam0", state{ opackets = 10, ipackets = 10, delivered = 10, ierrors = 0,
                       oerrors = 0, snd_len = 0, oactive = false },
        "10 frames looped back")

  -- A burst larger than sam's 16-frame loopback ring: the driver runs out of room,
  -- leaves the rest queued with IFF_OACTIVE set and retries from a callout.
  sent, err = io:send("sam0", FULL, 40)
  expect_eq(sent, 40, "a burst of 40 full-size frames queued")
  local i = io:info("sam0")
  expect(i.oactive, "IFF_OACTIVE while the ring is full")
  expect(i.snd_len > 0, "frames wait in if_snd while the ring is full")
  expect_eq(i.opackets + i.snd_len, 50, "every frame is either sent or queued")
  settle()
  check("sam0", state{ opackets = 50, ipackets = 50, delivered = 50, snd_len = 0,
                       oactive = false, snd_drops = 0 },
        "the burst drained through the TX retry")

  --------------------------------------------------------- mtu change
  -- if_init runs again, on a running interface; traffic keeps flowing.
  ok, err, msg = io:ifconfig("sam0", "mtu 9000")
  expect(ok, "ifconfig sam0 mtu 9000: " .. tostring(msg))
  check("sam0", state{ mtu = 9000, running = true, up = true, init_calls = 2, stop_calls = 0 },
        "after the mtu change")
  sent = io:send("sam0", JUMBO, 5)
  expect_eq(sent, 5, "5 jumbo frames queued")
  settle()
  check("sam0", state{ opackets = 55, ipackets = 55, delivered = 55, ierrors = 0 },
        "jumbo frames looped back")

  ----------------------------------------------------------------- down
  -- A burst, then down before it drains: if_stop runs, the queue is purged, and frames
  -- already looped back but not yet delivered are dropped by the driver.
  sent = io:send("sam0", FULL, 40)
  expect_eq(sent, 40, "a second burst queued")
  ok, err, msg = io:ifconfig("sam0", "down")
  expect(ok, "ifconfig sam0 down: " .. tostring(msg))
  i = check("sam0", state{ up = false, running = false, oactive = false, snd_len = 0,
                           stop_calls = 1, link = "down" },
            "down")
  local opackets_at_down, ipackets_at_down = i.opackets, i.ipackets
  expect(opackets_at_down < 95, "some of the burst was purged, not sent")
  sent, err = io:send("sam0", SMALL, 3)
  expect_eq(sent, 0, "nothing is sent while down")
  expect_eq(err, "ENETDOWN", "sending while down")
  settle()
  check("sam0", state{ opackets = opackets_at_down, ipackets = ipackets_at_down },
        "no traffic while down")

  ------------------------------------------------------------------- up
  ok, err, msg = io:ifconfig("sam0", "up")
  expect(ok, "ifconfig sam0 up: " .. tostring(msg))
  check("sam0", state{ up = true, running = true, link = "up", init_calls = 3, mtu = 9000 },
        "up again")
  settle()
  check("sam0", state{ opackets = opackets_at_down, ipackets = ipackets_at_down },
        "no stale frame appears after up")
  sent = io:send("sam0", SMALL, 5)
  expect_eq(sent, 5, "5 frames after up")
  settle()
  check("sam0", state{ opackets = opackets_at_down + 5, ipackets = ipackets_at_down + 5 },
        "traffic flows after up")

  -------------------------------------------------------------- destroy
  ok, err, msg = io:ifconfig("sam0", "destroy")
  expect(ok, "ifconfig sam0 destroy: " .. tostring(msg))
  expect_eq(io:info("sam0").exists, false, "sam0 is gone")
  expect_eq(io:loaded(DRV), false, "the driver is unloaded with its last interface")
  local n, what = io:leftovers(DRV)
  expect_eq(n, 0, "nothing left registered at unload: " .. what)
  local mb = io:mbufs(DRV)
  expect(mb.allocs >= 60, "the driver allocated the receive mbufs")
  expect_eq(mb.mbufs, 0, "no mbuf owned by the driver after destroy")
  expect_eq(mb.clusters, 0, "no cluster owned by the driver after destroy")
  expect_eq(mb.allocs, mb.frees, "the driver freed every mbuf it allocated")

  ------------------------------------------------- two devices, one mount
  -- Destroying the first must not unload the DLL under the second.
  ok, err, msg = io:mount(DRV, "ndev=2,name=sam")
  expect(ok, "mount " .. DRV .. " ndev=2: " .. tostring(msg))
  expect(io:info("sam0").exists and io:info("sam1").exists, "sam0 and sam1 attached")
  expect(io:ifconfig("sam1", "10.0.1.1/24"), "sam1 configured")
  expect_eq(io:send("sam1", SMALL, 4), 4, "4 frames through sam1")
  settle()
  check("sam1", state{ opackets = 4, ipackets = 4 }, "sam1 traffic")
  expect(io:ifconfig("sam0", "destroy"), "destroy sam0")
  expect(io:loaded(DRV), "the driver stays loaded while sam1 exists")
  check("sam1", state{ running = true }, "sam1 still running")
  expect_eq(io:send("sam1", SMALL, 2), 2, "sam1 still sends")
  settle()
  check("sam1", state{ ipackets = 6 }, "sam1 still receives")
  expect(io:ifconfig("sam1", "destroy"), "destroy sam1")
  expect_eq(io:loaded(DRV), false, "unloaded with the last device")
  n, what = io:leftovers(DRV)
  expect_eq(n, 0, "nothing left registered at the second unload: " .. what)

  -- Anything the driver left armed (a callout, an interrupt) fires now, into a device
  -- that no longer exists: let the monitor period pass twice.
  sleep("5s")
end)

C.ran_to_end(sys, io)
C.no_mbufs_left(sys, io, DRV)
