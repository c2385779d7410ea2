# Namespace tests of whole scans; run by runner.sh once per engine (ENGINE=af_packet,
# ENGINE="af_xdp --xdp-mode=copy", ...).  Each test function sets up its own test bed and
# returns 0 (pass), 77 (skip) or other (fail).

ALL_TESTS="test_multiport_scan_finds_exactly_the_open_set
test_two_threads_two_receivers_find_the_same_set
test_dedup_method_none_writes_repeats
test_every_probe_sent_exactly_once
test_forged_synacks_are_not_reported
test_three_shards_partition_the_scan
test_sigint_flushes_results_and_exits_0
test_without_privileges_names_the_capabilities
test_output_formats_round_trip
test_metadata_and_status_updates_files
test_udp_scan_finds_exactly_the_udp_services
test_icmp_echoscan_finds_exactly_the_live_hosts
test_output_filter_selects_replies
test_icmp_prescan_probes_only_live_hosts
test_syn_option_presets_find_the_open_set
test_interrupt_and_resume_send_each_probe_once
test_link_down_ends_the_scan_with_an_error"
case $ENGINE in af_xdp*)
	ALL_TESTS="$ALL_TESTS
test_xdp_program_left_by_sigkill_is_replaced" ;;
esac
# Tests of what happens before any engine is opened run once, with the default engine.
if [ "$ENGINE" = af_packet ]; then
	ALL_TESTS="$ALL_TESTS
test_default_blocklist_sends_nothing
test_gateway_missing_from_the_neighbour_table_is_asked_with_arp
test_retries_try_a_refused_send_again"
fi
# -X is af_packet's alone (af_xdp and dpdk refuse it at parse time).
case $ENGINE in af_packet*)
	ALL_TESTS="$ALL_TESTS
test_iplayer_scans_through_a_tun_device" ;;
esac

# scan_and_compare NAME SALVO_ARGS...: scan -p 22,80,443,8080 198.18.1.0/24 and compare.
scan_and_compare() {
	local name=$1
	shift
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-o "$TMP/$name.csv" "$@" 198.18.1.0/24 || return 1
	[ "$(head -1 "$TMP/$name.csv")" = "saddr,sport" ] || { log "bad header"; return 1; }
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/$name.csv" >"$TMP/$name.sorted"
	expect_same_lines "$name" "$TMP/expected" "$TMP/$name.sorted" && no_xdp_left
}

# -X on a tun device (no link-layer header at all): salvo's only route to 198.18.1.0/24 is
# tun0 in the scanner namespace, and a helper attached to tun0 answers as a stack would.
test_iplayer_scans_through_a_tun_device() {
	skip_if_not_root || return
	setup_testbed iplayer || return 1
	start_tun_answer 198.18.2.1 198.18.1.0/24 $OPEN_SET || return 1
	check_run salvo_in_scanner -X -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-o "$TMP/tun.csv" 198.18.1.0/24 || return 1
	stop_tun_answer
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/tun.csv" >"$TMP/tun.sorted"
	expect_same_lines "-X through tun0" "$TMP/expected" "$TMP/tun.sorted" || return 1
	# Every probe went through tun0 as a bare IP packet (the helper parses them as such).
	[ "$TUN_SYNS" = 1024 ] || { log "tun0 saw $TUN_SYNS SYNs, not 1024"; return 1; }
}

# --retries: a send the kernel refuses (here a UDP probe larger than sv0's MTU: EMSGSIZE) is
# tried N more times, then counted as an error; with 0 it is not tried again.
test_retries_try_a_refused_send_again() {
	skip_if_not_root || return
	setup_testbed retries || return 1
	ip -n "$S" link set sv0 mtu 100 || return 1
	local big
	big=$(printf 'x%.0s' $(seq 200))
	check_run salvo_in_scanner -q -b /dev/null -M udp --probe-args="text:$big" -p 9 -c 0 \
		--retries 2 -m "$TMP/r2.json" -o /dev/null 198.18.1.0/28 || return 1
	check_run salvo_in_scanner -q -b /dev/null -M udp --probe-args="text:$big" -p 9 -c 0 \
		--retries 0 -m "$TMP/r0.json" -o /dev/null 198.18.1.0/28 || return 1
	python3 - "$TMP/r2.json" "$TMP/r0.json" <<'PY'
import json, sys
got = [(c["tx_errors"], c["tx_retries"], c["sent"])
       for c in (json.load(open(f))["counts"] for f in sys.argv[1:])]
print("    --retries 2, 0: (errors, retries, sent) =", got)
sys.exit(0 if got == [(16, 32, 0), (16, 0, 0)] else 1)
PY
}

