#!/usr/bin/env bash
# tests/harness/test_reports.sh — `pktsim export --format chrome` and `pktsim report`:
# the JSON is valid trace-event JSON with the tracks, spans, instants and counters the
# trace holds; the HTML page carries the verdict and failure message; a trace cut short
# (killed run) is still drawn, and both commands say how far it got.
set -euo pipefail
. "$(dirname "$0")/lib.sh" reports

command -v jq >/dev/null || { echo "jq is missing (./build.sh installs it)" >&2; exit 1; }

# ------------------------------------------------------------ a passing io-pkt run
run "$PKTSIM" run "$SRC/scenarios/attach_traffic.lua" --trace at.trace
want_rc 0 "attach_traffic"
run "$PKTSIM" export at.trace --format chrome
want_rc 0 "export"
want_out "^export: at.json \([0-9]+ spans" "export names its output"
jq -e '.traceEvents | length > 100' at.json >/dev/null || fail "export: not JSON or no events"
q() { jq -r "$1" at.json; }
[ "$(q '[.traceEvents[] | select(.ph=="X" and .cat=="driver" and .name=="sam_init")] | length')" -gt 0 ] ||
	fail "export: no span for the driver function sam_init"
[ "$(q '[.traceEvents[] | select(.ph=="X" and .cat=="stack" and .tid==999999)] | length')" -gt 0 ] ||
	fail "export: no stack-context hold spans on the stack track"
[ "$(q '[.traceEvents[] | select(.ph=="i" and .cat=="irq")] | length')" -gt 0 ] ||
	fail "export: no interrupt instants"
[ "$(q '[.traceEvents[] | select(.ph=="i" and .cat=="link")] | length')" -gt 0 ] ||
	fail "export: no link-change instants"
[ "$(q '[.traceEvents[] | select(.ph=="C" and .name=="mbufs live")] | length')" -gt 0 ] ||
	fail "export: no mbuf counter"
[ "$(q '[.traceEvents[] | select(.ph=="M" and .name=="thread_name" and .args.name=="io-pkt main")] | length')" -eq 1 ] ||
	fail "export: the thread io-pkt main has no named track"
[ "$(q '[.traceEvents[] | select(.ph=="M" and .name=="process_name" and .args.name=="CPU 1")] | length')" -eq 1 ] ||
	fail "export: no process for CPU 1"
[ "$(q '[.traceEvents[] | select(.ph=="M" and .name=="thread_name" and .pid==1 and .tid==0 and .args.name=="CPU 0")] | length')" -eq 1 ] ||
	fail "export: CPU 0 has no track of its own"
[ "$(q '[.traceEvents[] | select(.ph=="X" and .dur < 0)] | length')" -eq 0 ] ||
	fail "export: a span ends before it begins"
[ "$(q '.otherData.verdict')" = PASS ] || fail "export: verdict of a passing run"
"$PKTSIM" export at.trace -o at2.json >/dev/null
cmp -s at.json at2.json || fail "export is not deterministic"

run "$PKTSIM" report at.trace -o at.html
want_rc 0 "report"
grep -q '"verdict":"PASS"' at.html || fail "report: no PASS verdict in the page"
! grep -qE '(src|href)="https?:' at.html || fail "report: the page loads something from the network"

# ----------------------------------------------------- a failing run: the message
run "$PKTSIM" run "$FIX/expect_fail.lua" --trace ef.trace
want_rc 1 "expect_fail"
run "$PKTSIM" report ef.trace
want_rc 0 "report of a failing run"
grep -q '"verdict":"FAIL"' ef.html || fail "report: a failing run is not FAIL"
grep -q 'expectation failed: arithmetic (got 2, expected 3)' ef.html ||
	fail "report: the failure message is missing"
run "$PKTSIM" export ef.trace --format chrome
jq -e '[.traceEvents[] | select(.cat=="failure")] | length == 1' ef.json >/dev/null ||
	fail "export: the failed expectation is not an instant"

# ------------------------------------------ a trace without footer (killed run)
size=$(stat -c %s at.trace)
head -c $((size - 25)) at.trace >cut.trace
run "$PKTSIM" export cut.trace
want_rc 0 "export of a trace without footer"
want_out "without a footer: the recorded run was killed or crashed" "export says the run was cut"
jq -e '.otherData.verdict == "INCOMPLETE"' cut.json >/dev/null || fail "export: cut trace verdict"
run "$PKTSIM" report cut.trace
want_rc 0 "report of a trace without footer"
grep -q '"incomplete":true' cut.html || fail "report: a cut trace is not marked incomplete"

# ----------------------------------------------------------------- bad input
run "$PKTSIM" export at.trace --format svg
want_rc 2 "unknown format"
want_out "unknown --format \"svg\"" "unknown format named"
printf 'not a trace' >bad.trace
run "$PKTSIM" report bad.trace
want_rc 2 "report of a file that is not a trace"
want_out "bad magic" "says why"
run "$PKTSIM" report
want_rc 2 "report without a trace"
finish
