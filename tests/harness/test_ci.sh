#!/usr/bin/env bash
# tests/harness/test_ci.sh — what CI relies on (docs/ci.md): JUnit XML valid against
# tests/harness/junit.xsd (xmllint), TAP accepted by prove, trace names that neither
# collide nor depend on time, failure output ending with the replay command, a replay
# that repeats verdict and message byte for byte, a crashed driver's trace replayed as
# far as it got, and expect_covered.
set -euo pipefail
. "$(dirname "$0")/lib.sh" ci

XSD="$SRC/tests/harness/junit.xsd"
# the indented message lines of a verdict (what a replay must print identically)
messages() { sed -n '/^\(PASS\|FAIL\|ERROR\|CRASH\) /,$p' <<<"$1" | grep '^    ' |
	grep -v '^    \(trace\|replay\): '; }

# ----------------------------------------------------------------- JUnit XML
run "$PKTSIM" run "$FIX/random.lua" "$FIX/expect_fail.lua" "$FIX/syntax_error.lua" \
	--out "$T/out" --junit "$T/junit.xml"
want_rc 2 "pass + fail + error"
xmllint --noout --schema "$XSD" "$T/junit.xml" 2>"$T/xmllint.err" ||
	{ out=$(cat "$T/xmllint.err"); fail "junit.xml does not validate against junit.xsd"; }
q() { xmllint --xpath "$1" "$T/junit.xml" 2>/dev/null; }
[ "$(q 'count(//testcase)')" = 3 ] || fail "junit: one testcase per scenario"
[ "$(q 'string(//testsuite/@failures)')" = 1 ] || fail "junit: one failure"
[ "$(q 'string(//testsuite/@errors)')" = 1 ] || fail "junit: one error"
[ "$(q 'string(//testcase[contains(@name,"expect_fail")]/@classname)')" = pktsim.expect.sam ] ||
	fail "junit: classname pktsim.FAMILY.DRIVER"
q 'string(//testcase[contains(@name,"expect_fail")]/failure/@message)' |
	grep -q 'expectation failed: arithmetic (got 2, expected 3)' ||
	fail "junit: the failure message is the first message line"
q 'string(//testcase[contains(@name,"expect_fail")]/failure)' |
	grep -q '^    replay: pktsim replay .*/expect_fail\.seed9\.sam-[0-9a-f]\{8\}\.trace$' ||
	fail "junit: the replay command is inside the failure"
q 'string(//testcase[contains(@name,"syntax_error")]/error/@message)' | grep -q 'syntax_error.lua' ||
	fail "junit: a Lua error is an <error> naming the file"
# the schema check can fail: a testcase without its time attribute is refused
sed 's/ time="[0-9.]*"\/>/\/>/' "$T/junit.xml" >"$T/broken.xml"
! xmllint --noout --schema "$XSD" "$T/broken.xml" 2>/dev/null ||
	fail "junit.xsd accepts a testcase without time"
run "$PKTSIM" run "$FIX/random.lua" --junit "$T/no/such/dir/j.xml" --out "$T/out"
want_rc 5 "junit into a missing folder"
want_out "cannot write .*j.xml" "junit write error named"

# ------------------------------------------------------------------------ TAP
printf '#!/bin/sh\nexec "%s" run "%s" "%s" --tap --out "%s"\n' "$PKTSIM" "$FIX/random.lua" \
	"$SRC/scenarios/smoke.lua" "$T/out" >pass.t
printf '#!/bin/sh\nexec "%s" run "%s" "%s" --tap --out "%s"\n' "$PKTSIM" "$FIX/random.lua" \
	"$FIX/expect_fail.lua" "$T/out" >fail.t
run prove --exec sh pass.t
want_rc 0 "prove accepts the TAP of passing scenarios"
want_out "^Result: PASS" "prove: PASS"
run prove --exec sh fail.t
want_rc 1 "prove sees the failing scenario"
want_out "Failed 1/2 subtests" "prove counts one failed test point of two"
run sh fail.t
want_out "^1\.\.2$" "TAP plan"
want_out "^not ok 2 - .*expect_fail.lua$" "TAP test point of the failure"
want_out "^    +replay: pktsim replay " "the TAP diagnostics hold the replay command"
lacks_out "^(PASS|FAIL) " "no verdict lines in TAP mode"