test_multiport_scan_finds_exactly_the_open_set() {
	skip_if_not_root || return
	setup_testbed multi || return 1
	start_listeners $OPEN_SET || return 1
	scan_and_compare multi
}

test_two_threads_two_receivers_find_the_same_set() {
	skip_if_not_root || return
	setup_testbed threads || return 1
	start_listeners $OPEN_SET || return 1
	scan_and_compare threads -T 2 --receivers 2
}

# ZMap's --dedup-method=none: two probes per pair, so each open pair answers at least twice
# (a target may also retransmit its SYN-ACK) and every answer is written; nothing else is.
# With the default (full, exact) each is written once: the other tests.
test_dedup_method_none_writes_repeats() {
	skip_if_not_root || return
	setup_testbed dedupnone || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -P 2 -c 1 -r 20000 \
		--dedup-method none -o "$TMP/none.csv" 198.18.1.0/24 || return 1
	sorted_results "$TMP/none.csv" | uniq -c | awk '{ print $1 }' | sort -n | uniq -c |
		sed 's/^/    times written: /' | while read -r l; do log "$l"; done
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/none.csv" | uniq >"$TMP/distinct"
	expect_same_lines "distinct rows" "$TMP/expected" "$TMP/distinct" || return 1
	[ -z "$(sorted_results "$TMP/none.csv" | uniq -u)" ]
}

# Count SYNs at the target: 256 addresses x 3 ports x 2 probes, each pair exactly twice.
test_every_probe_sent_exactly_once() {
	skip_if_not_root || return
	setup_testbed count || return 1
	count_syns "$TMP/syns.json" || return 1
	check_run salvo_in_scanner -b /dev/null -p 21-23 -P 2 -T 2 -c 0 -r 5000 \
		-o "$TMP/out.csv" 198.18.1.0/24 2>"$TMP/err" || return 1
	stop_counting
	# salvo counts a probe as sent only when the engine reports it completed.
	log "$(tail -1 "$TMP/err")"
	grep -q "sent 1536 probes" "$TMP/err" || { log "salvo's sent count is not 1536"; return 1; }
	expect_syns "$TMP/syns.json" 198.18.1.0/24 21-23 2
}

test_forged_synacks_are_not_reported() {
	skip_if_not_root || return
	setup_testbed forge || return 1
	# The target answers only for 198.18.1.0/25: SYNs to the upper half get no RST, so a
	# forged SYN-ACK there is the only reply and nothing but validation can reject it.
	ip -n "$T" route del local 198.18.1.0/24 dev lo || return 1
	ip -n "$T" route add local 198.18.1.0/25 dev lo || return 1
	local open="198.18.1.5:80 198.18.1.9:443 198.18.1.5:8080 198.18.1.77:443"
	start_listeners $open || return 1
	# Wrong acks from the probed address, right acks from its neighbour; for every SYN the
	# scan sends, however long it takes (the forger runs until told to stop).
	start_helper forge tv0 "$TMP/forged" 198.18.1.128/25 || return 1
	local forger=${BG_PIDS[-1]}
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 2 -r 1000 \
		-o "$TMP/forge.csv" 198.18.1.0/24 || return 1
	kill -TERM "$forger"
	wait "$forger"
	log "forged SYN-ACKs sent: $(cat "$TMP/forged")"
	[ "$(cat "$TMP/forged")" -gt 1000 ] || { log "too few forgeries to mean anything"; return 1; }
	for p in $open; do echo "${p%:*},${p#*:}"; done | sort >"$TMP/expected"
	sorted_results "$TMP/forge.csv" >"$TMP/forge.sorted"
	expect_same_lines forge "$TMP/expected" "$TMP/forge.sorted"
}

