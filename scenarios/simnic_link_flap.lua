-- simnic_link_flap.lua — the cable comes and goes under traffic. What the io-pkt driver
-- documents ask of a driver when the link drops (seed 000, "Managing the TX queue during
-- resource conflict or link failure"):
--
--   * while the link is down, frames the application writes stay queued (IFF_OACTIVE
--     set, if_snd filling) instead of being handed to a NIC that would drop them;
--   * when the link comes back the driver restarts transmission itself — io-pkt would
--     not call if_start again until the application's next frame — so traffic continues
--     after every flap and no frame is left stuck in if_snd;
--   * when the link stays down longer than "stale=" ms, the queued frames are out of date
--     and are purged (IFQ_PURGE), again and again while it stays down.
--
-- Two short flaps (the link_flap fault: 20 ms out, 20 ms in, twice), then a long one with
-- the cable pulled for 800 ms against stale=200. Counts must agree exactly at both ends:
-- every frame the peer sent arrived, and every frame the application queued was either
-- received by the peer, dropped by the NIC when the cable went (TXDROP), or purged as
-- stale — nothing else.
--
-- The default reference driver (sam) has no hardware: this scenario defaults to
-- devnp-simnic.so unless --driver names another.

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "2s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = C.driver_or("devnp-simnic.so")

local nic = io:nic{ speed = "1G" }

local IN_SIZES = { 64, 1514, 300 }
local OUT_SIZES = { 60, 1000, 1514 }
local N_IN = 4000            -- peer frames, one every 100 us while the link is up
local PERIOD = 100000        -- ns between the peer's frames
local APP_PERIOD = 1000000   -- ns between the application's bursts
local STALE_MS = 200
local BURST = 16             -- application frames per burst

local t0 = 0                 -- when the peer started: its frame n is due at t0 + n * PERIOD
local app_ok, app_nobufs, app_done = 0, 0, false

local function info() return io:info("sn0") end

-- Sleep until t0 + at. Cable events happen half-way between two peer frames, so no
-- frame is on the wire when the cable goes (a frame in flight would be lost: the peer
-- counts it as sent, the NIC never sees it).
local function at(t) sleep(t0 + t - now()) end

-- Traffic continues after a flap: more frames in both directions within 20 ms, and if_snd
-- drains (the driver restarted transmission itself).
local function continues(what)
  local i0 = info()
  sleep("20ms")
  local i = info()
  expect(i.link == "up", what .. ": link reported up")
  expect(i.ipackets > i0.ipackets, what .. ": frames received after the flap")
  expect(i.opackets > i0.opackets, what .. ": frames sent after the flap")
  expect(i.snd_len < BURST, what .. ": the frames queued while down went out (snd_len " ..
         i.snd_len .. ")")
end

sys:spawn("admin", function()
  local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=sn,stale=" .. STALE_MS)
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:ifconfig("sn0", "10.0.0.1/24"), "ifconfig sn0")
  ok, err, msg = io:peer(nic, { rate = 1e9 // PERIOD, count = N_IN, sizes = IN_SIZES })
  expect(ok, "peer: " .. tostring(msg))
  t0 = now()

  -- The application: a burst of BURST frames every APP_PERIOD, whatever the link does.
  -- A cable pull that catches a burst in the TX ring makes the NIC drop those frames
  -- (TXDROP): the driver must count them as errors, not as sent.
  sys:spawn("app", function()
    local k = 0
    while not app_done do
      for _ = 1, BURST do
        local n, e = io:send("sn0", OUT_SIZES[k % #OUT_SIZES + 1])
        if n == 1 then
          app_ok = app_ok + 1
        else
          expect_eq(e, "ENOBUFS", "the only send failure is a full if_snd")
          app_nobufs = app_nobufs + 1
          break                     -- if_snd is full: try again next period
        end
        k = k + 1
      end
      sleep(APP_PERIOD)
    end
  end)

  ----------------------------------------------------------- two short flaps
  at(50050000)
  expect_eq(info().link, "up", "link up before the flaps")
  ok, err, msg = io:fault(nic, "link_flap", "40ms", 2)
  expect(ok, "link_flap: " .. tostring(msg))
  sleep("10ms")
  local i = info()
  expect_eq(i.link, "down", "flap 1: the driver saw the link go (LSC)")
  expect(i.oactive, "flap 1: IFF_OACTIVE while the link is down")
  expect(i.snd_len > 0, "flap 1: frames wait in if_snd")
  at(70050000)
  continues("flap 1")
  at(110050000)
  continues("flap 2")

  ------------------------------------------------------------ a long one
  at(250050000)
  expect(io:link(nic, false), "cable pulled")
  sleep("150ms")
  i = info()
  expect_eq(i.link, "down", "long flap: link down")
  expect_eq(i.snd_len, i.snd_maxlen, "long flap: if_snd fills up while the link is down")
  expect(app_nobufs > 0, "long flap: the application sees ENOBUFS")
  local oerr = i.oerrors
  at(500050000)                     -- 250 ms down: past stale=200
  i = info()
  expect(i.oerrors > oerr, "long flap: stale frames purged (oerrors " .. oerr .. " -> " ..
         i.oerrors .. ")")
  oerr = i.oerrors
  at(900050000)                     -- and purged again while the link stays down
  expect(info().oerrors > oerr, "long flap: purged again")
  at(1050050000)
  expect(io:link(nic, true), "cable plugged")
  continues("long flap")

  ------------------------------------------------------- the end of traffic
  at(1600050000)
  app_done = true
  sleep("50ms")
  expect_eq(io:nic_stats(nic).peer_sent, N_IN, "the peer has sent everything")
  sleep("2s")                       -- the monitor folds the NIC's drop counters in

  local st = io:nic_stats(nic)
  i = info()
  -- nothing stuck
  expect_eq(i.snd_len, 0, "no frame stuck in if_snd")
  expect_eq(i.oactive, false, "IFF_OACTIVE clear at the end")
  -- into io-pkt: every frame the peer sent
  expect_eq(st.rx_frames, N_IN, "the NIC received every peer frame")
  expect_eq(st.rx_missed, 0, "no frame missed for want of a descriptor")
  expect_eq(i.ipackets, N_IN, "the driver handed every frame up")
  expect_eq(i.delivered, N_IN, "io-pkt took every frame")
  -- out of io-pkt: every frame the application queued is accounted for
  expect_eq(i.snd_drops, app_nobufs, "ENOBUFS only when if_snd was full")
  expect_eq(st.tx_frames, i.opackets, "what the driver counts as sent went on the wire")
  expect_eq(st.peer_received, st.tx_frames, "the peer received every frame sent")
  expect_eq(st.peer_corrupted + st.peer_duplicated + st.peer_reordered, 0,
            "nothing corrupted, duplicated or reordered")
  expect(st.tx_dropped > 0, "a cable pull caught frames in the TX ring")
  expect(i.oerrors >= st.tx_dropped, "the NIC's link-down drops are counted as errors")
  expect_eq(i.opackets + i.oerrors, app_ok, "every queued frame: sent, dropped or purged")
  log("app", app_ok, "queued", app_nobufs, "ENOBUFS", i.opackets, "sent",
      st.tx_dropped, "dropped by the NIC", i.oerrors - st.tx_dropped, "purged")

  --------------------------------------------------------------- destroy
  expect(io:ifconfig("sn0", "destroy"), "destroy")
  C.gone_clean(io, DRV)
  sleep("3s")
end)

C.ran_to_end(sys, io)
C.no_mbufs_left(sys, io)
