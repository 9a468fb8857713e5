-- simnic_forward.lua — two simnic units, two interfaces of one mount, frames forwarded
-- between them in both directions:
--
--   peer A ──▶ unit 0 ──▶ sn0 ─┐            ┌─▶ sn1 ──▶ unit 1 ──▶ peer B
--                              └─ forwarder ┘
--   peer A ◀── unit 0 ◀── sn0 ◀┐            ┌── sn1 ◀── unit 1 ◀── peer B
--                              └─ forwarder ┘
--
-- pktsim's io-pkt has no IP forwarding or bridge (its protocol layer takes a frame and
-- frees it), so the forwarding step is an application, like a user-space bridge: for
-- every frame io-pkt took in on one interface (io:info().delivered) it writes a frame of
-- the same size out of the other. The peers send their frame sizes in turn, so the n-th
-- frame in has the n-th size of its peer's list, and the n-th frame out is given it.
--
-- What is tested is the driver with two devices at once: one mount attaching both units
-- it finds on the PCI bus (no "pci=" option), interrupts of both units served by the
-- io-pkt workers, both TX rings restarted on completion, and exact counts at all four
-- ends. Then the devices go one at a time: the DLL stays loaded until the last.
--
-- The default reference driver (sam) has no hardware: this scenario defaults to
-- devnp-simnic.so unless --driver names another.

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = driver()
if DRV == "devnp-sam.so" then DRV = "devnp-simnic.so" end

local A = io:nic{ speed = "1G", mac = "02:00:00:00:0a:00" }
local B = io:nic{ speed = "1G", mac = "02:00:00:00:0b:00" }

local SIZES = {
  [A] = { 64, 1514, 200, 60, 900 },       -- what peer A sends into sn0
  [B] = { 1514, 128, 60, 512 },           -- what peer B sends into sn1
}
local N = 3000                            -- frames each peer sends
local RATE = 100000                       -- frames per second, per peer

-- The forwarder of one direction: frames in on `from` (unit src) go out of `to`.
local forwarded = { [A] = 0, [B] = 0 }
local nobufs = { [A] = 0, [B] = 0 }
local function forwarder(src, from, to)
  return function()
    local sizes = SIZES[src]
    while forwarded[src] < N do
      local todo = io:info(from).delivered - forwarded[src]
      while todo > 0 do
        local n, e = io:send(to, sizes[forwarded[src] % #sizes + 1])
        if n == 1 then
          forwarded[src] = forwarded[src] + 1
          todo = todo - 1
        else
          expect_eq(e, "ENOBUFS", "forwarding: the only failure is a full if_snd")
          nobufs[src] = nobufs[src] + 1
          break
        end
      end
      sleep("50us")
    end
  end
end

sys:spawn("admin", function()
  ------------------------------------------------------------------ mount
  -- No pci=: the driver attaches every simnic on the bus, sn0 (unit A) and sn1 (unit B).
  local ok, err, msg = io:mount(DRV, "name=sn")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:info("sn0").exists and io:info("sn1").exists, "one mount, two interfaces")
  expect(io:ifconfig("sn0", "10.0.0.1/24"), "ifconfig sn0")
  expect(io:ifconfig("sn1", "10.0.1.1/24"), "ifconfig sn1")

  -- Mistakes are values: a unit that does not exist, a cable on a cabled port.
  ok, err = io:peer(7, { count = 1, sizes = { 64 } })
  expect_eq(err, "ENXIO", "no unit 7")

  ------------------------------------------------------------- traffic
  expect(io:peer(A, { rate = RATE, count = N, sizes = SIZES[A] }), "peer A")
  expect(io:peer(B, { rate = RATE, count = N, sizes = SIZES[B] }), "peer B")
  ok, err = io:wire(A, B)
  expect_eq(err, "EBUSY", "a port takes one cable")

  local fa = sys:spawn("forward sn0->sn1", forwarder(A, "sn0", "sn1"))
  local fb = sys:spawn("forward sn1->sn0", forwarder(B, "sn1", "sn0"))
  fa:join()
  fb:join()
  while io:nic_stats(A).peer_received < N or io:nic_stats(B).peer_received < N do
    sleep("1ms")
  end
  sleep("10ms")

  ---------------------------------------------------------- exact counts
  for _, u in ipairs({ A, B }) do
    local other = u == A and B or A
    local st, name = io:nic_stats(u), u == A and "unit A" or "unit B"
    local ifn = u == A and "sn0" or "sn1"
    local i = io:info(ifn)
    -- in from this unit's peer
    expect_eq(st.peer_sent, N, name .. ": its peer sent every frame")
    expect_eq(st.rx_frames, N, name .. ": received every frame")
    expect_eq(st.rx_missed, 0, name .. ": no frame missed")
    expect_eq(i.ipackets, N, ifn .. ": handed every frame up")
    expect_eq(i.delivered, N, ifn .. ": io-pkt took every frame")
    -- out to this unit's peer: the other direction's forwarded frames
    expect_eq(forwarded[other], N, "every frame forwarded towards " .. ifn)
    expect_eq(st.tx_frames, N, name .. ": transmitted every forwarded frame")
    expect_eq(i.opackets, N, ifn .. ": counted them")
    expect_eq(st.peer_received, N, name .. ": its peer received every frame")
    expect_eq(st.peer_corrupted, 0, name .. ": nothing corrupted")
    expect_eq(i.ierrors + i.oerrors, 0, ifn .. ": no errors")
    expect_eq(i.snd_len, 0, ifn .. ": if_snd empty")
    expect_eq(i.snd_drops, nobufs[other], ifn .. ": ENOBUFS only for a full if_snd")
    expect_eq(st.dma_errors, 0, name .. ": no bad DMA")
  end

  ------------------------------------------------------ one at a time
  expect(io:ifconfig("sn0", "destroy"), "destroy sn0")
  expect(io:loaded(DRV), "the driver stays loaded while sn1 exists")
  expect_eq(io:info("sn1").running, true, "sn1 still running")
  expect(io:ifconfig("sn1", "destroy"), "destroy sn1")
  C.gone_clean(io, DRV)
  local mb = io:mbufs(DRV)
  expect_eq(mb.allocs, mb.frees, "the driver freed every mbuf it allocated")
  sleep("3s")
end)

C.ran_to_end(sys, io)
C.no_mbufs_left(sys, io)
