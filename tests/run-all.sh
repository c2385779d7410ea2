#!/usr/bin/env bash
# Runs every test of `make test` and ends with one line: "N passed, N failed, N skipped".
#   unit tests (cmocka, TAP output)   one count per test case
#   PF_RING ZC compile-check          one count
#   CLI dispatch tests                one count per case (unprivileged, no network)
#   the tools (salvo-iterate, ...)    one count per case (unprivileged, no network)
#   namespace tests                   one count per test (root; skipped otherwise)
#   the documentation's examples      one count per example (unprivileged, no network)
#   the docs on the test bed          one count each: the sending examples, the systemd unit
#                                     (root; skipped otherwise)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
pass=0
fail=0
skip=0

# section NAME: a heading, after the time the section before it took (make test must stay well
# under 15 minutes: this says where they go).
section_start=""
section() {
	[ -n "$section_start" ] && printf '(%d s)\n' $((SECONDS - section_start))
	section_start=$SECONDS
	printf '\n== %s\n' "$1"
}

# add_counts OUTPUT: add the "N passed, N failed[, N skipped]" line of a sub-runner.
add_counts() {
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$1" | tail -1)
	if [ -z "$line" ]; then
		echo "FAIL: no result line"
		fail=$((fail + 1))
		return
	fi
	p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
	s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + ${s:-0}))
}

section "unit tests"
for t in "$BUILD"/tests/test_*; do
	case $t in *.d) continue ;; esac
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	status=$?
	ok=$(grep -c '^ok ' <<<"$out")
	notok=$(grep -c '^not ok ' <<<"$out")
	echo "$out" | grep -E '^(not ok|#)' | grep -v '^# ok' || true
	echo "$(basename "$t"): $ok passed, $notok failed"
	pass=$((pass + ok))
	fail=$((fail + notok))
	if [ $status -ne 0 ] && [ "$notok" -eq 0 ]; then
		echo "FAIL: $(basename "$t") exited $status"
		fail=$((fail + 1))
	fi
done

section "PF_RING ZC compile-check (against tests/stub/pfring_zc.h; the engine is untested)"
if make -s check-pfring >/dev/null 2>&1; then
	echo "PASS: pfring_zc.c compiles"
	pass=$((pass + 1))
else
	make check-pfring
	echo "FAIL: pfring_zc.c does not compile"
	fail=$((fail + 1))
fi

section "CLI dispatch and bad-input tests"
out=$(tests/cli/test_dispatch.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "documentation and make install (unprivileged, no network)"
out=$(tests/cli/test_docs.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "the documentation's examples: README, man page, doc/, contrib/ (unprivileged, no network)"
out=$(tests/cli/test_examples.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "scripts/merge-results (no network)"
out=$(tests/cli/test_merge.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "Debian package (dpkg-buildpackage -us -uc -b)"
out=$(tests/cli/test_deb.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "dry-run coverage (unprivileged, no network)"
out=$(tests/cli/test_dryrun.sh 2>&1)
echo "$out"
add_counts "$out"

section "--fast-dryrun streams through tests/fastdry_check (unprivileged, no network)"
out=$(tests/cli/test_fastdry_check.sh 2>&1)
echo "$out"
add_counts "$out"

section "IPv6 targets through --dryrun (unprivileged, no network)"
out=$(tests/cli/test_ipv6.sh 2>&1)
echo "$out"
add_counts "$out"

section "salvo-iterate, salvo-blocklist, salvo-tee (unprivileged, no network)"
out=$(tests/cli/test_tools.sh 2>&1)
echo "$out" | grep -v '^PASS' || true
add_counts "$out"

section "CLI dispatch of a build without the optional engines (make USE_AF_XDP=0 USE_DPDK=0)"
if make -s BUILD="$BUILD-noxdp" USE_AF_XDP=0 USE_DPDK=0 "$BUILD-noxdp/salvo" >/dev/null 2>&1; then
	out=$(BUILD="$BUILD-noxdp" tests/cli/test_dispatch.sh 2>&1)
	echo "$out" | grep -v '^PASS' || true
	add_counts "$out"
else
	echo "FAIL: make USE_AF_XDP=0 USE_DPDK=0 does not build"
	fail=$((fail + 1))
fi

# Every namespace test runs once per engine built in (salvo --list-io-engines) and, for
# af_xdp, per mode veth offers (it has no zero-copy).
ENGINES=()
while read -r name built _; do
	[ "$built" = "no:" ] && continue
	case $name in
	af_xdp) ENGINES+=("af_xdp --xdp-mode=copy" "af_xdp --xdp-mode=skb") ;;
	# veth makes af_packet choose sendmmsg: its ring, the choice on NICs, runs the scans too.
	af_packet) ENGINES+=("af_packet" "af_packet --af-packet-tx=ring") ;;
	pfring_zc) ;; # needs its own NICs and driver: compile-checked only
	dpdk) ;;      # no kernel interface: its own tests below, through DPDK's virtual devices
	*) ENGINES+=("$name") ;;
	esac