test_three_shards_partition_the_scan() {
	skip_if_not_root || return
	setup_testbed shards || return 1
	start_listeners $OPEN_SET || return 1
	local i
	for i in 0 1 2; do
		check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 -e 4242 \
			--shards 3 --shard $i -o "$TMP/shard$i.csv" 198.18.1.0/24 || return 1
		log "shard $i: $(($(wc -l <"$TMP/shard$i.csv") - 1)) results"
	done
	expected_rows >"$TMP/expected"
	cat "$TMP"/shard?.csv | grep -v '^saddr' | sort >"$TMP/union"
	expect_same_lines "union of shards (duplicates would show)" "$TMP/expected" "$TMP/union" ||
		return 1
	# Each shard alone must find only part of the set: the shards really split the work.
	for i in 0 1 2; do
		[ "$(($(wc -l <"$TMP/shard$i.csv") - 1))" -lt 5 ] || { log "shard $i found all"; return 1; }
	done
}

test_default_blocklist_sends_nothing() {
	skip_if_not_root || return
	setup_testbed block || return 1
	local before after
	before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	salvo_in_scanner -p 80 198.18.1.0/24 >"$TMP/out" 2>"$TMP/err"
	local status=$?
	after=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	log "exit $status: $(cat "$TMP/err")"
	[ $status -eq 1 ] || return 1
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || return 1
	grep -q "built-in blocklist" "$TMP/err" || return 1
	[ "$before" = "$after" ] || { log "target saw $((after - before)) packets"; return 1; }
}

test_sigint_flushes_results_and_exits_0() {
	skip_if_not_root || return
	setup_testbed sigint || return 1
	# Port 80 open on every address of the /24: results arrive steadily.
	start_listeners 0.0.0.0:80 || return 1
	count_syns "$TMP/syns.json" || return 1
	# Not through salvo_in_scanner: $! must be salvo itself, not a shell around it.
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -b /dev/null -p 80 -r 100 -c 1 \
		-o "$TMP/out.csv" 198.18.1.0/24 2>"$TMP/err" &
	local pid=$!
	# The signal once the target has seen 100 of the 256 SYNs: the other 156 would take 1.5 s.
	await_syns "$TMP/syns.json" 100 || { kill -KILL $pid; return 1; }
	kill -INT $pid
	wait $pid
	local status=$? n
	stop_counting
	n=$(($(wc -l <"$TMP/out.csv") - 1))
	log "exit $status after SIGINT, $n results written; $(tail -1 "$TMP/err")"
	[ $status -eq 0 ] || return 1
	grep -q "interrupted" "$TMP/err" || return 1
	# Cut mid-scan: at least the 100 probes the target saw before the signal, not all 256.
	[ "$n" -ge 100 ] && [ "$n" -lt 256 ] || return 1
	[ "$(sorted_results "$TMP/out.csv" | uniq | wc -l)" -eq "$n" ] || return 1
	! grep -qv '^198\.18\.1\.[0-9]*$' <(tail -n +2 "$TMP/out.csv") || return 1
	# Port 80 is open everywhere: every probe that went out before the signal has its result,
	# and no more: the results are the very addresses the target saw a SYN for.
	python3 "$HELPER" syn-pairs "$TMP/syns.json" | sed 's/:80$//' | sort >"$TMP/probed"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "results of the probes sent" "$TMP/probed" "$TMP/got" || return 1
	no_xdp_left
}

# A cold neighbour table is no error (it used to be): salvo asks the gateway with ARP itself.
test_gateway_missing_from_the_neighbour_table_is_asked_with_arp() {
	skip_if_not_root || return
	setup_testbed nogw || return 1
	start_listeners $OPEN_SET || return 1
	ip -n "$S" neigh del 198.18.0.2 dev sv0 || return 1
	scan_and_compare nogw
}

# A run killed with SIGKILL cannot detach its XDP program; the next run must replace it,
# find the open set, and leave nothing attached.
test_xdp_program_left_by_sigkill_is_replaced() {
	skip_if_not_root || return
	setup_testbed xdpkill || return 1
	start_listeners $OPEN_SET || return 1
	local before
	before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 80 -r 50 -c 0 \
		-o /dev/null 198.18.1.0/24 &
	local pid=$!
	# Killed mid-scan: once its SYNs reach the target, its program is attached.
	await_target_rx $((before + 5)) || { kill -KILL $pid; return 1; }
	kill -KILL $pid
	wait $pid 2>/dev/null
	if ! ip -n "$S" link show sv0 | grep -q "prog/xdp"; then
		log "SIGKILL left no program: nothing to test"
		return 1
	fi
	log "left attached: $(ip -n "$S" link show sv0 | grep -o 'prog/xdp id [0-9]*')"
	scan_and_compare xdpkill
}

