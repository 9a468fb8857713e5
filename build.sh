#!/usr/bin/env bash
# pktsim set-up, build and run, for a fresh Debian machine. Idempotent: a second run
# installs nothing that is installed and rebuilds nothing that is up to date.
#
#   ./build.sh run    install what is missing, build, run every scenario (reports: build/report,
#                     JUnit: build/report/junit.xml)
#   ./build.sh test   install what is missing, build, run every test through ctest
#   ./build.sh build  install what is missing and build only
# PKTSIM_COVERAGE=1 builds the drivers with gcov counters (pktsim run --coverage).
set -euo pipefail

cd "$(dirname "$0")"
BUILD=${PKTSIM_BUILD:-build}
PACKAGES=(cmake make gcc pkg-config libsimgrid-dev liblua5.4-dev check lcov libxml2-utils jq)
# Only `./build.sh test` needs these: the HTML report is checked in headless Chromium,
# TAP output with perl's prove.
TEST_PACKAGES=(chromium perl)

usage() {
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

install_missing() {
	local missing sudo=()
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	echo "pktsim: installing ${missing[*]}" >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
	[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	# PKTSIM_COVERAGE=1: drivers built with gcov counters, for `pktsim run --coverage`
	# (docs/ci.md); PKTSIM_COVERAGE=0 turns it off again. Unset: the build keeps its setting.
	if [ -n "${PKTSIM_COVERAGE:-}" ]; then
		local on=OFF
		[ "$PKTSIM_COVERAGE" = 0 ] || on=ON
		cmake -S . -B "$BUILD" -DPKTSIM_COVERAGE="$on" >/dev/null
	fi
	cmake --build "$BUILD" -j"$(nproc)"
}

case "${1:-}" in
run)
	install_missing
	build
	exec "$BUILD/pktsim" run scenarios/*.lua --out "$BUILD/report" --junit "$BUILD/report/junit.xml"
	;;
test)
	PACKAGES+=("${TEST_PACKAGES[@]}")
	install_missing
	build
	exec ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" --timeout 600
	;;
build)
	install_missing
	build
	;;
*) usage ;;
esac
