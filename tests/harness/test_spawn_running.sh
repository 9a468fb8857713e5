#!/usr/bin/env bash
# tests/harness/test_spawn_running.sh — a simulated thread spawns another while the run is
# going (sys:spawn from a thread), then joins it. Kept apart from test_cli.sh so that a
# failure here names itself: it exercises sim_thread_create called from a running thread.
set -euo pipefail
: "${PKTSIM:?}" "${SRC:?}" "${TMPROOT:?}"
T="$TMPROOT/harness_spawn_running"
rm -rf "$T"
mkdir -p "$T"
set +e
out=$("$PKTSIM" run "$SRC/tests/harness/fixtures/spawn_running.lua" --out "$T" 2>&1)
rc=$?
set -e
if [ "$rc" -ne 0 ] || ! grep -q '^PASS .*spawn_running.lua  vtime=1.000ms' <<<"$out"; then
	printf 'FAIL: spawning from a running thread (exit code %s):\n%s\n' "$rc" "$out" >&2
	exit 1
fi
echo "passed"
