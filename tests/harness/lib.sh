# tests/harness/lib.sh — what every tests/harness/test_*.sh shares: the environment ctest
# sets (PKTSIM the binary, SRC the source tree, TMPROOT scratch space), a fresh scratch
# folder per script ($T, the current directory, with TMPDIR inside it), and the checks.
# Every check runs; `finish` fails the script at the end if any failed, listing them all.
#
# Usage, after `set -euo pipefail`:  . "$(dirname "$0")/lib.sh" SCRATCH_NAME

: "${PKTSIM:?PKTSIM must name the pktsim binary}"
: "${SRC:?SRC must name the source tree}"
: "${TMPROOT:?TMPROOT must name a scratch directory}"

BUILD="$(cd "$(dirname "$PKTSIM")" && pwd)"
FIX="$SRC/tests/harness/fixtures"
T="$TMPROOT/${1:?lib.sh needs a scratch folder name}"
rm -rf "$T"
mkdir -p "$T"
cd "$T"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"

failures=0
fail() {
	printf 'FAIL: %s\n' "$1" >&2
	printf '  exit code: %s\n  output:\n%s\n' "${rc:-?}" "$(sed 's/^/    | /' <<<"${out:-}")" >&2
	failures=$((failures + 1))
}
# run CMD...: capture the output (stdout and stderr) in $out and the exit code in $rc
run() {
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
}
want_rc() { [ "$rc" -eq "$1" ] || fail "$2: exit code $rc, expected $1"; }
want_out() { grep -qE -- "$1" <<<"$out" || fail "$2: output lacks /$1/"; }
lacks_out() { ! grep -qE -- "$1" <<<"$out" || fail "$2: output has /$1/"; }
# trace_in DIR NAME SEED: the newest trace of scenario NAME with SEED under DIR/traces
# (named NAME.seedSEED.DRIVER-ID.trace, docs/scenarios.md)
trace_in() { ls -t "$1"/traces/"$2".seed"$3".*.trace 2>/dev/null | head -n1; }
digest_of() { sed -n 's/.*digest=\([0-9a-f]\{16\}\).*/\1/p' <<<"$1" | head -n1; }
# need_driver NAME: stop the script (failed) unless devnp-NAME.so is built
need_driver() {
	if [ ! -f "$BUILD/drivers/devnp-$1.so" ]; then
		echo "FAIL: $BUILD/drivers/devnp-$1.so is not built" >&2
		exit 1
	fi
}
# finish: the end of a script: fail if any check failed
finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
}
