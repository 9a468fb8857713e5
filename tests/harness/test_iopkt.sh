#!/usr/bin/env bash
# tests/harness/test_iopkt.sh — the io-pkt side of the pktsim command: the Lua bindings
# (values for user mistakes, errors for misuse), the driver under test (--driver,
# --driver-dir, recorded in the trace and honoured by replay, paths with spaces), the
# reference scenarios twice (identical digests) and replayed, and a driver built outside
# the tree with the documented pkg-config command (docs/writing-drivers.md).
#
# Environment (set by ctest): PKTSIM the binary, SRC the source tree, TMPROOT scratch space.
# The build folder is the one holding PKTSIM (drivers/, pktsim-driver.pc).
set -euo pipefail

. "$(dirname "$0")/lib.sh" harness_iopkt

need_driver sam

# ------------------------------------------------------------- bindings
run "$PKTSIM" run "$FIX/iopkt_umount_nicinfo.lua" --out "$T/o"
want_rc 0 "umount and nicinfo"
want_out "^PASS .*iopkt_umount_nicinfo.lua" "umount and nicinfo"
run "$PKTSIM" run "$FIX/iopkt_values.lua" --out "$T/o"
want_rc 0 "io-pkt bindings return values for user mistakes"

run "$PKTSIM" run "$FIX/iopkt_misuse_setup.lua" --out "$T/o"
want_rc 2 "a blocking request during setup"
want_out "iopkt_misuse_setup.lua:4: mount\(\) blocks and cannot be called during setup" \
	"a blocking request during setup names the line"

run "$PKTSIM" run "$FIX/iopkt_misuse_twice.lua" --out "$T/o"
want_rc 2 "io-pkt created twice"
want_out "iopkt_misuse_twice.lua:4: iopkt\(\): io-pkt exists already" "io-pkt created twice"

run "$PKTSIM" run "$FIX/iopkt_misuse_key.lua" --out "$T/o"
want_rc 2 "unknown iopkt{} option"
want_out "unknown option \"wrokers\"" "unknown iopkt{} option"

# ------------------------------------------------------------- driver()
run "$PKTSIM" run "$FIX/iopkt_driver_name.lua" --out "$T/o"
want_out "^driver=devnp-sam.so$" "driver() defaults to the reference driver"
run "$PKTSIM" run "$FIX/iopkt_driver_name.lua" --out "$T/o" --driver mine
want_out "^driver=devnp-mine.so$" "--driver NAME"
run "$PKTSIM" run "$FIX/iopkt_driver_name.lua" --out "$T/o" --driver ./d/devnp-x.so
want_out "^driver=./d/devnp-x.so$" "--driver PATH"
run "$PKTSIM" run "$FIX/iopkt_driver_name.lua" --out "$T/o" --driver ""
want_rc 2 "--driver with an empty value"

# -------------------------------------- reference scenarios: twice, replay
for scn in attach_traffic lifecycle; do
	run "$PKTSIM" run "$SRC/scenarios/$scn.lua" --out "$T/a"
	want_rc 0 "$scn against sam"
	d1=$(digest_of "$out")
	run "$PKTSIM" run "$SRC/scenarios/$scn.lua" --out "$T/b"
	want_rc 0 "$scn against sam, again"
	d2=$(digest_of "$out")
	[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "$scn: digests differ between runs ($d1, $d2)"
	run "$PKTSIM" replay "$(trace_in "$T/a" $scn 1)"
	want_rc 0 "$scn replay"
	want_out "^identical: " "$scn replay is identical"
	want_out "options \".*driver=sam" "$scn: the trace records the driver"
done

# ------------------------------ --driver PATH with a space, --driver-dir
mkdir -p "$T/my drivers" "$T/dd" "$T/empty"
cp "$BUILD/drivers/devnp-sam.so" "$T/my drivers/devnp-copy.so"
cp "$BUILD/drivers/devnp-sam.so" "$T/dd/devnp-sam.so"
run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --out "$T/c" --driver "$T/my drivers/devnp-copy.so"
want_rc 0 "lifecycle with a driver path holding a space"
run "$PKTSIM" replay "$(trace_in "$T/c" lifecycle 1)"
want_rc 0 "replay with a driver path holding a space"
want_out "driver=$T/my%20drivers/devnp-copy.so" "the path is recorded percent-encoded"
run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --out "$T/c" --driver-dir "$T/dd"
want_rc 0 "--driver-dir"
run "$PKTSIM" replay "$(trace_in "$T/c" lifecycle 1)"
want_rc 0 "replay with --driver-dir"
want_out "driver-dir=$T/dd" "--driver-dir is recorded"
run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --out "$T/c" --driver-dir "$T/empty"
want_rc 1 "a driver folder without the driver"
want_out "ENXIO" "a missing driver fails the mount with ENXIO"

# --------------------------- a driver built outside the tree (docs/writing-drivers.md)
if command -v pkg-config >/dev/null && command -v cc >/dev/null; then
	mkdir -p "$T/mine"
	cp "$SRC/drivers/sam/sam.c" "$T/mine/mine.c"
	(
		cd "$T/mine"
		export PKG_CONFIG_PATH="$BUILD"
		cc -shared -fPIC $(pkg-config --cflags pktsim-driver) -o devnp-mine.so mine.c
	) >"$T/mine/build.log" 2>&1 || { out=$(cat "$T/mine/build.log"); rc=1; fail "out-of-tree build"; }
	if [ -f "$T/mine/devnp-mine.so" ]; then
		cd "$T/mine"
		run "$PKTSIM" run "$SRC/scenarios/attach_traffic.lua" --out "$T/m" --driver ./devnp-mine.so
		want_rc 0 "attach_traffic against the out-of-tree driver"
		run "$PKTSIM" replay "$(trace_in "$T/m" attach_traffic 1)"
		want_rc 0 "replay of the out-of-tree driver's run (same directory)"
		cd "$T"
	fi
else
	echo "note: no pkg-config or cc: the out-of-tree build is not checked" >&2
fi

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all io-pkt CLI checks passed"