# As an unprivileged user the engine cannot open its sockets: one line that names what is
# missing, exit 1, nothing sent.
test_without_privileges_names_the_capabilities() {
	skip_if_not_root || return
	skip_if_missing setpriv || return
	setup_testbed noprivs || return 1
	local before after status
	before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$SALVO" "${ENGINE_ARGS[@]}" -b /dev/null -p 80 198.18.1.0/24 >"$TMP/out" 2>"$TMP/err"
	status=$?
	after=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	log "exit $status: $(cat "$TMP/err")"
	[ $status -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "CAP_NET_RAW" "$TMP/err" &&
		[ "$before" = "$after" ] && no_xdp_left
}

# One scan per output module; each file is read back with Python's own csv and json parsers
# (and the list format as the orchestrator reads it) and must give exactly the open set.
test_output_formats_round_trip() {
	skip_if_not_root || return
	setup_testbed formats || return 1
	start_listeners $OPEN_SET || return 1
	local all=saddr,daddr,sport,dport,classification,success,ttl,ipid,window,timestamp,repeat,probe
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 -O csv -f "$all" \
		-o "$TMP/out.csv" 198.18.1.0/24 || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 -O json -f "$all" \
		-o "$TMP/out.json" 198.18.1.0/24 || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 -O list \
		-o "$TMP/multi.list" 198.18.1.0/24 || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 443 -c 1 -r 20000 -O list \
		-o "$TMP/single.list" 198.18.1.0/24 || return 1
	python3 "$HELPER" check-output-formats "$TMP" $OPEN_SET
}

# -m writes a JSON summary whose counts match the scan; -u a CSV line per second.
test_metadata_and_status_updates_files() {
	skip_if_not_root || return
	setup_testbed meta || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 400 -e 77 \
		-m "$TMP/meta.json" -u "$TMP/status.csv" -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	python3 "$HELPER" check-metadata "$TMP" "${ENGINE/#dpdk:*/dpdk}"
}

# UDP: responders on some (address, port) pairs; every other port of the /24 answers with an
# ICMP port unreachable (rate limits lifted), which must count as closed and never as open.
test_udp_scan_finds_exactly_the_udp_services() {
	skip_if_not_root || return
	setup_testbed udp || return 1
	ip netns exec "$T" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
		net.ipv4.icmp_msgs_burst=1000000 || return 1
	local open="198.18.1.5:53 198.18.1.9:123 198.18.1.77:161 198.18.1.5:9999"
	start_udp_listeners $open || return 1
	check_run salvo_in_scanner -q -b /dev/null -M udp -p 53,123,161,9999 -c 1 -r 2000 \
		-f saddr,sport,classification -m "$TMP/meta.json" -o "$TMP/udp.csv" 198.18.1.0/24 ||
		return 1
	for p in $open; do echo "${p%:*},${p#*:},udp"; done | sort >"$TMP/expected"
	sorted_results "$TMP/udp.csv" >"$TMP/udp.sorted"
	expect_same_lines udp "$TMP/expected" "$TMP/udp.sorted" || return 1
	python3 "$HELPER" check-udp-counts "$TMP/meta.json"
}

# ICMP echo: the target namespace is alive for 198.18.1.0/26 and 198.18.1.200 only.
test_icmp_echoscan_finds_exactly_the_live_hosts() {
	skip_if_not_root || return
	setup_testbed icmp || return 1
	ip -n "$T" route del local 198.18.1.0/24 dev lo || return 1
	ip -n "$T" route add local 198.18.1.0/26 dev lo || return 1
	ip -n "$T" route add local 198.18.1.200/32 dev lo || return 1
	check_run salvo_in_scanner -q -b /dev/null -M icmp_echoscan -c 1 -r 2000 \
		-o "$TMP/icmp.csv" 198.18.1.0/24 || return 1
	{ for i in $(seq 0 63) 200; do echo "198.18.1.$i"; done; } | sort >"$TMP/expected"
	sorted_results "$TMP/icmp.csv" >"$TMP/icmp.sorted"
	expect_same_lines "live hosts" "$TMP/expected" "$TMP/icmp.sorted"
}

# --output-filter decides what is written: the closed ports of one port number, or the open
# ones of another; the status counters are not affected.
test_output_filter_selects_replies() {
	skip_if_not_root || return
	setup_testbed filter || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,443 -c 1 -r 20000 -f saddr,sport,classification \
		--output-filter 'classification = "rst" && sport = 22' -o "$TMP/rst.csv" 198.18.1.0/24 ||
		return 1
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		--output-filter 'success = 1 && repeat = 0 && (sport = 443 || sport = 8080)' -o "$TMP/open.csv" \
		198.18.1.0/24 || return 1
	# Port 22 is open on 198.18.1.200 only: the other 255 addresses answer RST.
	for i in $(seq 0 255); do [ $i = 200 ] || echo "198.18.1.$i,22,rst"; done | sort >"$TMP/want.rst"
	sorted_results "$TMP/rst.csv" >"$TMP/got.rst"
	expect_same_lines "rst on 22" "$TMP/want.rst" "$TMP/got.rst" || return 1
	printf '%s\n' 198.18.1.5,8080 198.18.1.77,443 198.18.1.9,443 | sort >"$TMP/want.open"
	sorted_results "$TMP/open.csv" >"$TMP/got.open"
	expect_same_lines "open on 443 or 8080" "$TMP/want.open" "$TMP/got.open"
}

# --icmp-prescan finds the same open set as a plain scan while the target sees port probes
# only for the live hosts (198.18.1.0/26 and 198.18.1.200), each port exactly once.
test_icmp_prescan_probes_only_live_hosts() {
	skip_if_not_root || return
	setup_testbed prescan || return 1
	ip -n "$T" route del local 198.18.1.0/24 dev lo || return 1
	ip -n "$T" route add local 198.18.1.0/26 dev lo || return 1
	ip -n "$T" route add local 198.18.1.200/32 dev lo || return 1
	local open="198.18.1.5:80 198.18.1.9:443 198.18.1.200:22 198.18.1.5:8080"
	start_listeners $open || return 1
	count_syns "$TMP/syns.json" || return 1
	check_run salvo_in_scanner -b /dev/null -p 22,80,443,8080 -c 1 -r 2000 -T 2 --icmp-prescan \
		-o "$TMP/prescan.csv" 198.18.1.0/24 2>"$TMP/err" || return 1
	log "$(tail -1 "$TMP/err")"
	stop_counting
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-o "$TMP/plain.csv" 198.18.1.0/24 || return 1
	for p in $open; do echo "${p%:*},${p#*:}"; done | sort >"$TMP/expected"
	sorted_results "$TMP/prescan.csv" >"$TMP/prescan.sorted"
	sorted_results "$TMP/plain.csv" >"$TMP/plain.sorted"
	expect_same_lines "prescan" "$TMP/expected" "$TMP/prescan.sorted" || return 1
	expect_same_lines "plain" "$TMP/expected" "$TMP/plain.sorted" || return 1
	grep -q "prescan: 65 hosts alive" "$TMP/err" || return 1
	# Only the 65 live hosts (198.18.1.0-63 and .200) get port probes, each once.
	expect_syns "$TMP/syns.json" 198.18.1.0/26,198.18.1.200/32 22,80,443,8080 1
}

# Every tcp_synscan option preset is answered by a real stack: the same open set each time.
test_syn_option_presets_find_the_open_set() {
	skip_if_not_root || return
	setup_testbed synopt || return 1
	start_listeners $OPEN_SET || return 1
	expected_rows >"$TMP/expected"
	local preset
	for preset in none linux windows bsd; do
		check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
			--probe-args=$preset -o "$TMP/$preset.csv" 198.18.1.0/24 || return 1
		sorted_results "$TMP/$preset.csv" >"$TMP/$preset.sorted"
		expect_same_lines "$preset" "$TMP/expected" "$TMP/$preset.sorted" || return 1
	done
}

# SIGINT (then SIGTERM) at a random point, then --resume: the target sees every probe exactly
# once over both runs, and the output (appended) holds exactly the open set.  The point is a
# number of SYNs the target has seen (240 to 750 of the 1024, 0.8 to 2.5 s at 300 pps), so
# that a slow start cannot put the signal before salvo is ready for it.
test_interrupt_and_resume_send_each_probe_once() {
	skip_if_not_root || return
	setup_testbed resume || return 1
	start_listeners $OPEN_SET || return 1
	local sig pid status at
	for sig in INT TERM; do
		rm -f "$TMP/cp" "$TMP/out.csv"
		count_syns "$TMP/syns-$sig.json" || return 1
		ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 \
			-c 1 -r 300 -T 2 --checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24 &
		pid=$!
		at=$(python3 "$HELPER" random-int 240 750)
		await_syns "$TMP/syns-$sig.json" "$at" || { kill -KILL $pid; return 1; }
		kill -$sig $pid
		wait $pid
		status=$?
		log "SIG$sig after $at SYNs: exit $status; $(grep -c next "$TMP/cp") threads in checkpoint"
		[ $status -eq 0 ] || return 1
		check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 3000 -T 2 \
			--resume --checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24 || return 1
		stop_counting
		expected_rows >"$TMP/expected"
		sorted_results "$TMP/out.csv" >"$TMP/got"
		expect_same_lines "SIG$sig + resume" "$TMP/expected" "$TMP/got" || return 1
		[ "$(grep -c '^saddr' "$TMP/out.csv")" = 1 ] || { log "header written twice"; return 1; }
		expect_syns "$TMP/syns-$sig.json" 198.18.1.0/24 22,80,443,8080 1 || return 1
	done
	# SIGKILL (after 690 SYNs, 2.3 s at 300 pps): the checkpoint is written once a second, so
	# about a second of probes (300) is sent again; none is missed and the results written
	# before the kill stay.  The bound on the probes sent again is generous, 600 (two
	# seconds' worth), as the monitor that writes the checkpoint may run late on a loaded
	# machine; a checkpoint that is not kept up to date would leave many more.
	rm -f "$TMP/cp" "$TMP/out.csv"
	count_syns "$TMP/syns-KILL.json" || return 1
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 \
		-c 1 -r 300 -T 2 --checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24 &
	pid=$!
	await_syns "$TMP/syns-KILL.json" 690 || { kill -KILL $pid; return 1; }
	kill -KILL $pid
	wait $pid 2>/dev/null
	cp "$TMP/out.csv" "$TMP/before-kill.csv"
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 3000 -T 2 \
		--resume --checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	stop_counting
	head -n "$(wc -l <"$TMP/before-kill.csv")" "$TMP/out.csv" | cmp -s - "$TMP/before-kill.csv" ||
		{ log "results written before the kill were lost"; return 1; }
	sort -u <(tail -n +2 "$TMP/out.csv") >"$TMP/got"
	expect_same_lines "SIGKILL + resume" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns-KILL.json" 198.18.1.0/24 22,80,443,8080 1 600 || return 1
	# A checkpoint of another scan is refused before anything is sent.
	salvo_in_scanner -q -b /dev/null -p 22,80 --resume --checkpoint-file "$TMP/cp" \
		198.18.1.0/24 2>"$TMP/err"
	status=$?
	log "other ports: exit $status: $(cat "$TMP/err")"
	[ $status -eq 1 ] && grep -q "checkpoint of another scan" "$TMP/err"
}

# The peer goes down mid-scan: sv0 loses its carrier and no frame can leave.  salvo must not
# wait for ring slots for ever: after three seconds it stops with exit 1 and one line naming
# the interface, and the results found before are in the output.
test_link_down_ends_the_scan_with_an_error() {
	skip_if_not_root || return
	setup_testbed linkdown || return 1
	start_listeners 0.0.0.0:80 || return 1
	count_syns "$TMP/syns.json" || return 1
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 80-89 -r 200 -c 1 \
		-o "$TMP/out.csv" 198.18.1.0/24 2>"$TMP/err" &
	local pid=$! status n t0 took
	# Down once the target has seen 300 of the 2560 SYNs, about 30 of them to the open port.
	await_syns "$TMP/syns.json" 300 || { kill -KILL $pid; return 1; }
	ip -n "$T" link set tv0 down || return 1
	t0=$(date +%s.%N)
	wait $pid
	status=$?
	took=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.2f", t1 - t0 }')
	stop_counting
	n=$(($(wc -l <"$TMP/out.csv") - 1))
	log "exit $status ${took} s after the link went down, $n results: $(cat "$TMP/err")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] || return 1
	grep -q "interface sv0 is down" "$TMP/err" || return 1
	# Three seconds down is the rule (checked once a second); 10 s is a generous bound for a
	# loaded machine, and still short of the 11 s the rest of the scan would take.
	[ "$n" -ge 8 ] && awk -v t="$took" 'BEGIN { exit !(t <= 10) }' || return 1
	no_xdp_left
}