done < <("$BUILD/salvo" --list-io-engines)
for engine in "${ENGINES[@]}"; do
	section "namespace tests ($engine)"
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: namespace tests need root"
		skip=$((skip + 1))
		continue
	fi
	files="tests/netns/test_scan.sh tests/netns/test_control.sh tests/netns/test_anyscan.sh
		tests/netns/test_privilege.sh tests/netns/test_shards.sh tests/netns/test_badinput.sh
		tests/netns/test_udp_apps.sh tests/netns/test_dns.sh
		tests/netns/test_synack_echotime.sh tests/netns/test_ipv6.sh tests/netns/test_output.sh
		tests/netns/test_nics.sh"
	# A second mode of the same engine changes only the kernel's path (af_packet's TX ring,
	# AF_XDP's SKB attach): whole scans of each kind of reply show it works; the rest run in
	# the first mode.
	mode_scans="test_multiport_scan_finds_exactly_the_open_set
		test_two_threads_two_receivers_find_the_same_set test_every_probe_sent_exactly_once
		test_forged_synacks_are_not_reported test_udp_scan_finds_exactly_the_udp_services
		test_icmp_echoscan_finds_exactly_the_live_hosts"
	mode_tests=""
	case $engine in
	"af_packet --af-packet-tx=ring" | "af_xdp --xdp-mode=skb")
		files=tests/netns/test_scan.sh
		mode_tests=$mode_scans
		;;
	esac
	# What these test is the scan core's (pacing, the orchestrator's windows, shards, option
	# parsing, the output's formats, status lines and writer, the control socket), the same
	# whatever carries the frames: af_packet runs them, and dpdk's own send path runs the
	# rate, control and AIMD tests below.  AF_XDP keeps every test whose replies cross its
	# XDP program (each probe module, IPv6, the NICs, the output's lost-nothing cases).
	leave_out=""
	[ "$engine" = "af_xdp --xdp-mode=copy" ] &&
		leave_out="test_rate_is_exact_at_2000_and_20000_pps test_sigusr1_raises_the_rate_live
			test_orchestrator_rate_loop_has_no_slips_while_sending
			test_replies_after_a_window_ends_are_reported_by_the_next
			test_indexed_job_shards_together_equal_one_scan
			test_every_option_refuses_bad_values_and_sends_nothing
			test_output_formats_round_trip test_metadata_and_status_updates_files
			test_legacy_status_line_matches_the_orchestrator_regex test_json_status_lines_parse
			test_control_socket_changes_rate_pauses_and_resumes
			test_aimd_grows_the_rate_on_a_clear_path test_max_results_stops_early
			test_min_hitrate_aborts test_output_filter_selects_replies
			test_a_second_signal_abandons_a_stalled_reader test_a_slow_reader_sets_the_pace
			test_a_kill_while_the_reader_is_paused_loses_nothing"
	for file in $files; do
		# shellcheck disable=SC2086
		out=$(SKIP_TESTS="$leave_out" ENGINE="$engine" tests/netns/runner.sh "$file" $mode_tests 2>&1)
		echo "$out"
		add_counts "$out"
	done
	# SKB mode runs the same XDP program: one IPv6 scan shows it steers IPv6 there too.
	[ "$engine" = "af_xdp --xdp-mode=skb" ] || continue
	out=$(ENGINE="$engine" tests/netns/runner.sh tests/netns/test_ipv6.sh \
		test_ipv6_hitlist_finds_exactly_the_open_set 2>&1)
	echo "$out"
	add_counts "$out"
done

# dpdk through the two virtual devices that reach a veth (its tests skip if it is not built).
for engine in dpdk:af_packet dpdk:af_xdp; do
	section "namespace tests ($engine)"
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: namespace tests need root"
		skip=$((skip + 1))
		continue
	fi
	out=$(ENGINE="$engine" tests/netns/runner.sh tests/netns/test_dpdk.sh 2>&1)
	echo "$out"
	add_counts "$out"
	# The other engines' scans through dpdk too, where they do not test the kernel's side (an
	# interface's queues, its XDP program, routes through its address, privileges): the probe
	# modules of each kind, threads, resume, live rate and AIMD, the orchestrator's windows,
	# IPv6 (dpdk's own Neighbor Discovery), the second of two NICs (its own ARP), the output's
	# back-pressure.  Through one of the two devices: the engine's code is the same for both,
	# test_dpdk.sh covers each device.
	"$BUILD/salvo" --list-io-engines | grep -q "^dpdk  *yes" || continue
	[ "$engine" = dpdk:af_packet ] && continue
	modules="test_dns.sh test_dns_scan_finds_exactly_the_servers_and_their_answers
		test_udp_apps.sh
		test_synack_echotime.sh
		test_output.sh"
	while read -r file tests; do
		[ -n "$file" ] || continue
		# shellcheck disable=SC2086
		out=$(ENGINE="$engine" tests/netns/runner.sh "tests/netns/$file" $tests 2>&1 </dev/null)
		echo "$out"
		add_counts "$out"
	done <<-EOF
		test_scan.sh test_two_threads_two_receivers_find_the_same_set test_every_probe_sent_exactly_once test_udp_scan_finds_exactly_the_udp_services test_icmp_echoscan_finds_exactly_the_live_hosts test_icmp_prescan_probes_only_live_hosts test_interrupt_and_resume_send_each_probe_once
		test_control.sh test_control_socket_changes_rate_pauses_and_resumes test_aimd_grows_the_rate_on_a_clear_path
		test_anyscan.sh test_orchestrator_multi_port_scan test_orchestrator_rate_windows_send_each_probe_once
		test_ipv6.sh
		test_nics.sh
		$modules
	EOF
done

# Once, not per engine: the examples are what a user pastes (the default engine), and the
# unit's test tries every engine built in itself.
section "the documentation on the test bed: the sending examples, the systemd unit's address families"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: namespace tests need root"
	skip=$((skip + 1))
else
	for file in tests/netns/test_examples.sh tests/netns/test_systemd_unit.sh; do
		out=$(tests/netns/runner.sh "$file" 2>&1)
		echo "$out"
		add_counts "$out"
	done
fi

printf '(%d s)\n\nmake test took %d s\n' $((SECONDS - section_start)) "$SECONDS"
echo
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
