#!/usr/bin/env bash
# tests/harness/test_simnic.sh — the NIC hardware from the pktsim command: the Lua bindings
# (io:nic{}, io:wire, io:loopback, io:peer, io:link, io:speed, io:fault, io:nic_stats, and
# io:bridge{} and its friends:
# values for user mistakes, Lua errors naming the line for misuse), the simnic driver's
# harder paths (fixtures/simnic_driver.lua), and the three simnic scenarios run twice
# (identical digests) and replayed.
#
# Environment (set by ctest): PKTSIM the binary, SRC the source tree, TMPROOT scratch space.
set -euo pipefail

. "$(dirname "$0")/lib.sh" harness_simnic

need_driver simnic

# ------------------------------------------------------------- bindings
run "$PKTSIM" run "$FIX/simnic_values.lua" --out "$T/o"
want_rc 0 "NIC bindings return values for user mistakes"
want_out "^PASS .*simnic_values.lua" "NIC bindings: values"

run "$PKTSIM" run "$FIX/simnic_misuse.lua" --out "$T/o"
want_rc 0 "NIC bindings raise Lua errors for misuse"
want_out "^misuse checks done$" "every misuse check ran"

run "$PKTSIM" run "$FIX/simnic_misuse_timer.lua" --out "$T/o"
want_rc 2 "a unit created from a timer callback"
want_out "simnic_misuse_timer.lua:4: nic\(\) creates hardware: call it during setup or in a thread" \
	"a unit created from a timer callback names the line"

run "$PKTSIM" run "$FIX/simnic_misuse_end.lua" --out "$T/o"
want_rc 2 "a cable pulled after the run"
want_out "simnic_misuse_end.lua:6: link\(\) cannot be called from an at_end callback" \
	"a cable pulled after the run names the line"

# ------------------------------------------------------------- the driver
run "$PKTSIM" run "$FIX/simnic_driver.lua" --out "$T/o"
want_rc 0 "the simnic driver's fault paths"

# ------------------------------------ the simnic scenarios: twice, replay
for scn in simnic_traffic simnic_forward simnic_link_flap; do
	run "$PKTSIM" run "$SRC/scenarios/$scn.lua" --out "$T/a"
	want_rc 0 "$scn"
	d1=$(digest_of "$out")
	run "$PKTSIM" run "$SRC/scenarios/$scn.lua" --out "$T/b"
	want_rc 0 "$scn, again"
	d2=$(digest_of "$out")
	[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "$scn: digests differ between runs ($d1, $d2)"
	run "$PKTSIM" replay "$(trace_in "$T/a" $scn 1)"
	want_rc 0 "$scn replay"
	want_out "^identical: " "$scn replay is identical"
done

# The scenarios name the simnic driver unless --driver says otherwise: sam has no
# hardware, and mounting it on a simnic scenario must fail, not pass by accident.
run "$PKTSIM" run "$SRC/scenarios/simnic_traffic.lua" --out "$T/c" --driver "$BUILD/drivers/devnp-sam.so"
want_rc 1 "simnic_traffic against a driver without hardware fails"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all simnic CLI checks passed"
