#!/usr/bin/env bash
# tests/harness/test_cli.sh — the pktsim command as a user meets it: determinism of traces,
# replay (identical, corrupt, cut, changed scenario), Lua errors and the instruction limit,
# the sandbox, pairs() order, failing expectations, crashes, usage errors, --help.
#
# Environment (set by ctest): PKTSIM the binary, SRC the source tree, TMPROOT scratch space.
# Every check runs; the script fails at the end if any check failed, listing them all.
set -euo pipefail

. "$(dirname "$0")/lib.sh" harness_cli

# ---------------------------------------------------------------- help, version
run "$PKTSIM" --help
want_rc 0 "pktsim --help"
want_out "^usage: pktsim COMMAND" "pktsim --help"
run "$PKTSIM" run --help
want_rc 0 "pktsim run --help"
want_out "^usage: pktsim run FILE.lua" "pktsim run --help"
want_out "exit codes" "pktsim run --help documents exit codes"
run "$PKTSIM" replay --help
want_rc 0 "pktsim replay --help"
want_out "^usage: pktsim replay TRACE" "pktsim replay --help"
run "$PKTSIM" --version
want_rc 0 "pktsim --version"
want_out "^pktsim [0-9]+\.[0-9]+" "pktsim --version"

# ------------------------------------------------------------------ usage errors
run "$PKTSIM"
want_rc 2 "pktsim without a command"
run "$PKTSIM" frobnicate
want_rc 2 "unknown command"
want_out "unknown command" "unknown command"
run "$PKTSIM" run
want_rc 2 "run without files"
want_out "no scenario file" "run without files"
run "$PKTSIM" run --bogus "$FIX/random.lua"
want_rc 2 "run --bogus"
want_out "unknown option --bogus" "run --bogus"
run "$PKTSIM" run --seed abc "$FIX/random.lua"
want_rc 2 "run --seed abc"
run "$PKTSIM" run "$FIX/random.lua" --seed
want_rc 2 "run --seed without a value"
want_out "needs a value" "run --seed without a value"
run "$PKTSIM" run --max-instructions 0 "$FIX/random.lua"
want_rc 2 "run --max-instructions 0"
run "$PKTSIM" run "$FIX/random.lua" "$FIX/sandbox.lua" --trace "$T/x.trace"
want_rc 2 "--trace with two scenarios"
want_out "exactly one" "--trace with two scenarios"
run "$PKTSIM" run "$T/no-such-file.lua" --out "$T/out"
want_rc 2 "missing scenario file"
want_out "^ERROR .*no-such-file.lua" "missing scenario file"
want_out "cannot read .*no-such-file.lua" "missing scenario file"
run "$PKTSIM" replay
want_rc 2 "replay without a trace"
run "$PKTSIM" replay a.trace b.trace
want_rc 2 "replay with two traces"
run "$PKTSIM" replay --bogus a.trace
want_rc 2 "replay --bogus"
run "$PKTSIM" replay "$T/no-such.trace"
want_rc 2 "replay of a missing trace"

# ------------------------------------------------------------------- determinism
run "$PKTSIM" run "$FIX/random.lua" --trace "$T/r1.trace"
want_rc 0 "random.lua passes"
want_out "^PASS .*random.lua  vtime=5.000us events=[0-9]+ digest=[0-9a-f]{16} wall=" "PASS line"
d1=$(digest_of "$out")
run "$PKTSIM" run "$FIX/random.lua" --trace "$T/r2.trace"
want_rc 0 "random.lua passes again"
cmp -s "$T/r1.trace" "$T/r2.trace" || fail "two runs of one seed give different trace files"
[ "$(digest_of "$out")" = "$d1" ] || fail "two runs of one seed give different digests"

run "$PKTSIM" run "$FIX/random.lua" --seed 1 --out "$T/out"
want_rc 0 "random.lua --seed 1"
ls "$T"/out/traces/random.seed1.sam-[0-9a-f]*.trace >/dev/null 2>&1 ||
	fail "trace not at DIR/traces/NAME.seed1.DRIVER-ID.trace"
