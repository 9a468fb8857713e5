#!/usr/bin/env bash
# tests/harness/catalog_case.sh VARIANT CATALOG_TXT — one entry of the bug catalog
# (docs/bug-catalog.md): run the scenario that must catch the buggy driver VARIANT and pass
# only if it fails (exit 1) with the documented diagnosis, followed by the replay command,
# and the catalog page lists the variant. Run by ctest as catalog/VARIANT.
set -euo pipefail
variant=${1:?variant}
cat=${2:?catalog.txt}
. "$(dirname "$0")/lib.sh" "catalog-$variant"

scenario=$(sed -n 's/^scenario=//p' "$cat" | head -n1)
args=$(sed -n 's/^args=//p' "$cat" | head -n1)
diagnosis=$(sed -n 's/^diagnosis=//p' "$cat" | head -n1)
[ -n "$scenario" ] || { echo "$cat: no scenario= line" >&2; exit 1; }
[ -n "$diagnosis" ] || { echo "$cat: no diagnosis= line" >&2; exit 1; }
[ -f "$SRC/scenarios/$scenario.lua" ] || { echo "$cat: no scenarios/$scenario.lua" >&2; exit 1; }

# shellcheck disable=SC2086 # args is a list of words
run "$PKTSIM" run "$SRC/scenarios/$scenario.lua" --driver "$variant" --out "$T/out" $args
printf '%s\n' "$out"
want_rc 1 "devnp-$variant.so under $scenario.lua must FAIL (a buggy variant that passes is a miss)"
want_out "$diagnosis" "the documented diagnosis"
want_out "^    replay: pktsim replay " "the replay command"
grep -q "devnp-$variant\.so" "$SRC/docs/bug-catalog.md" ||
	fail "docs/bug-catalog.md does not list devnp-$variant.so"
finish
