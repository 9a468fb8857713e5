#!/usr/bin/env bash
# tests/harness/test_latency.sh — stack-context latency from the pktsim command
# (docs/latency.md): the terminal report, the JSON and SVG files in the report folder,
# identical numbers across two runs and on replay, a failing variant's report naming
# the culprit, and the Lua bindings' errors.
#
# Environment (set by ctest): PKTSIM the binary, SRC the source tree, TMPROOT scratch space.
set -euo pipefail

. "$(dirname "$0")/lib.sh" harness_latency

scn="$SRC/scenarios/latency_start.lua"
run "$PKTSIM" run "$scn" --driver test-net --out "$T/a"
want_rc 0 "latency_start with test-net"
want_out "^stack-context latency \(virtual time" "the terminal report"
want_out "^  if_start +[0-9]+ " "the per-entry-point table"
want_out "^probe \(a status request every 250\.000us\): [0-9]+ samples" "the probe line"
# the files are named like the trace: NAME.seedN.ID
trace=$(ls "$T"/a/traces/latency_start.seed1.*.trace)
base=$(basename "$trace" .trace)
for f in "$base.json" "$base.hist.svg" "$base.timeline.svg"; do
	[ -s "$T/a/latency/$f" ] || fail "no $f in the report folder"
done
grep -q '"schema": "pktsim-latency/1"' "$T/a/latency/$base.json" ||
	fail "the JSON report lacks its schema"
grep -q '<svg' "$T/a/latency/$base.timeline.svg" || fail "the timeline is not SVG"
d1=$(digest_of "$out")

run "$PKTSIM" run "$scn" --driver test-net --out "$T/b"
want_rc 0 "latency_start again"
[ "$(digest_of "$out")" = "$d1" ] || fail "digests differ between two runs"
cmp -s "$T/a/latency/$base.json" "$T/b/latency/$base.json" ||
	fail "the JSON reports of two runs differ"
cmp -s "$T/a/latency/$base.timeline.svg" "$T/b/latency/$base.timeline.svg" ||
	fail "the timelines of two runs differ"

run "$PKTSIM" run "$scn" --driver test-net --out "$T/q" --quiet
want_rc 0 "latency_start --quiet"
lacks_out "stack-context latency" "--quiet prints no latency report"

run "$PKTSIM" replay "$trace"
want_rc 0 "replay of latency_start"
want_out "^identical: " "the replay is identical"

# a buggy variant: the hold's report names the culprit, the worst hold its events
run "$PKTSIM" run "$SRC/scenarios/latency_callout.lua" --driver lat-callout-poll --out "$T/c"
want_rc 1 "latency_callout with lat-callout-poll"
want_out "^  1\. simnic_mii_monitor held 2\.[0-9]+ms at t=" "the worst hold is the polling callout"
want_out "^     in32 STATUS x2[0-9]{3} = 2\.[0-9]+ms in simnic_mii_monitor" "its costing events"
grep -q '"what": "in32 STATUS", "fn": "simnic_mii_monitor", "count": 2001' \
	"$T"/c/latency/latency_callout.seed1.*.json || fail "the JSON worst hold lacks its events"

# --latency: the report of a scenario that does not ask for it
run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --driver sam --out "$T/l"
want_rc 0 "lifecycle"
lacks_out "^stack-context latency" "no latency report unless asked"
run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --driver sam --out "$T/l" --latency
want_rc 0 "lifecycle --latency"
want_out "^  if_init +[0-9]+ " "--latency prints the report"

# a driver stuck in the stack context when the run ends: its hold is reported open
cat >"$T/stuck.lua" <<'LUA'
local sys = system{ cpus = 1, seed = 1, stall_limit = "100ms", time_limit = "1s" }
local io = sys:iopkt{ workers = 1 }
io:latency{ checks = false }
sys:spawn("admin", function()
  expect(io:mount(driver(), "lan=0,name=lat,slowinit=5000"), "mount")
  io:ifconfig("lat0", "up")
end)
LUA
run "$PKTSIM" run "$T/stuck.lua" --driver lat-init-delay --out "$T/s"
want_rc 1 "a stuck if_init stalls"
want_out "^  1\. tnet_ioctl held 100\.000ms from t=0ns \(if_ioctl, stack\) and was still holding at the end" \
	"the stuck hold is the worst, open"

# costs: from iopkt{} and io:costs{}, read back
cat >"$T/costs.lua" <<'LUA'
local sys = system{}
local io = sys:iopkt{ costs = { mbuf_alloc = "1us", barrier = 5 } }
local c = io:costs()
expect_eq(c.mbuf_alloc, 1000, "set by iopkt{}")
expect_eq(c.barrier, 5, "barrier")
expect_eq(c.mbuf_free, 50, "a default")
expect_eq(c.reg_read, -1, "each unit's own")
c = io:costs{ reg_read = "2us" }
expect_eq(c.reg_read, 2000, "set by io:costs{}")
LUA
run "$PKTSIM" run "$T/costs.lua" --out "$T/o"
want_rc 0 "costs set and read back"

# bindings: errors name the line
cat >"$T/bad_cost.lua" <<'LUA'
local sys = system{}
local io = sys:iopkt{}
io:costs{ nonsense = "1us" }
LUA
run "$PKTSIM" run "$T/bad_cost.lua" --out "$T/o"
want_rc 2 "an unknown cost"
want_out "bad_cost.lua:3: costs\{\}: no cost named \"nonsense\"" "an unknown cost names the line"

cat >"$T/bad_budget.lua" <<'LUA'
local sys = system{}
local io = sys:iopkt{}
io:latency{ any = "-1ms" }
LUA
run "$PKTSIM" run "$T/bad_budget.lua" --out "$T/o"
want_rc 2 "a negative budget"
want_out "bad_budget.lua:3: " "a bad budget names the line"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all latency CLI checks passed"
