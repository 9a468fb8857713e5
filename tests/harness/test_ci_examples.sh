#!/usr/bin/env bash
# tests/harness/test_ci_examples.sh — the CI examples of docs/ci.md work: the shard
# script splits the scenarios over jobs without losing or repeating one, each shard's
# JUnit validates against tests/harness/junit.xsd, a failing shard exits 1 and leaves an
# HTML page next to the failing trace; ctest's family/ and driver/ labels select their
# scenarios; the workflow files are valid YAML (when python3
# with yaml is there) and call the shard script.
set -euo pipefail
. "$(dirname "$0")/lib.sh" ci-examples

EX="$SRC/docs/examples"
mkdir -p scenarios
cp "$FIX/random.lua" "$FIX/expect_fail.lua" "$SRC/scenarios/smoke.lua" "$FIX/pairs_order.lua" scenarios/
total=0
for shard in 0 1; do
	run env PKTSIM="$PKTSIM" PKTSIM_OUT="$T/report" bash "$EX/ci-shard.sh" $shard 2
	if grep -q expect_fail <<<"$(sed -n 1p <<<"$out")"; then
		want_rc 1 "the shard with the failing scenario"
		page=$(ls "$T"/report/traces/expect_fail.*.html 2>/dev/null | head -n1)
		[ -n "$page" ] || fail "no HTML page for the failing scenario"
	else
		want_rc 0 "the shard without failures"
	fi
	xmllint --noout --schema "$SRC/tests/harness/junit.xsd" "$T/report/junit-$shard.xml" 2>/dev/null ||
		fail "junit-$shard.xml does not validate"
	total=$((total + $(xmllint --xpath 'count(//testcase)' "$T/report/junit-$shard.xml")))
done
[ "$total" = 4 ] || fail "2 shards ran $total scenarios, not the 4 there are"
names=$(xmllint --xpath '//testcase/@name' "$T"/report/junit-0.xml "$T"/report/junit-1.xml 2>/dev/null |
	tr ' ' '\n' | grep name= | sort | uniq -d)
[ -z "$names" ] || fail "a scenario ran in two shards: $names"
run env PKTSIM="$PKTSIM" PKTSIM_OUT="$T/report" bash "$EX/ci-shard.sh" 7 8
want_rc 0 "an empty shard"

# ctest labels select scenario groups (docs/ci.md); -N lists without running
labels() { ctest --test-dir "$BUILD" -N -L "$1" 2>/dev/null | grep -o 'scenario/[^ ]*' || true; }
grep -q '^scenario/attach_traffic' <<<"$(labels family/attach)" || fail "label family/attach"
grep -q '^scenario/simnic_' <<<"$(labels family/simnic)" || fail "label family/simnic"
[ -z "$(labels family/attach | grep -v '^scenario/attach_')" ] || fail "family/attach selects others"
grep -q '^scenario/lifecycle/sam$' <<<"$(labels driver/sam)" || fail "label driver/sam"

for f in github-actions.yml gitlab-ci.yml; do
	grep -q 'docs/examples/ci-shard.sh' "$EX/$f" || fail "$f does not run the shard script"
	grep -q 'junit' "$EX/$f" || fail "$f does not publish JUnit"
	if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
		/usr/bin/python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$EX/$f" ||
			fail "$f is not valid YAML"
	else
		echo "note: no python3-yaml: $f not parsed"
	fi
done
finish