s1=$(digest_of "$out")
run "$PKTSIM" run "$FIX/random.lua" --seed 2 --out "$T/out"
want_rc 0 "random.lua --seed 2"
s2=$(digest_of "$out")
[ -n "$s1" ] && [ "$s1" != "$s2" ] || fail "seeds 1 and 2 give the same digest ($s1)"
run "$PKTSIM" run "$FIX/random.lua" --out "$T/out"
ls "$T"/out/traces/random.seed11.sam-*.trace >/dev/null 2>&1 ||
	fail "the scenario's seed (11) does not name the trace"

# ------------------------------------------------------------------------ replay
run "$PKTSIM" replay "$T/r1.trace"
want_rc 0 "replay of a fresh trace"
want_out "^identical: [0-9]+ events, digest $d1\$" "replay of a fresh trace"
want_out "^PASS .*random.lua" "replay shows the re-run's verdict"
[ -z "$(ls -A "$TMPDIR")" ] || fail "replay left its temporary trace behind: $(ls "$TMPDIR")"

# one byte flipped in the middle
size=$(stat -c %s "$T/r1.trace" 2>/dev/null || echo 0)
[ "$size" -gt 100 ] || fail "the trace r1.trace is missing or tiny ($size bytes)"
cp "$T/r1.trace" "$T/flipped.trace" 2>/dev/null || : >"$T/flipped.trace"
mid=$((size / 2))
byte=$(od -An -tu1 -j "$mid" -N1 "$T/flipped.trace" | tr -d ' ')
byte=${byte:-0}
printf "\\x$(printf %02x $((byte ^ 0x5a)))" | dd of="$T/flipped.trace" bs=1 seek="$mid" conv=notrunc status=none
run "$PKTSIM" replay "$T/flipped.trace"
want_rc 2 "replay of a trace with a flipped byte"
want_out "corrupt|checksum" "replay of a trace with a flipped byte"

# cut in the middle of a record: refused with a reason, never a crash. Where mid + 3 falls
# depends on the header's length (the scenario's path): if it is a record boundary (the
# replay then sees a trace without footer), one byte further is inside a record.
for extra in 3 4; do
	head -c $((mid + extra)) "$T/r1.trace" >"$T/cut.trace" 2>/dev/null || true
	run "$PKTSIM" replay "$T/cut.trace"
	if [ "$rc" -ne 0 ] || ! grep -q "no footer" <<<"$out"; then
		break
	fi
done
want_rc 2 "replay of a trace cut mid-record"
want_out "corrupt|truncated" "replay of a trace cut mid-record"
# cut where the footer starts (25 bytes: 'F' record, docs/trace-format.md): a trace whose
# run was killed; replay accepts it and says how far it got
head -c $((size > 25 ? size - 25 : 0)) "$T/r1.trace" >"$T/nofooter.trace" 2>/dev/null || true
run "$PKTSIM" replay "$T/nofooter.trace"
want_rc 0 "replay of a trace without its footer"
want_out "^identical: " "replay of a trace without its footer"
want_out "no footer" "replay of a trace without its footer says so"

# replay elsewhere: --scenario reads a copy, messages still name the recorded path
mkdir -p "$T/elsewhere/copy"
run "$PKTSIM" run "$FIX/expect_fail.lua" --trace "$T/elsewhere/f.trace"
cp "$FIX/expect_fail.lua" "$T/elsewhere/copy/renamed.lua"
run bash -c "cd '$T/elsewhere' && '$PKTSIM' replay f.trace --scenario copy/renamed.lua"
want_rc 0 "replay --scenario from another directory"
want_out "^identical: " "replay --scenario from another directory"
want_out "expect_fail.lua:5: t=2.000ms: expectation failed" "replay --scenario keeps the recorded name"
run "$PKTSIM" replay "$T/elsewhere/f.trace" --scenario "$T/elsewhere/missing.lua"
want_rc 2 "replay --scenario of a missing file"