# ------------------------------------------------------------ trace names
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/n"
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/n" -D x=1
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/n" --driver simnic
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/n"
n=$(ls "$T/n/traces" | wc -l)
[ "$n" = 3 ] || fail "3 option sets give 3 traces, the same options the same name (got $n: $(ls "$T/n/traces"))"
compgen -G "$T/n/traces/expect_fail.seed9.simnic-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].trace" \
	>/dev/null || fail "the driver names the trace"

# ----------------------- failure output ends with the replay; replay repeats it
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/r"
want_rc 1 "expect_fail"
[ "$(tail -n1 <<<"$out")" = "    replay: pktsim replay $(trace_in "$T/r" expect_fail 9)" ] ||
	fail "the output does not end with the exact replay command"
m1=$(messages "$out")
cmd=$(tail -n1 <<<"$out" | sed 's/^    replay: //')
run env PATH="$BUILD:$PATH" $cmd # the command as printed, pktsim on the PATH
want_rc 0 "the replay command"
want_out "^FAIL " "replay repeats the verdict"
[ -n "$m1" ] && [ "$(messages "$out")" = "$m1" ] || fail "replay's messages differ from the run's"
run "$PKTSIM" run "$FIX/random.lua" "$FIX/expect_fail.lua" --out "$T/r"
[ "$(tail -n1 <<<"$out")" = "  pktsim replay $(trace_in "$T/r" expect_fail 9)" ] ||
	fail "with several scenarios the output does not end with the replay commands"

# expect_covered, and a model breach message replayed byte for byte
run "$PKTSIM" run "$FIX/covered.lua" --out "$T/c"
want_rc 0 "expect_covered of functions io-pkt called"
run "$PKTSIM" run "$FIX/covered.lua" --out "$T/c" -D want=sam_init,sam_stop,no_such_fn
want_rc 1 "expect_covered of functions never called"
want_out "covered.lua:[0-9]+: t=[^:]+: expectation failed: driver functions never called: sam_stop, no_such_fn \(called: sam_entry, sam_attach, .*sam_init.*\)$" \
	"expect_covered names what was never called"
m1=$(messages "$out")
run "$PKTSIM" replay "$(trace_in "$T/c" covered 3)"
want_rc 0 "replay of the expect_covered failure"
[ "$(messages "$out")" = "$m1" ] || fail "replay of expect_covered: messages differ"

# ---------------------------------- a driver that crashes: trace, replay how far
mkdir -p "$T/crash"
cat >"$T/crash/crash.c" <<'EOF2'
/* A driver that attaches, then dereferences NULL in its entry point. */
#include <io-pkt/iopkt_driver.h>
#include <sys/io-pkt.h>
int crash_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options);
struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(crash) = IOPKT_DRVR_ENTRY_SYM_INIT(crash_entry);
int crash_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options)
{
	volatile int *p = 0;
	return *p;
}
EOF2
# shellcheck disable=SC2046 # pkg-config's flags are several words
(cd "$T/crash" && PKG_CONFIG_PATH="$BUILD" cc -shared -fPIC \
	$(PKG_CONFIG_PATH="$BUILD" pkg-config --cflags pktsim-driver) -o devnp-crash.so crash.c) ||
	fail "building the crashing driver"
run "$PKTSIM" run "$FIX/covered.lua" --driver "$T/crash/devnp-crash.so" --out "$T/k" \
	--junit "$T/k/junit.xml"
want_rc 4 "a driver that crashes"
xmllint --noout --schema "$XSD" "$T/k/junit.xml" 2>/dev/null || fail "junit of a crash does not validate"
[ "$(xmllint --xpath 'string(//testcase/error/@type)' "$T/k/junit.xml")" = crash ] ||
	fail "junit: a crash is an <error type=\"crash\">"
want_out "^CRASH .*covered.lua  signal=SIGSEGV" "CRASH names the signal"
want_out "the trace holds every record written before the crash" "the trace is kept"
want_out "^    crashed at t=0ns, the trace's last record, while running the driver's crash_entry \(drvr_init\) on thread " \
	"the crash names the driver function that was running"
want_out "^    replay: pktsim replay " "CRASH gives the replay command"
ktrace=$(trace_in "$T/k" covered 3)
run "$PKTSIM" replay "$ktrace"
want_rc 0 "replay of the crashed run"
want_out "^CRASH " "the replay crashes the same way"
want_out "while running the driver's crash_entry" "the replay names the same driver function"
want_out "^identical: [0-9]+ events" "replay compares what the crashed run wrote"
want_out "no footer .*got as far as [0-9]+ events" "replay says how far the crashed run got"
run "$PKTSIM" report "$ktrace" -o "$T/k/crash.html"
want_rc 0 "report of the crashed run"
want_out "without a footer" "report says the run was cut"
grep -q '"name":"crash_entry"\|"crash_entry"' "$T/k/crash.html" ||
	fail "the report shows the driver function running when it crashed"

