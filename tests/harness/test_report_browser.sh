#!/usr/bin/env bash
# tests/harness/test_report_browser.sh — the HTML page of `pktsim report` in headless
# Chromium: it loads from a file with no network, its script runs to the end without an
# error (the page then has an element id="pktsim-ready" and a title naming the verdict;
# a script error would add id="pktsim-error"), its timeline zooms, pans and resets, and a
# screenshot of it is produced.
# Skipped (exit 77) when Chromium is not installed; `./build.sh test` installs it.
set -euo pipefail
. "$(dirname "$0")/lib.sh" report-browser

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
	echo "SKIP: no chromium on PATH (Debian package chromium; ./build.sh test installs it)"
	exit 77
fi
# headless Chromium wants a writable home and no sandbox when run as root
export HOME="$T/home"
mkdir -p "$HOME"
chrome() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --disable-background-networking --user-data-dir="$T/profile" \
		--virtual-time-budget=10000 --window-size=1300,1600 "$@" 2>"$T/chrome.err"
}

check_page() { # check_page HTML VERDICT
	local dom
	dom=$(chrome --dump-dom "file://$T/$1") || fail "chromium could not load $1"
	grep -q 'id="pktsim-ready"' <<<"$dom" || fail "$1: the page's script did not run to its end"
	grep -q 'id="pktsim-error"' <<<"$dom" && fail "$1: script error: $(grep -o 'script error:[^<]*' <<<"$dom")"
	grep -q "<title>pktsim report: $2 " <<<"$dom" || fail "$1: the title does not give the verdict $2"
	chrome --screenshot="$T/${1%.html}.png" "file://$T/$1" >/dev/null || fail "no screenshot of $1"
	[ -s "$T/${1%.html}.png" ] || fail "the screenshot of $1 is empty"
	[ "$(head -c 4 "$T/${1%.html}.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] ||
		fail "the screenshot of $1 is not a PNG"
}

"$PKTSIM" run "$SRC/scenarios/attach_traffic.lua" --trace at.trace >/dev/null
"$PKTSIM" report at.trace >/dev/null
check_page at.html PASS

set +e
"$PKTSIM" run "$FIX/expect_fail.lua" --trace ef.trace >/dev/null
set -e
"$PKTSIM" report ef.trace >/dev/null
check_page ef.html FAIL

# the timeline follows the wheel (zoom), a drag (pan) and a double-click (reset)
dom=$(chrome --dump-dom "file://$T/at.html#selftest") || true
grep -q 'id="pktsim-selftest">zoom=true pan=true reset=true<' <<<"$dom" ||
	fail "the timeline does not zoom, pan and reset: $(grep -o 'id="pktsim-selftest">[^<]*' <<<"$dom")"

# a page whose script breaks is caught: the check is not blind
sed 's#const D = JSON.parse#const D = undefinedThing.x || JSON.parse#' at.html >broken.html
dom=$(chrome --dump-dom "file://$T/broken.html") || true
grep -q 'id="pktsim-error"' <<<"$dom" || fail "a script error is not visible on the page"
grep -q 'id="pktsim-ready"' <<<"$dom" && fail "a broken page still says ready"
finish