# --------------------------------------------------------------- Lua errors
run "$PKTSIM" run "$FIX/syntax_error.lua" --out "$T/out"
want_rc 2 "syntax error"
want_out "^ERROR .*syntax_error.lua" "syntax error"
want_out "syntax_error.lua:3:" "syntax error names file:line"
run "$PKTSIM" run "$FIX/runtime_error.lua" --out "$T/out"
want_rc 2 "runtime error"
want_out "runtime_error.lua:6: attempt to index a nil value" "runtime error names file:line"
run "$PKTSIM" run "$FIX/timer_block.lua" --out "$T/out"
want_rc 2 "blocking call in a timer callback"
want_out "timer_block.lua:3: sleep\(\) blocks and cannot be called from a timer callback" \
	"blocking call in a timer callback"
# (timeout: if the limit did not work this would never end)
run timeout 60 "$PKTSIM" run "$FIX/infinite_loop.lua" --max-instructions 100000 --out "$T/out"
want_rc 2 "infinite loop"
want_out "infinite_loop.lua:[0-9]+: instruction limit \(100000\) exceeded" "infinite loop"
# an allocation bomb stops at the memory cap: an input error, not a crash
run timeout 60 "$PKTSIM" run "$FIX/memory_bomb.lua" --max-memory 100000000 --out "$T/out"
want_rc 2 "memory bomb"
want_out "^ERROR .*memory_bomb.lua" "memory bomb"
want_out "not enough memory" "memory bomb says why"
run "$PKTSIM" run "$FIX/memory_bomb.lua" --max-memory lots --out "$T/out"
want_rc 2 "--max-memory with a bad value"

# ------------------------------------------------------------------------ sandbox
run "$PKTSIM" run "$FIX/sandbox.lua" --out "$T/out"
want_rc 0 "sandbox.lua (checks from inside)"
i=0
for escape in \
	"os.execute('touch $T/pwned')" \
	"io.open('$T/pwned', 'w'):write('x')" \
	"require('os').execute('touch $T/pwned')" \
	"loadfile('/etc/passwd')" \
	"dofile('/etc/passwd')" \
	"debug.sethook()" \
	"package.loadlib('libc.so.6', 'system')" \
	"assert(load(string.dump(function() end)))()" \
	"load('return 1', 'x', 'b')"; do
	i=$((i + 1))
	printf 'local sys = system{}\n%s\n' "$escape" >"$T/escape$i.lua"
	run "$PKTSIM" run "$T/escape$i.lua" --out "$T/out"
	want_rc 2 "sandbox escape: $escape"
	want_out "escape$i.lua:2:" "sandbox escape names file:line: $escape"
done
[ ! -e "$T/pwned" ] || fail "a sandbox escape created a file"

# ---------------------------------------------------------------------- pairs order
run "$PKTSIM" run "$FIX/pairs_order.lua" --out "$T/out"
want_rc 0 "pairs_order.lua"
p1=$(digest_of "$out")
run "$PKTSIM" run "$FIX/pairs_order.lua" --out "$T/out"
want_rc 0 "pairs_order.lua again"
[ "$(digest_of "$out")" = "$p1" ] || fail "pairs order differs between two runs"
run "$PKTSIM" run "$FIX/pairs_badkey.lua" --out "$T/out"
want_rc 2 "pairs over table keys"
want_out "pairs_badkey.lua:4: pairs\(\): keys of type table have no deterministic order" \
	"pairs over table keys"

