#!/usr/bin/env bash
# make test-valgrind: every unit test under valgrind (memcheck, leaks), then namespace scans
# with salvo itself under valgrind (af_packet: valgrind does not model the bpf() calls af_xdp
# makes).  Any valgrind error or definite/indirect leak fails.  Ends "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--track-fds=no)
pass=0
fail=0
command -v valgrind >/dev/null || { echo "valgrind missing: scripts/install-deps.sh"; exit 1; }

for t in "$BUILD"/tests/test_*; do
	case $t in *.d) continue ;; esac
	if CMOCKA_MESSAGE_OUTPUT=TAP "${VG[@]}" "$t" >"$BUILD/valgrind-$(basename "$t").log" 2>&1; then
		echo "PASS: $(basename "$t") under valgrind"
		pass=$((pass + 1))
	else
		echo "FAIL: $(basename "$t") under valgrind"
		grep -E '^==[0-9]+==|^not ok' "$BUILD/valgrind-$(basename "$t").log" | head -30
		fail=$((fail + 1))
	fi
done

if [ "$(id -u)" = 0 ]; then
	# salvo under valgrind, through the namespace runner: a wrapper stands in for the binary.
	wrap=$(mktemp /tmp/salvo-valgrind.XXXXXX)
	printf '#!/bin/sh\nexec %s %s "$@"\n' "${VG[*]}" "$PWD/$BUILD/salvo" >"$wrap"
	chmod 0755 "$wrap"
	out=$(SALVO=$wrap ENGINE=af_packet tests/netns/runner.sh tests/netns/test_scan.sh \
		test_multiport_scan_finds_exactly_the_open_set test_sigint_flushes_results_and_exits_0 \
		test_udp_scan_finds_exactly_the_udp_services test_output_formats_round_trip 2>&1)
	rm -f "$wrap"
	echo "$out" | grep -E '^(PASS|FAIL|==)' 
	p=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"$out" | tail -1)
	f=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p' <<<"$out" | tail -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
else
	echo "SKIP: namespace scans under valgrind need root"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
