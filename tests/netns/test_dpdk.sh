# Namespace tests of the dpdk engine, through DPDK's virtual devices on the test bed's veth
# (no NIC and no hugepages needed): net_null0 (a port that drops everything) for a scan with
# no I/O, and the device ENGINE names (dpdk:af_packet or dpdk:af_xdp: net_af_packet0 or
# net_af_xdp0 on sv0) for real ones.  The port is not a kernel
# interface: sv0 has no address, so the kernel neither answers ARP for salvo nor resets its
# connections, and the target namespace has no neighbour entry for salvo: it learns salvo's
# MAC from salvo's own ARP reply.  Run by runner.sh; skipped when dpdk is not built in.

ALL_TESTS="test_dpdk_null_port_scans_without_io
test_dpdk_sizes_eal_memory_without_hugepages
test_dpdk_finds_the_open_set_and_answers_arp
test_dpdk_single_port_scan
test_dpdk_at_full_speed_every_probe_arrives
test_dpdk_shards_partition_the_scan
test_dpdk_forged_synacks_are_not_reported
test_dpdk_gateway_that_never_answers_is_one_error
test_dpdk_sigint_keeps_results_and_resume_is_exact"

DPDK_EAL_BASE="--no-huge -m 512 --no-pci"
VDEV="net_${ENGINE#dpdk:}0,iface=sv0"

skip_if_no_dpdk() {
	"$SALVO" --list-io-engines | grep -q "^dpdk  *yes" || { log "dpdk not built in"; return $SKIP_CODE; }
}

# dpdk_testbed NAME: the test bed runner.sh makes for dpdk (sv0 without an address, the target
# without a neighbour entry for 198.18.0.1, one queue each way).
dpdk_testbed() { setup_testbed "$1"; }

# salvo_dpdk VDEV ARGS...: salvo with the dpdk engine on a virtual device on sv0.
salvo_dpdk() {
	local vdev=$1
	shift
	ip netns exec "$S" "$SALVO" --io-engine=dpdk --dpdk-eal-args="--vdev=$vdev $DPDK_EAL_BASE" \
		-S 198.18.0.1 "$@"
}

test_dpdk_null_port_scans_without_io() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	setup_testbed dnull || return 1
	check_run salvo_dpdk net_null0,no-rx=1 -q -G 02:00:00:00:00:02 -b /dev/null -p 1-4 -r 0 \
		-c 0 -m "$TMP/meta.json" -o /dev/null 198.18.0.0/16 || return 1
	python3 "$HELPER" check-sent "$TMP/meta.json" 262144 dpdk
}

# --no-huge without -m: salvo gives EAL the memory its pool needs.  -T 16 with 4 receive threads
# needs about 150 MiB, more than EAL's own 64 MiB default (the pool could not be made), and
# -T 1 47 MiB.
test_dpdk_sizes_eal_memory_without_hugepages() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	setup_testbed dmem || return 1
	for threads in "1 1" "16 4"; do
		set -- $threads
		check_run ip netns exec "$S" "$SALVO" --io-engine=dpdk \
			--dpdk-eal-args="--vdev=net_null0,no-rx=1 --no-huge --no-pci" -S 198.18.0.1 -q \
			-G 02:00:00:00:00:02 -b /dev/null -p 1-4 -r 0 -c 0 -T "$1" --receivers "$2" \
			-m "$TMP/meta.json" -o /dev/null 198.18.0.0/20 || return 1
		python3 "$HELPER" check-sent "$TMP/meta.json" 16384 dpdk || return 1
	done
}

# The open set exactly, the gateway's MAC asked with ARP (--gateway-ip), and the target's
# neighbour entry for salvo learned from salvo's own ARP reply.
test_dpdk_finds_the_open_set_and_answers_arp() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed darp || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_dpdk "$VDEV" -q --gateway-ip 198.18.0.2 -b /dev/null -p 22,80,443,8080 \
		-c 1 -r 5000 -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "$VDEV" "$TMP/expected" "$TMP/got" || return 1
	log "target's neighbour entry: $(ip -n "$T" neigh show 198.18.0.1 dev tv0)"
	ip -n "$T" neigh show 198.18.0.1 dev tv0 | grep -q "lladdr $(testbed_mac "$S" sv0)"
}