# ----------------------------------------------------------- failing expectation
msg='expect_fail.lua:5: t=2.000ms: expectation failed: arithmetic \(got 2, expected 3\)'
run "$PKTSIM" run "$FIX/expect_fail.lua" --out "$T/out"
want_rc 1 "failing expectation"
want_out "^FAIL .*expect_fail.lua  vtime=2.000ms" "failing expectation"
want_out "$msg" "failing expectation message"
want_out "^    trace: $T/out/traces/expect_fail.seed9.sam-[0-9a-f]{8}.trace\$" \
	"failing expectation names its trace"
want_out "^    replay: pktsim replay $T/out/traces/expect_fail.seed9.sam-[0-9a-f]{8}.trace\$" \
	"failing expectation gives the replay command"
eftrace=$(sed -n 's/^    trace: //p' <<<"$out")
[ -s "$eftrace" ] || fail "the failing run left no trace"
run "$PKTSIM" replay "$eftrace"
want_rc 0 "replay of the failing trace"
want_out "^FAIL " "replay reproduces the verdict"
want_out "$msg" "replay reproduces the failure message"
want_out "^identical: " "replay of the failing trace is identical"
run "$PKTSIM" run "$FIX/swallow.lua" --out "$T/out"
want_rc 1 "pcall cannot swallow a failed expectation"
want_out "swallow.lua:4: t=0ns: expectation failed: pcall cannot swallow this" "swallow.lua"

# -------------------------------------------------------- several scenarios
run "$PKTSIM" run "$FIX/random.lua" "$FIX/expect_fail.lua" --out "$T/out"
want_rc 1 "pass + fail"
want_out "^2 scenarios: 1 passed, 1 failed, 0 errors, 0 crashed" "pass + fail summary"
run "$PKTSIM" run "$FIX/random.lua" "$FIX/syntax_error.lua" "$FIX/expect_fail.lua" --out "$T/out"
want_rc 2 "pass + error + fail"
run "$PKTSIM" run "$FIX/random.lua" "$FIX/expect_fail.lua" --out "$T/out" --quiet
lacks_out "^PASS" "--quiet hides passing scenarios"
want_out "^FAIL" "--quiet shows failing scenarios"

# ------------------------------------------------------ changed scenario file
cp "$FIX/random.lua" "$T/changing.lua"
run "$PKTSIM" run "$T/changing.lua" --trace "$T/changing.trace"
want_rc 0 "changing.lua before the change"
echo "-- a comment changes the file, not the run" >>"$T/changing.lua"
run "$PKTSIM" replay "$T/changing.trace"
want_rc 2 "replay after the scenario changed"
want_out "changed since the recording" "replay after the scenario changed"
run "$PKTSIM" replay "$T/changing.trace" --force
want_rc 0 "replay --force after a harmless change"
want_out "^identical: " "replay --force after a harmless change"
echo 'log("one more record")' >>"$T/changing.lua"
run "$PKTSIM" replay "$T/changing.trace" --force
want_rc 3 "replay --force after a change of behaviour"
want_out "^differs at record #[0-9]+" "replay --force after a change of behaviour"
want_out "^  recorded: " "the differing recorded record"
want_out "^  replayed: " "the differing replayed record"
want_out "trace is kept: " "a differing replay keeps its trace"

# ------------------------------------------------------- -D scenario parameters
cat >params.lua <<'EOF2'
local n = param("cycles", 100)
local b = param("flag", false)
expect_eq(n, tonumber(param("want", "100")), "cycles")
expect_eq(b, param("wantflag", "no") == "yes", "flag")
EOF2
run "$PKTSIM" run params.lua --trace params_default.trace
want_rc 0 "param() without -D gives the default"
run "$PKTSIM" run params.lua -D cycles=7 -D want=7 -D flag=yes -D wantflag=yes --trace params.trace
want_rc 0 "param() returns -D values, converted to the default's type"
run "$PKTSIM" run params.lua -D cycles=7 --trace params_bad.trace
want_rc 1 "a -D value reaches the scenario (expectation fails)"
run "$PKTSIM" replay params.trace
want_rc 0 "replay uses the recorded -D values"
want_out "param.cycles=7" "replay shows the recorded parameters"
run "$PKTSIM" run params.lua -D cycles=many
want_rc 2 "a non-numeric -D for a number parameter"
want_out "params.lua:1: parameter cycles: -D cycles=many is not a number" "names file:line and value"
run "$PKTSIM" run params.lua -D 9lives=1
want_rc 2 "a -D name that is not an identifier"
want_out "NAME a Lua identifier" "says what a -D name must be"

