-- simnic_forward.lua — two simnic units, two interfaces of one mount, bridged by io-pkt:
-- frames between the two peers are forwarded by io-pkt's if_bridge (NetBSD bridge(4),
-- "ifconfig bridge0 create; brconfig bridge0 add sn0 add sn1 up"), in both directions:
--
--   peer A ──▶ unit A ──▶ sn0 ─┐           ┌─▶ sn1 ──▶ unit B ──▶ peer B
--                              └─ bridge0 ─┘
--   peer A ◀── unit A ◀── sn0 ◀┐           ┌── sn1 ◀── unit B ◀── peer B
--                              └─ bridge0 ─┘
--
-- Each peer sends N frames addressed to the OTHER peer's station address (io:peer's dst),
-- so each NIC must accept frames that are not for it: that is promiscuous mode, which
-- io-pkt asks of a bridge member (if_pcount, IFF_PROMISC, if_ioctl(SIOCSIFFLAGS)) and the
-- driver must program into the hardware. The bridge learns where each peer is and hands
-- every frame to the other member's if_snd and if_start, in the stack context.
--
-- What is tested is the driver with two devices at once: one mount attaching both units
-- it finds on the PCI bus (no "pci=" option), promiscuous mode on and off, frames received
-- on one device and transmitted by the other (the RX mbufs travel to the other ring),
-- interrupts of both units served by the io-pkt workers, both TX rings restarted on
-- completion, and exact counts at all ends:
--     peer sent = NIC rx = bridge rx = bridge tx (+ if_snd drops) = other NIC tx
--     = other peer received,
-- nothing corrupted, duplicated or reordered. Then the devices go one at a time (the
-- first leaves the bridge as it is detached) with leak checks: the DLL stays loaded until
-- the last.
--
-- A driver that ignores IFF_PROMISC (drivers/buggy/simnic-no-promisc) fails here with the
-- NIC's receive-filter count named as the cause. The default reference driver (sam) has
-- no hardware: this scenario defaults to devnp-simnic.so unless --driver names another.

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "1s", time_limit = "60s" }
local io = sys:iopkt{ workers = 2 }
local DRV = C.driver_or("devnp-simnic.so")

local A = io:nic{ speed = "1G", mac = "02:00:00:00:0a:00" }
local B = io:nic{ speed = "1G", mac = "02:00:00:00:0b:00" }
-- a peer's own station address is 02:50:53:80:00:<unit> (docs/simnic.md)
local function peer_mac(u) return ("02:50:53:80:00:%02x"):format(u) end

local SIZES = {
  [A] = { 64, 1514, 200, 60, 900 },       -- what peer A sends into sn0
  [B] = { 1514, 128, 60, 512 },           -- what peer B sends into sn1
}
local N = 3000                            -- frames each peer sends
local RATE = 100000                       -- frames per second, per peer
local IFF_PROMISC = 0x100
local IFN = { [A] = "sn0", [B] = "sn1" }

local function promisc(ifn) return io:info(ifn).flags & IFF_PROMISC ~= 0 end

