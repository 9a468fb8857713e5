-- stale_link.lua — the stale-queue family (docs/bug-catalog.md, section 5): traffic while
-- the link goes down briefly, stays down, comes back, flaps, and while the NIC takes no TX
-- descriptors with the link up; then "ifconfig down" while transmission is stalled.
--
-- What the io-pkt driver documents ask (seed 000, "Managing the TX queue during resource
-- conflict or link failure"; seed 002, periodic callouts and the stop race):
--   * transmission resumes when the link returns or descriptors free up, without waiting
--     for the application's next frame (io-pkt calls if_start only for a new frame, and
--     not at all while IFF_OACTIVE is set);
--   * frames older than the driver's stale limit are purged while the link stays down;
--   * after if_stop the queue is empty and no callout of the device stays armed (the TX
--     kick callout is stopped; a periodic one does not re-arm itself).
--
-- A watcher samples sn0 every WATCH and fails at the first of:
--   stale frame    the frame at the head of if_snd has waited longer than stale_limit_ms
--   IFF_OACTIVE    set, link up, and no frame has left if_snd for longer than stall_ms
--   stalled TX     frames in if_snd, link up, nothing left if_snd and no if_start for
--                  longer than stall_ms
--   stopped        a callout of the device pending after if_stop (until the next if_init)
--
-- Parameters (-D name=value): stale_ms (the driver's stale= option, 200), stale_limit_ms
-- (how long a frame may wait, stale_ms + 100), stall_ms (100), down_ms (how long the long
-- outage lasts, 600).
--
-- Drivers: simnic only. The stale queue needs a link that can go down and a TX ring that
-- can run out of descriptors; the reference driver sam has neither (it loops every frame
-- back at once), so there is nothing to restart or purge.
-- pktsim: drivers=simnic

local STALE = param("stale_ms", 200)
local STALE_LIMIT = param("stale_limit_ms", STALE + 100) * 1000000
local STALL = param("stall_ms", 100) * 1000000
local DOWN = param("down_ms", 600) * 1000000
local WATCH = 1000000                    -- ns between two looks at sn0

local C = include("lib/checks.lua")
local sys = system{ cpus = 2, seed = 1, stall_limit = "2s", time_limit = "20s" }
local io = sys:iopkt{ workers = 2 }
local DRV = C.driver_or("devnp-simnic.so")
local IF = "sn0"
local nic = io:nic{ speed = "1G" }

local sending, done = true, false
local t0 = 0

local function at(t) sleep(t0 + t - now()) end
local function ms(t) return fmt(t) end

-- The watcher: one line per failure, naming what, when, and since when.
local function watch()
  local up_since, oactive_since = nil, nil
  while not done do
    local i, t = io:info(IF), now()
    if i.link == "up" then up_since = up_since or t else up_since = nil end
    if i.oactive then oactive_since = oactive_since or t else oactive_since = nil end

    if i.snd_head_t >= 0 and t - i.snd_head_t > STALE_LIMIT then
      expect(false, string.format("stale frame in if_snd of %s: queued at t=%s, waited %s " ..
        "(stale limit %s, link %s): %d frames queued and never purged; the driver must " ..
        "IFQ_PURGE frames older than its stale limit while the link stays down",
        IF, ms(i.snd_head_t), ms(t - i.snd_head_t), ms(STALE_LIMIT), i.link, i.snd_len))
    end
    if i.running and up_since then
      local since = math.max(up_since, oactive_since or t, i.deq_t)
      if oactive_since and t - since > STALL then
        expect(false, string.format("IFF_OACTIVE left set on %s: set since t=%s, link up " ..
          "since t=%s, no frame out of if_snd since t=%s (%d waiting, stall limit %s): " ..
          "io-pkt never calls if_start (%s) while IFF_OACTIVE is set, so the driver " ..
          "must restart transmission itself (link-up, TX completion or kick callout)",
          IF, ms(oactive_since), ms(up_since), ms(math.max(i.deq_t, 0)), i.snd_len,
          ms(STALL), i.start_fn))
      end
      since = math.max(up_since, i.deq_t, i.start_t)
      if i.snd_len > 0 and t - since > STALL then
        expect(false, string.format("stalled TX on %s: %d frames in if_snd with the link " ..
          "up since t=%s, and no if_start (%s) nor frame out of if_snd since t=%s (stall " ..
          "limit %s): transmission waits for the application's next frame; the driver " ..
          "must restart it when the link returns",
          IF, i.snd_len, ms(up_since), i.start_fn, ms(since), ms(STALL)))
      end
    end
    if not i.running and i.stop_t >= 0 and i.callouts > 0 then
      expect(false, string.format("callout armed on stopped %s (if_stop %s at t=%s): %s: " ..
        "if_stop must callout_stop the TX kick callout, and a periodic callout must not " ..
        "re-arm once stopped (run flag)", IF, i.stop_fn, ms(i.stop_t), i.callout_desc))
    end
    sleep(WATCH)
  end
end

sys:spawn("admin", function()
  expect(io:loopback(nic), "loopback plug")
  local ok, err, msg = io:mount(DRV, "pci=0,lan=0,name=sn,txdesc=8,stale=" .. STALE)
  expect(ok, "mount " .. DRV .. ": " .. tostring(err) .. " " .. tostring(msg))
  expect(io:ifconfig(IF, "10.0.0.1/24"), "ifconfig " .. IF)
  t0 = now()
  sys:spawn("watch", watch)
  sys:spawn("app", function()          -- one frame a millisecond while `sending`
    while not done do
      if sending then
        local n, e = io:send(IF, 512)
        expect(n == 1 or e == "ENOBUFS" or e == "ENETDOWN", "send: " .. tostring(e))
      end
      sleep("1ms")
    end
  end)

  -- 1. A short outage; the application falls silent just before the link returns: the
  --    frames queued meanwhile must go out without a new frame to trigger if_start.
  at(20050000)
  expect(io:link(nic, false), "cable pulled")
  at(50050000)
  sending = false
  expect(io:info(IF).snd_len > 0, "frames wait in if_snd while the link is down")
  at(60050000)
  expect(io:link(nic, true), "cable plugged")
  at(60050000 + STALL + 50000000)
  expect_eq(io:info(IF).snd_len, 0, "the frames queued while down went out")
  sending = true

  -- 2. A long outage: the queue goes stale and must be purged, again and again.
  at(300050000)
  expect(io:link(nic, false), "cable pulled for long")
  at(300050000 + DOWN)
  local i = io:info(IF)
  expect(i.oerrors > 0, "stale frames purged (counted as output errors)")
  expect(io:link(nic, true), "cable plugged")

  -- 2b. The link flaps: 10 ms out, 10 ms in, three times, under traffic.
  at(300050000 + DOWN + 20000000)
  expect(io:fault(nic, "link_flap", "20ms", 3), "link_flap")
  at(300050000 + DOWN + 150000000)
  i = io:info(IF)
  expect(i.link == "up" and i.snd_len < 4, "traffic flows after the flaps")

  -- 3. The NIC takes no descriptors for 30 ms with the link up: the ring (8) fills,
  --    IFF_OACTIVE is set, and transmission resumes when descriptors come back.
  local t3 = 300050000 + DOWN + 200000000
  at(t3)
  expect(io:fault(nic, "tx_desc_exhaust", "30ms"), "tx_desc_exhaust 30ms")
  at(t3 + 20000000)
  expect(io:info(IF).oactive, "ring full: IFF_OACTIVE set")
  at(t3 + 150000000)
  i = io:info(IF)
  expect(not i.oactive and i.snd_len < 4, "transmission resumed after the exhaustion")

  -- 4. ifconfig down while stalled on descriptors (the kick callout armed): the queue is
  --    purged and nothing stays armed; the watcher keeps looking while sn0 is down.
  expect(io:fault(nic, "tx_desc_exhaust", "500ms"), "tx_desc_exhaust 500ms")
  at(t3 + 200000000)
  expect(io:info(IF).oactive, "stalled again")
  sending = false
  expect(io:ifconfig(IF, "down"), "ifconfig down")
  i = io:info(IF)
  expect_eq(i.snd_len, 0, "if_stop purged if_snd")
  sleep("100ms")

  done = true
  sleep("5ms")
  expect(io:ifconfig(IF, "destroy"), "destroy")
  C.unloaded_clean(io, DRV)
end)

C.ran_to_end(sys, io)