# ------------------------------------------------ coverage (gcov + lcov + genhtml)
# A small case: sam built out of the tree with --coverage, as PKTSIM_COVERAGE=1 builds
# the in-tree drivers; --coverage-dir says where its .gcno/.gcda files live.
mkdir -p "$T/cov"
cp "$SRC/drivers/sam/sam.c" "$T/cov/sam.c"
# shellcheck disable=SC2046 # pkg-config's flags are several words
(cd "$T/cov" && PKG_CONFIG_PATH="$BUILD" cc -shared -fPIC --coverage -O0 \
	$(PKG_CONFIG_PATH="$BUILD" pkg-config --cflags pktsim-driver) -o devnp-samcov.so sam.c) ||
	fail "building the instrumented driver"
covrun() { run "$PKTSIM" run "$@" --driver "$T/cov/devnp-samcov.so" --coverage-dir "$T/cov" \
	--out "$T/co"; }
lines_hit() { sed -n 's|^  [^ ]*sam\.c  *lines .*(\([0-9]*\)/[0-9]*).*|\1|p' <<<"$out"; }
covrun "$FIX/covered.lua"
want_rc 0 "one scenario with coverage"
want_out "^  .*sam\.c +lines +[0-9.]+% \([0-9]+/[0-9]+\)  functions +[0-9.]+% \([0-9]+/[0-9]+\)" \
	"per-file line and function coverage"
want_out "functions never entered: .*sam\.c:sam_start" "functions never entered are listed"
[ -s "$T/co/coverage/lcov.info" ] || fail "no lcov tracefile"
[ -s "$T/co/coverage/html/index.html" ] || fail "no genhtml report"
one=$(lines_hit)
covrun "$FIX/covered.lua" "$SRC/scenarios/attach_traffic.lua"
want_rc 0 "two scenarios with coverage"
two=$(lines_hit)
[ -n "$one" ] && [ -n "$two" ] && [ "$two" -gt "$one" ] ||
	fail "two scenarios do not merge into more lines covered ($one, then $two)"
lacks_out "never entered: .*sam_start" "attach_traffic reaches sam_start in the merged report"
covrun "$FIX/covered.lua"
[ "$(lines_hit)" = "$one" ] || fail "counters are not zeroed before a run ($(lines_hit) vs $one)"
run "$PKTSIM" report "$(trace_in "$T/co" covered 3)" -o "$T/co/r.html"
want_out ", coverage\)" "the report finds the coverage of its report folder"
grep -q '"coverage":{"files":\[\[' "$T/co/r.html" || fail "the page holds no coverage"
# the build option: PKTSIM_COVERAGE=ON instruments the in-tree drivers (own build folder,
# only the driver built); the default build's drivers have no counters
if nm "$BUILD/drivers/devnp-sam.so" | grep -q __gcov_; then
	fail "the default build's driver is instrumented"
fi
if cmake -S "$SRC" -B "$T/covbuild" -DPKTSIM_COVERAGE=ON >"$T/covbuild.log" 2>&1 &&
	cmake --build "$T/covbuild" --target devnp-sam >>"$T/covbuild.log" 2>&1; then
	run "$PKTSIM" run "$SRC/scenarios/lifecycle.lua" --driver "$T/covbuild/drivers/devnp-sam.so" \
		--coverage-dir "$T/covbuild/drivers" --out "$T/co3"
	want_rc 0 "lifecycle against the PKTSIM_COVERAGE build's sam"
	want_out "^  .*drivers/sam/sam\.c +lines +[0-9.]+%" "coverage of the in-tree sam.c"
	[ -s "$T/co3/coverage/html/index.html" ] || fail "no genhtml report for the option build"
else
	out=$(cat "$T/covbuild.log"); rc=1; fail "configuring/building with -DPKTSIM_COVERAGE=ON"
fi
mkdir -p "$T/nocov"
run "$PKTSIM" run "$FIX/covered.lua" --coverage-dir "$T/nocov" --out "$T/co2"
want_rc 2 "coverage of a driver without counters"
want_out "built with --coverage" "says the driver must be instrumented"
finish
