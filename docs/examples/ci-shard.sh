#!/usr/bin/env bash
# docs/examples/ci-shard.sh SHARD SHARDS [pktsim run options...] — one CI job's share of
# the scenarios (docs/ci.md). Runs every SHARDS-th scenario starting at SHARD (0-based) of
# $PKTSIM_SCENARIOS (default scenarios/*.lua, sorted), into the report folder $PKTSIM_OUT
# (default report): traces, junit-SHARD.xml, the run's output run-SHARD.log, and an HTML
# page next to the trace of each scenario that did not pass. Exits with pktsim's code.
#
#   PKTSIM=build/pktsim docs/examples/ci-shard.sh 0 3 --driver sam
set -uo pipefail
shard=${1:?usage: ci-shard.sh SHARD SHARDS [pktsim run options...]}
shards=${2:?usage: ci-shard.sh SHARD SHARDS [pktsim run options...]}
shift 2
PKTSIM=${PKTSIM:-build/pktsim}
out=${PKTSIM_OUT:-report}

# shellcheck disable=SC2086 # the pattern is meant to be expanded
mapfile -t files < <(ls -1 ${PKTSIM_SCENARIOS:-scenarios/*.lua} | LC_ALL=C sort |
	awk -v n="$shards" -v i="$shard" '(NR - 1) % n == i')
mkdir -p "$out"
if [ ${#files[@]} -eq 0 ]; then
	echo "shard $shard of $shards: no scenario"
	exit 0
fi
echo "shard $shard of $shards: ${files[*]}"
"$PKTSIM" run "${files[@]}" --out "$out" --junit "$out/junit-$shard.xml" "$@" |
	tee "$out/run-$shard.log"
rc=${PIPESTATUS[0]}
# one page per failure: verdict, message, timeline (open it from the job's artifacts)
sed -n 's/^    trace: //p' "$out/run-$shard.log" | while read -r trace; do
	[ -f "$trace" ] && "$PKTSIM" report "$trace" || true
done
exit "$rc"