sys:spawn("admin", function()
  ------------------------------------------------------------------ mount
  -- No pci=: the driver attaches every simnic on the bus, sn0 (unit A) and sn1 (unit B).
  local ok, err, msg = io:mount(DRV, "name=sn")
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:info("sn0").exists and io:info("sn1").exists, "one mount, two interfaces")
  expect(io:ifconfig("sn0", "up"), "ifconfig sn0 up")
  expect(io:ifconfig("sn1", "up"), "ifconfig sn1 up")
  expect(io:leak_check(DRV, 0), "baseline")

  ---------------------------------------------------------------- bridge
  expect(not promisc("sn0") and not promisc("sn1"), "not promiscuous before the bridge")
  ok, err, msg = io:bridge{ "sn0", "sn1" }
  expect(ok, "bridge sn0 and sn1: " .. tostring(err) .. " " .. tostring(msg))
  expect(promisc("sn0") and promisc("sn1"), "bridge members are promiscuous (IFF_PROMISC)")
  local members = io:bridge_stats("bridge0").members
  expect_eq(#members, 2, "two members")
  expect_eq(members[1].name .. "," .. members[2].name, "sn0,sn1",
            "members in the order added")

  -- Mistakes are values: a unit that does not exist, a cable on a cabled port, a member of
  -- another bridge, an interface that does not exist, a name that is no bridge's.
  ok, err = io:peer(7, { count = 1, sizes = { 64 } })
  expect_eq(err, "ENXIO", "no unit 7")
  ok, err = io:bridge{ "sn1", name = "bridge1" }
  expect_eq(err, "EBUSY", "sn1 is a member of bridge0 already")
  expect(not io:bridge_stats("bridge1").exists, "a bridge that failed is not left behind")
  ok, err = io:bridge_add("bridge0", "sn7")
  expect_eq(err, "ENXIO", "no interface sn7")
  ok, err = io:bridge{ "sn0", name = "bridge9" }
  expect_eq(err, "EINVAL", "bridge0..bridge3")

  ------------------------------------------------------------- traffic
  for _, u in ipairs({ A, B }) do
    local other = u == A and B or A
    expect(io:peer(u, { rate = RATE, count = N, sizes = SIZES[u], dst = peer_mac(other) }),
           "peer of unit " .. u)
  end
  ok, err = io:wire(A, B)
  expect_eq(err, "EBUSY", "a port takes one cable")

  -- The peers are done after N / RATE = 30 ms; everything has arrived well before 200 ms.
  local deadline = now() + 200 * 1000000
  while (io:nic_stats(A).peer_received < N or io:nic_stats(B).peer_received < N)
        and now() < deadline do
    sleep("1ms")
  end
  sleep("10ms")

  -- The cause first: frames for the other peer refused by a NIC's receive filter while
  -- io-pkt has its interface in promiscuous mode.
  for _, u in ipairs({ A, B }) do
    local st, ifn = io:nic_stats(u), IFN[u]
    expect(st.rx_filtered == 0,
      ("simnic%d refused %d of %d frames addressed to the other peer in its receive filter "
       .. "although %s is IFF_PROMISC (a member of bridge0): the driver did not program "
       .. "promiscuous mode (CTRL.PROMISC) when io-pkt set IFF_PROMISC and called its "
       .. "if_ioctl(SIOCSIFFLAGS)"):format(u, st.rx_filtered, st.peer_sent, ifn))
  end

  ---------------------------------------------------------- exact counts
  local br = io:bridge_stats("bridge0")
  local drops = 0
  for _, u in ipairs({ A, B }) do
    local other = u == A and B or A
    local st, so = io:nic_stats(u), io:nic_stats(other)
    local ifn, ofn = IFN[u], IFN[other]
    local i, o = io:info(ifn), io:info(ofn)
    local bin, bout = br.member[ifn], br.member[ofn]
    local name = ("unit %d -> unit %d"):format(u, other)
    -- in from this unit's peer
    expect_eq(st.peer_sent, N, name .. ": the peer sent every frame")
    expect_eq(st.rx_frames, N, name .. ": " .. ifn .. "'s NIC received every frame")
    expect_eq(st.rx_missed, 0, name .. ": no frame missed")
    expect_eq(i.ipackets, N, name .. ": " .. ifn .. " handed every frame up")
    expect_eq(bin.rx, N, name .. ": the bridge took every frame in from " .. ifn)
    expect_eq(i.delivered, 0, name .. ": none went up to the stack (none was for "
              .. ifn .. ")")
    -- out through the other unit to its peer
    expect_eq(bout.tx + bout.drops, N, name .. ": the bridge queued every frame on " .. ofn
              .. " or counted it dropped")
    expect_eq(bout.drops, o.snd_drops, name .. ": every drop is a full if_snd of " .. ofn)
    expect_eq(so.tx_frames, bout.tx,
              name .. ": " .. ofn .. "'s NIC sent every frame queued")
    expect_eq(o.opackets, bout.tx, name .. ": " .. ofn .. " counted them")
    expect_eq(so.peer_received, bout.tx, name .. ": the other peer received every one")
    expect_eq(so.peer_lost, bout.drops, name .. ": lost only what if_snd dropped")
    drops = drops + bout.drops
  end
  for _, u in ipairs({ A, B }) do
    local st, i = io:nic_stats(u), io:info(IFN[u])
    expect_eq(st.peer_corrupted + st.peer_duplicated + st.peer_reordered, 0,
              IFN[u] .. ": nothing corrupted, duplicated or reordered")
    expect_eq(i.ierrors + i.oerrors, 0, IFN[u] .. ": no errors")
    expect_eq(i.snd_len, 0, IFN[u] .. ": if_snd empty")
    expect_eq(st.dma_errors, 0, IFN[u] .. ": no bad DMA")
  end
  expect_eq(br.forwarded + br.dropped, 2 * N, "bridge0: every frame forwarded or dropped")
  expect_eq(br.dropped, drops, "bridge0: drops are the members' if_snd drops")
  expect_eq(br.delivered + br.filtered, 0,
            "bridge0: no frame for io-pkt itself, none filtered")
  expect_eq(br.addresses, 2, "bridge0 learned the two peers")
  expect(br.flooded >= 1, "bridge0 flooded until it knew where peer B is")
  expect(io:leak_check(DRV, 1))

  ------------------------------------------------------ one at a time
  expect(io:ifconfig("sn0", "destroy"), "destroy sn0")
  expect(io:loaded(DRV), "the driver stays loaded while sn1 exists")
  expect_eq(io:info("sn1").running, true, "sn1 still running")
  br = io:bridge_stats("bridge0")
  expect_eq(#br.members, 1, "sn0 left bridge0 as it was destroyed")
  expect_eq(br.addresses, 1, "the address learned on sn0 went with it")
  expect(io:leak_check(DRV, 2))
  expect(promisc("sn1"), "sn1 still a member")
  expect(io:bridge_del("bridge0", "sn1"), "delete sn1 from bridge0")
  expect(not promisc("sn1"), "sn1 out of promiscuous mode once it left the bridge")
  expect(io:bridge_destroy("bridge0"), "destroy bridge0")
  expect(io:ifconfig("sn1", "destroy"), "destroy sn1")
  C.gone_clean(io, DRV)
  local mb = io:mbufs(DRV)
  expect_eq(mb.allocs, mb.frees, "the driver freed every mbuf it allocated")
  sleep("3s")
end)

C.ran_to_end(sys, io)
C.no_mbufs_left(sys, io)