test_dpdk_single_port_scan() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed done || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_dpdk "$VDEV" -q -G "$(testbed_mac "$T" tv0)" -b /dev/null -p 443 -c 1 \
		-r 5000 -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	printf '198.18.1.77\n198.18.1.9\n' >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "-p 443" "$TMP/expected" "$TMP/got"
}

# No rate limit: every probe the engine counts as sent reaches the target (tv0's rx_packets;
# the sniffer could not keep up).  Bursts handed to net_af_xdp of up to 1024 frames lost
# 40 % of them after the driver had taken them; a few more frames are salvo's ARP replies.
test_dpdk_at_full_speed_every_probe_arrives() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed dfull || return 1
	local before after
	before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	check_run salvo_dpdk "$VDEV" -q -G "$(testbed_mac "$T" tv0)" -b /dev/null -p 1-1024 \
		-c 1 -r 0 -m "$TMP/meta.json" -o /dev/null 198.18.1.0/24 || return 1
	after=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	python3 "$HELPER" check-sent "$TMP/meta.json" 262144 dpdk || return 1
	log "frames at the target: $((after - before)) for 262144 probes"
	[ $((after - before)) -ge 262144 ] && [ $((after - before)) -le 262152 ]
}

# Three shards of one seed: together exactly one scan, each probe sent once.
test_dpdk_shards_partition_the_scan() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed dshards || return 1
	start_listeners $OPEN_SET || return 1
	count_syns "$TMP/syns.json" || return 1
	for i in 0 1 2; do
		check_run salvo_dpdk "$VDEV" -q --gateway-ip 198.18.0.2 -b /dev/null \
			-p 22,80,443,8080 -c 1 -r 5000 -e 5 --shards 3 --shard $i \
			-o "$TMP/out$i.csv" 198.18.1.0/24 || return 1
	done
	stop_counting
	expected_rows >"$TMP/expected"
	for i in 0 1 2; do sorted_results "$TMP/out$i.csv"; done | sort >"$TMP/got"
	expect_same_lines "3 shards" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080 1
}

# Forged SYN-ACKs (wrong ack, or from a neighbour of the probed address) are never reported.
test_dpdk_forged_synacks_are_not_reported() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed dforge || return 1
	ip -n "$T" route del local 198.18.1.0/24 dev lo || return 1
	start_helper forge tv0 "$TMP/forged" 198.18.1.0/24 || return 1
	check_run salvo_dpdk "$VDEV" -q -G "$(testbed_mac "$T" tv0)" -b /dev/null -p 80,443 -c 1 \
		-r 2000 -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	kill -TERM "${BG_PIDS[-1]}"
	wait "${BG_PIDS[-1]}"
	log "forged SYN-ACKs sent: $(cat "$TMP/forged"); results: $(($(wc -l <"$TMP/out.csv") - 1))"
	[ "$(cat "$TMP/forged")" -gt 1000 ] && [ "$(wc -l <"$TMP/out.csv")" = 1 ]
}

# A gateway that never answers ARP: one line naming it, exit 1, and no probe sent to anyone.
test_dpdk_gateway_that_never_answers_is_one_error() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed dnogw || return 1
	count_syns "$TMP/syns.json" || return 1
	salvo_dpdk "$VDEV" -q --gateway-ip 198.18.0.3 -b /dev/null -p 80 198.18.1.0/24 \
		>"$TMP/out" 2>"$TMP/err"
	local status=$?
	stop_counting
	log "exit $status: $(cat "$TMP/err")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "gateway 198.18.0.3 did not answer" "$TMP/err" &&
		[ "$(cat "$TMP/syns.json.total")" = 0 ]
}

# SIGINT mid-scan keeps every result so far; --resume then sends the rest, every probe once.
test_dpdk_sigint_keeps_results_and_resume_is_exact() {
	skip_if_not_root || return
	skip_if_no_dpdk || return
	dpdk_testbed dresume || return 1
	start_listeners $OPEN_SET || return 1
	count_syns "$TMP/syns.json" || return 1
	local args=(-q --gateway-ip 198.18.0.2 -b /dev/null -p 22,80,443,8080 -c 1 -r 400
		--checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24)
	salvo_dpdk "$VDEV" "${args[@]}" &
	local pid=$!
	await_syns "$TMP/syns.json" 200 || return 1
	kill -INT $pid
	wait $pid || return 1
	check_run salvo_dpdk "$VDEV" --resume "${args[@]}" || return 1
	stop_counting
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "SIGINT + resume" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080 1
}
