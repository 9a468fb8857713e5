-- bench/frames.lua — the packet-rate benchmark's workload (a benchmark, not a test: it is
-- not in ctest). Minimum-size Ethernet frames through the simnic driver and the NIC model
-- at the line rate of a 1 Gbit/s link:
--
--   rx:  peer ──(N frames of 60 bytes + CRC = 64, back to back)──▶ simnic 0 ──▶ sn0 ──▶ io-pkt
--   tx:  peer ◀──(N frames of 60 bytes + CRC)── simnic 0 ◀── sn0 ◀── an application
--
-- 64 bytes + 8 of preamble + 12 of gap = 672 ns per frame on the wire: 1 488 095 frames per
-- virtual second. The counts are checked at both ends of the cable, so a run that passes
-- did the work: every frame went through the driver's receive path into io-pkt's input
-- (rx), or from the application through if_snd, the driver's if_start and the TX ring to
-- the peer (tx). For each direction one line goes to standard output:
--
--   BENCH dir=rx frames=N vtime_ns=T irqs=I missed=M
--
-- (T: virtual time the direction took, from the peer's first frame until the driver has
-- handed the last one up / the peer has the last one.) bench/bench_frames runs this file
-- with the next line rewritten (DIRECTION "rx", "tx", "both" or "none", N frames, RECORDS
-- io-pkt's frame_records: "each" frame event traced, or "batch" counts per stack pass):
local DIRECTION, N, RECORDS = "both", 100000, "each"

local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "1000s" }
local io = sys:iopkt{ workers = 2, frame_records = RECORDS }
local DRV = driver()
if DRV == "devnp-sam.so" then DRV = "devnp-simnic.so" end

local nic = io:nic{ speed = "1G", duplex = "full" }
local FRAME = 60        -- without the CRC: the shortest frame, 64 bytes on the wire
local WIRE_NS = 672     -- (60 + 4 CRC + 8 preamble + 12 gap) * 8 bits at 1 Gbit/s

local function stats_line(dir, n, took, st0, st1)
  print(string.format("BENCH dir=%s frames=%d vtime_ns=%d irqs=%d missed=%d", dir, n, took,
                      st1.irqs_raised - st0.irqs_raised, st1.rx_missed - st0.rx_missed))
end

-- Wait (polling every poll) until cond() holds.
local function wait_for(cond, poll)
  while not cond() do sleep(poll) end
end

sys:spawn("bench", function()
  local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=sn")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  ok, err, msg = io:ifconfig("sn0", "10.0.0.1/24")
  expect(ok, "ifconfig sn0: " .. tostring(msg))

  local do_rx = DIRECTION == "rx" or DIRECTION == "both"
  local do_tx = DIRECTION == "tx" or DIRECTION == "both"
  local n_in = do_rx and N or 0

  -- The peer: a source of n_in frames at line rate (none: only a sink).
  local st0 = io:nic_stats(nic)
  local t0 = now()
  ok, err, msg = io:peer(nic, { rate = "line", count = n_in, sizes = { FRAME } })
  expect(ok, "peer: " .. tostring(msg))

  ------------------------------------------------------------------------ receive
  if do_rx then
    -- Poll coarsely (every ~1500 frames' wire time): the poller's own wake-ups cost
    -- little next to the frames.
    wait_for(function() return io:info("sn0").ipackets >= N end, "1ms")
    local st = io:nic_stats(nic)
    expect_eq(st.peer_sent, N, "rx: the peer sent every frame")
    expect_eq(st.rx_frames, N, "rx: the NIC received every frame")
    expect_eq(st.rx_missed, 0, "rx: the receive ring never ran out of descriptors")
    local i = io:info("sn0")
    expect_eq(i.ipackets, N, "rx: sn0.ipackets")
    expect_eq(i.delivered, N, "rx: io-pkt's input took every frame")
    expect_eq(i.ierrors, 0, "rx: sn0.ierrors")
    stats_line("rx", N, now() - t0, st0, st)
    expect(now() - t0 >= N * WIRE_NS, "rx: no faster than the wire")
  end

  ----------------------------------------------------------------------- transmit
  if do_tx then
    local st1 = io:nic_stats(nic)
    local o0 = io:info("sn0").opackets
    local t1 = now()
    local k, enobufs = 0, 0
    while k < N do
      -- As many as if_snd takes; when it is full, wait for 128 frames' wire time (if_snd
      -- and the TX ring hold 256 each: the NIC never runs dry meanwhile; like a bulk writer
      -- that waits for half its buffer to drain).
      local n, e = io:send("sn0", FRAME, N - k)
      k = k + n
      if k < N then
        expect_eq(e, "ENOBUFS", "tx: the only failure under load is a full if_snd")
        enobufs = enobufs + 1
        sleep(128 * WIRE_NS)
      end
    end
    -- the peer has every frame, and the driver has harvested every completion (it counts
    -- opackets then, at its next coalesced interrupt: up to 50 us later)
    wait_for(function()
      return io:nic_stats(nic).peer_received - st1.peer_received >= N and
             io:info("sn0").opackets - o0 >= N
    end, "100us")
    local st = io:nic_stats(nic)
    expect_eq(st.tx_frames - st1.tx_frames, N, "tx: the NIC transmitted every frame")
    expect_eq(st.tx_dropped, 0, "tx: the NIC dropped nothing")
    expect_eq(st.peer_received - st1.peer_received, N, "tx: the peer received every frame")
    expect_eq(st.peer_corrupted + st.peer_duplicated + st.peer_reordered + st.peer_lost, 0,
              "tx: nothing corrupted, duplicated, reordered or lost")
    local i = io:info("sn0")
    expect_eq(i.opackets - o0, N, "tx: sn0.opackets")
    expect_eq(i.oerrors, 0, "tx: sn0.oerrors")
    stats_line("tx", N, now() - t1, st1, st)
    expect(now() - t1 >= N * WIRE_NS, "tx: no faster than the wire")
  end

  ------------------------------------------------------------------------ the end
  ok, err, msg = io:ifconfig("sn0", "destroy")
  expect(ok, "destroy: " .. tostring(msg))
  local mb = io:mbufs(DRV)
  expect_eq(mb.mbufs + mb.clusters, 0, "no mbuf left with the driver")
end)

sys:at_end(function(result)
  if result.failed == 0 and io:breaches() == 0 then
    expect_eq(result.reason, "done", "the benchmark ran to its end")
  end
end)
