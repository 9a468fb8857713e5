-- simnic_traffic.lua — a descriptor-ring driver under load: traffic in both directions
-- at once, at the line rate of a 1 Gbit/s simnic, with mixed frame sizes, and counts that
-- must agree exactly at both ends of the cable.
--
--   peer ──(N_IN frames, back to back, 8 sizes)──▶ simnic unit 0 ──▶ sn0 ──▶ io-pkt
--   peer ◀──(N_OUT frames, 4 sizes)── simnic unit 0 ◀── sn0 ◀── an application
--
-- The traffic peer at the far end of the cable numbers its frames and checks every frame
-- the NIC sends it (docs/simnic.md, "Frames on the wire"): nothing may be lost, corrupted,
-- duplicated or reordered, the receive ring must never overflow (rx_missed), and the
-- application's frames must go out as fast as the wire takes them. Then the interface is
-- destroyed and the driver must leave nothing behind: no mbuf, no callout, no interrupt.
--
-- It runs against the driver under test, `pktsim run ... --driver NAME|PATH`; the default
-- reference driver (sam) has no hardware, so this scenario defaults to devnp-simnic.so.

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = C.driver_or("devnp-simnic.so")

local nic = io:nic{ speed = "1G", duplex = "full" }

-- Frame sizes on the wire, Ethernet header included, CRC excluded.
local IN_SIZES = { 60, 64, 128, 256, 512, 1024, 1514, 1518 }
local OUT_SIZES = { 60, 1514, 512, 100 }
local N_IN, N_OUT = 4000, 4000

-- Wire time of frames of these sizes at 1 Gbit/s: preamble 8 + CRC 4 + gap 12 bytes.
local function wire_ns(sizes, n)
  local t = 0
  for k = 0, n - 1 do
    local len = sizes[k % #sizes + 1]
    t = t + (math.max(len, 60) + 24) * 8
  end
  return t
end

local function check(want, what)
  local i = io:info("sn0")
  for k, v in pairs(want) do
    expect_eq(i[k], v, what .. ": sn0." .. k)
  end
  return i
end

local t_out_start, t_out_end, enobufs = 0, 0, 0

sys:spawn("admin", function()
  ------------------------------------------------------------------- bring-up
  -- pci=0: the first simnic on the bus; name=sn gives "sn0" whatever the driver's name
  local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=sn")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  ok, err, msg = io:ifconfig("sn0", "10.0.0.1/24")
  expect(ok, "ifconfig sn0: " .. tostring(msg))
  -- No cable yet: the driver reports the link down.
  check({ up = true, running = true, link = "down", oactive = false }, "configured")

  -- Plug the cable: a traffic peer at its far end, which starts sending at once, back to
  -- back at line rate, to our station address. The link-change interrupt (LSC) tells the
  -- driver, which reports the link up.
  ok, err, msg = io:peer(nic, { rate = "line", count = N_IN, sizes = IN_SIZES })
  expect(ok, "peer: " .. tostring(msg))
  sleep("10us")
  check({ link = "up" }, "cable plugged")

  ------------------------------------------------ the application's side
  -- Writes as fast as io-pkt takes them; when if_snd is full (ENOBUFS) it backs off for
  -- about the wire time of a few frames and tries that frame again.
  t_out_start = now()
  local k = 0
  while k < N_OUT do
    local len = OUT_SIZES[k % #OUT_SIZES + 1]
    local n, e = io:send("sn0", len)
    if n == 1 then
      k = k + 1
    else
      expect_eq(e, "ENOBUFS", "the only failure under load is a full if_snd")
      enobufs = enobufs + 1
      sleep("20us")
    end
  end

  -- Until both directions are done (bounded: the run has a time limit).
  while io:info("sn0").opackets < N_OUT or io:info("sn0").ipackets < N_IN do
    sleep("100us")
  end
  t_out_end = now()

  --------------------------------------------------------- exact counts
  local st = io:nic_stats(nic)
  -- into io-pkt
  expect_eq(st.peer_sent, N_IN, "the peer sent every frame")
  expect_eq(st.rx_frames, N_IN, "the NIC received every frame")
  expect_eq(st.rx_missed, 0, "the receive ring never ran out of descriptors")
  expect_eq(st.rx_crc_errors, 0, "no CRC error")
  -- out of io-pkt
  expect_eq(st.tx_frames, N_OUT, "the NIC transmitted every frame")
  expect_eq(st.tx_dropped, 0, "the NIC dropped nothing")
  expect_eq(st.peer_received, N_OUT, "the peer received every frame")
  expect_eq(st.peer_corrupted, 0, "no frame corrupted")
  expect_eq(st.peer_duplicated, 0, "no frame duplicated")
  expect_eq(st.peer_reordered, 0, "no frame reordered")
  expect_eq(st.peer_lost, 0, "no frame lost")
  expect_eq(st.dma_errors, 0, "no DMA outside the driver's buffers")
  check({ ipackets = N_IN, delivered = N_IN, ierrors = 0, opackets = N_OUT, oerrors = 0,
          snd_len = 0, snd_drops = enobufs, oactive = false, dropped = 0 },
        "after the traffic")

  -- Line rate: the application's frames left at (close to) the speed of the wire,
  -- although if_start ran out of descriptors over and over and was restarted.
  local ideal = wire_ns(OUT_SIZES, N_OUT)
  local took = t_out_end - t_out_start
  log("TX", N_OUT, "frames in", fmt(took), "wire time", fmt(ideal))
  expect(took < ideal * 12 // 10, "TX within 20% of line rate: took " .. fmt(took) ..
         ", the wire needs " .. fmt(ideal))
  expect(st.irqs_raised > 0, "the NIC interrupted")

  -------------------------------------------------------------- destroy
  ok, err, msg = io:ifconfig("sn0", "destroy")
  expect(ok, "destroy: " .. tostring(msg))
  expect_eq(io:loaded(DRV), false, "the driver is unloaded with its only interface")
  local n, what = io:leftovers(DRV)
  expect_eq(n, 0, "nothing left registered: " .. what)
  local mb = io:mbufs(DRV)
  expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf left with the driver")
  expect_eq(mb.allocs, mb.frees, "the driver freed every mbuf it allocated")
  expect(mb.allocs >= N_IN, "receive clusters came from the driver")

  -- Anything left armed would fire into a device that no longer exists.
  sleep("3s")
end)

C.ran_to_end(sys, io)
C.no_mbufs_left(sys, io)