# --------------------------------------------------- include(): shared scenario code
mkdir -p inc/lib
cat >inc/lib/util.lua <<'EOF2'
local M = { loads = 0 }
M.loads = M.loads + 1
function M.must_be(v, want) expect_eq(v, want, "util.must_be") end
return M
EOF2
cat >inc/use.lua <<'EOF2'
local U = include("lib/util.lua")
local again = include("lib/util.lua")
expect_eq(again, U, "a second include returns the same value")
expect_eq(U.loads, 1, "the file ran once")
U.must_be(param("v", 1), 1)
EOF2
run "$PKTSIM" run inc/use.lua --trace inc.trace
want_rc 0 "include() loads a file next to the scenario, once"
run "$PKTSIM" run inc/use.lua -D v=2
want_rc 1 "an expectation inside included code fails the scenario"
want_out "inc/use.lua:5: t=0ns: expectation failed: util.must_be" \
	"a failure in included code names the scenario's line that called it"
run "$PKTSIM" replay inc.trace
want_rc 0 "replay with the included file unchanged"
echo "-- changed" >>inc/lib/util.lua
run "$PKTSIM" replay inc.trace
want_rc 3 "replay after the included file changed differs"
want_out "include.*lib/util.lua" "the difference names the included file"
for bad in '../x.lua' '/etc/x.lua' 'lib/x.txt' 'a b.lua'; do
	printf 'include("%s")\n' "$bad" >inc/bad.lua
	run "$PKTSIM" run inc/bad.lua
	want_rc 2 "include(\"$bad\") refused"
	want_out "inc/bad.lua:1: include" "the refusal names file:line for $bad"
done
printf 'include("lib/none.lua")\n' >inc/bad.lua
run "$PKTSIM" run inc/bad.lua
want_rc 2 "a missing included file"
want_out "cannot open" "says the file cannot be opened"

# -------------------------------------------------------------------- crash
# A scenario that runs until killed; the test kills its process with SIGSEGV once the
# trace has some records, and expects CRASH, the signal, the trace path and exit code 4.
crash_out="$T/crash.out"
set +e
"$PKTSIM" run "$FIX/crash_target.lua" --trace "$T/crash.trace" \
	--max-instructions 100000000000 >"$crash_out" 2>&1 &
parent=$!
set -e
child=""
for _ in $(seq 1 200); do
	for stat in /proc/[0-9]*/stat; do # find the scenario process: the child of $parent
		line=$(cat "$stat" 2>/dev/null) || continue
		read -r _ ppid _ <<<"${line##*) }" # fields after "(comm) ": state, ppid, ...
		if [ "$ppid" = "$parent" ]; then
			child=${stat#/proc/}
			child=${child%/stat}
		fi
	done
	if [ -n "$child" ] && [ -f "$T/crash.trace" ] &&
		[ "$(stat -c %s "$T/crash.trace")" -gt 1000 ]; then
		break
	fi
	sleep 0.05
done
if [ -n "$child" ]; then
	kill -SEGV "$child"
else
	kill "$parent" 2>/dev/null || true
fi
set +e
wait "$parent"
rc=$?
set -e
out=$(cat "$crash_out")
want_rc 4 "a crashed scenario"
want_out "^CRASH .*crash_target.lua  signal=SIGSEGV" "CRASH line names the signal"
want_out "^    trace: $T/crash.trace\$" "CRASH names the trace"
want_out "^    replay: pktsim replay $T/crash.trace\$" "CRASH gives the replay command"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
