-- scenarios/smoke.lua — the kernel as a scenario sees it, with exact expectations:
-- a producer and a consumer on two CPUs meet through a wait queue; two threads that
-- spend() on one CPU take turns while a third on the other CPU does not wait; a mutex
-- passes from its holder to a waiting contender; a wait times out; a timer is moved by
-- re-arming it and another is cancelled before it fires; a thread spawned during the run
-- is joined; a daemon idles without keeping the run alive. Every event is noted with its
-- virtual time and the whole story is checked at the end, order and times.

local sys = system{ cpus = 2, seed = 7, stall_limit = "50ms", time_limit = "1s" }

local US, MS = 1000, 1000000

local story = {}                 -- "what@time", in the order it happened
local function note(what)
  story[#story + 1] = what .. "@" .. fmt(now())
  log(what)
end

-- A producer (CPU 1) hands three items to a consumer (CPU 0), one per millisecond.
local items = sys:waitq("items")
local queue, received = {}, {}
sys:spawn("consumer", function()
  for _ = 1, 3 do
    while #queue == 0 do items:wait() end
    local item = table.remove(queue, 1)
    received[#received + 1] = now()
    note("got " .. item)
  end
end, { cpu = 0 })
sys:spawn("producer", function()
  for i = 1, 3 do
    sleep("1ms")
    queue[#queue + 1] = i
    expect_eq(items:wake(), 1, "the consumer is waiting when item " .. i .. " arrives")
  end
end, { cpu = 1 })

-- spend() occupies the CPU: a and b share CPU 0 and take turns; c has CPU 1 to itself.
local spent = {}
for _, who in ipairs{ { "spender-a", 0 }, { "spender-b", 0 }, { "spender-c", 1 } } do
  sys:spawn(who[1], function()
    spend("5us")
    spent[who[1]] = now()
  end, { cpu = who[2] })
end

-- A mutex: the contender blocks at 100us and gets it when the holder unlocks at 300us.
local m = sys:mutex("m")
sys:spawn("holder", function()
  m:lock()
  note("holder locked")
  sleep("300us")
  m:unlock()
  note("holder unlocked")
end, { cpu = 1 })
sys:spawn("contender", function()
  sleep("100us")
  expect(not m:trylock(), "trylock fails while the holder has the mutex")
  note("contender trylock failed")
  m:lock()
  note("contender locked")
  m:unlock()
end, { cpu = 0 })

-- Nobody wakes "quiet": the wait returns false after its timeout.
local quiet = sys:waitq("quiet")
sys:spawn("timeout", function()
  expect(not quiet:wait("250us"), "nobody wakes quiet")
  note("timeout")
end)

-- Timers: "moved" is re-armed before it expires; "never" is cancelled before it expires.
local fired = { moved = 0, never = 0 }
local moved = sys:timer("moved", function()
  fired.moved = fired.moved + 1
  note("moved fired")
end)
local never = sys:timer("never", function() fired.never = fired.never + 1 end)
moved:arm("1ms")
never:arm("2ms")
sys:spawn("timer-driver", function()
  sleep("500us")
  expect(moved:armed(), "moved is armed before it is moved")
  moved:arm("2ms")                             -- from t=500us: now due at 2.5ms
  expect_eq(moved:expiry(), 2500 * US, "re-arming moves the expiry")
  note("moved re-armed")
  sleep("1ms")
  expect(never:cancel(), "never was armed when cancelled")
  expect(not never:armed(), "a cancelled timer is not armed")
  expect(not never:cancel(), "cancelling twice finds nothing the second time")
  note("never cancelled")
end)

-- A thread spawned during the run; join() returns when it exits.
sys:spawn("joiner", function()
  local short = sys:spawn("short", function() sleep("4ms") end, { cpu = 1 })
  short:join()
  expect(short:exited(), "a joined thread has exited")
  note("joined")
end)

-- A daemon waiting for work forever does not keep the run alive (nor is it a deadlock).
local idle = sys:waitq("idle", { watched = false })
sys:spawn("idler", function() idle:wait() end, { daemon = true })

sys:at_end(function(result)
  expect_eq(result.reason, "done", "every thread ran to its end")
  expect_eq(result.time, 4 * MS, "the run ends when the last thread exits")
  expect_eq(table.concat(received, ","), table.concat({ 1 * MS, 2 * MS, 3 * MS }, ","),
            "the consumer receives each item when it is produced")
  expect_eq(spent["spender-a"], 5 * US, "a spends first on CPU 0")
  expect_eq(spent["spender-b"], 10 * US, "b waits for a: CPU 0 is busy")
  expect_eq(spent["spender-c"], 5 * US, "c runs in parallel on CPU 1")
  expect_eq(fired.moved, 1, "the moved timer fires once")
  expect_eq(fired.never, 0, "the cancelled timer never fires")
  local want = {
    "holder locked@0ns",
    "contender trylock failed@100.000us",
    "timeout@250.000us",
    "holder unlocked@300.000us",
    "contender locked@300.000us",
    "moved re-armed@500.000us",
    "got 1@1.000ms",
    "never cancelled@1.500ms",
    "got 2@2.000ms",
    "moved fired@2.500ms",
    "got 3@3.000ms",
    "joined@4.000ms",
  }
  for i, line in ipairs(want) do
    expect_eq(story[i], line, "event " .. i .. " of the story")
  end
  expect_eq(#story, #want, "the number of events in the story")
end)
