# Namespace tests of salvo as the orchestrator's scanner: build/scanner driven by a client
# written from the contract (tests/netns/anyscan_client.py).  Run by runner.sh.

ALL_TESTS="test_orchestrator_single_port_scan
test_orchestrator_multi_port_scan
test_orchestrator_engine_errors_fail_with_one_line
test_orchestrator_rate_windows_send_each_probe_once
test_orchestrator_rate_loop_has_no_slips_while_sending
test_replies_after_a_window_ends_are_reported_by_the_next
test_threads_fit_the_queues_of_the_interface
test_two_scanners_on_two_interfaces_see_only_their_own_replies
test_orchestrator_fans_out_over_two_rule_routed_nics"

SCANNER=${SCANNER:-$ROOT/$BUILD/scanner}

# run_job JSON: the client's result JSON on stdout; its status is the client's.
run_job() {
	SCANNER_BIN="$SCANNER" SCANNER_WRAP="ip netns exec $S" python3 "$HERE/anyscan_client.py" \
		<<<"$1"
}

test_orchestrator_single_port_scan() {
	skip_if_not_root || return
	setup_testbed anysingle || return 1
	start_listeners $OPEN_SET || return 1
	local engine=$ENGINE_NAME result
	result=$(run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"443\", \"rate_limit\": 5000,
		\"output_path\": \"$TMP/out.txt\", \"cooldown_time\": 1, \"sender_threads\": 1,
		\"receiver_threads\": 1, \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$engine\"}") ||
		return 1
	log "result: $result"
	log "output file: $(tr '\n' ' ' <"$TMP/out.txt")"
	python3 "$HELPER" check-job-result "$result" 256 198.18.1.77:443 198.18.1.9:443
}

test_orchestrator_multi_port_scan() {
	skip_if_not_root || return
	setup_testbed anymulti || return 1
	start_listeners $OPEN_SET || return 1
	local engine=$ENGINE_NAME result
	result=$(run_job "{\"target_range\": \"198.18.1.0-198.18.1.255\", \"ports\": \"22,80,443,8000-8080\",
		\"rate_limit\": 20000, \"output_path\": \"$TMP/out.txt\", \"cooldown_time\": 1,
		\"sender_threads\": 2, \"receiver_threads\": 2, \"blacklist_file\": \"/dev/null\",
		\"io_engine\": \"$engine\"}") || return 1
	log "result: $result"
	python3 "$HELPER" check-job-open "$result" $OPEN_SET
}

test_orchestrator_engine_errors_fail_with_one_line() {
	skip_if_not_root || return
	setup_testbed anyerr || return 1
	local engine status lines
	for engine in dpdk bogus pfring_zc; do
		run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"80\", \"rate_limit\": 100,
			\"output_path\": \"$TMP/out.txt\", \"io_engine\": \"$engine\"}" \
			>"$TMP/out" 2>"$TMP/err"
		status=$?
		lines=$(wc -l <"$TMP/err")
		log "--io-engine=$engine: client exit $status, scanner said: $(cat "$TMP/err")"
		[ $status = 1 ] && [ "$lines" = 1 ] || return 1
	done
	# dpdk built in: the adapter's job gives no source address, which dpdk needs (its port is
	# no kernel interface); not built in: it says so.
	local want="dpdk not built in"
	"$SCANNER" --list-io-engines | grep -q "^dpdk  *yes" && want="give -S/--source-ip"
	grep -q "$want" <(run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"80\",
		\"rate_limit\": 100, \"io_engine\": \"dpdk\", \"blacklist_file\": \"/dev/null\"}" 2>&1)
}

# The orchestrator's AIMD loop, four times: a 2 s window at a new rate, ended by SIGINT (the
# second by SIGTERM, the third by SIGKILL), then a respawn with --resume.  The fourth window
# runs the scan to its end.  256 addresses x 51 ports = 13056 probes (dpdk: 101 ports and
# 4 s windows): the union of the outputs is the open set and the target sees every probe
# once, except about one second of the SIGKILL window's probes again (its checkpoint is
# written once a second).
test_orchestrator_rate_windows_send_each_probe_once() {
	skip_if_not_root || return
	setup_testbed anywin || return 1
	start_listeners $OPEN_SET || return 1
	local engine=$ENGINE_NAME i rate sig window result status
	local rates=(1500 3000 1500 3000) sigs=(INT TERM KILL INT) windows=(2 2 2 20)
	local ports=1000-1046
	# dpdk starts EAL inside the window (a quarter second, twice that under ASan on two
	# cores): longer windows keep the start-up's share of the rate check what it is elsewhere,
	# over more ports so that the scan still outlasts the first three.
	[ "$ENGINE_NAME" = dpdk ] && windows=(4 4 4 20) ports=1000-1096
	count_syns "$TMP/syns.json" || return 1
	for i in 0 1 2 3; do
		rate=${rates[$i]} sig=${sigs[$i]} window=${windows[$i]}
		result=$(run_job "{\"target_range\": \"198.18.1.0/24\",
			\"ports\": \"22,80,443,$ports,8080\", \"rate_limit\": $rate,
			\"output_path\": \"$TMP/out.txt\", \"checkpoint_path\": \"$TMP/cp\",
			\"resume\": $([ $i = 0 ] && echo false || echo true), \"cooldown_time\": 1,
			\"sender_threads\": 1, \"receiver_threads\": 1, \"blacklist_file\": \"/dev/null\",
			\"io_engine\": \"$engine\", \"window_seconds\": $window, \"stop_signal\": \"$sig\",
			\"stats_interface\": \"sv0\"}" 2>"$TMP/err")
		status=$?
		log "window $((i + 1)): rate $rate, SIG$sig: client exit $status, $result"
		# The window's exit, and its own rate: 0.7 to 1.1 x, start-up included (the 0.9 x
		# slip rule has its own test below, with longer windows).
		python3 "$HELPER" check-window "$result" "$rate" "$sig" "$i" ||
			{ sed 's/^/      /' "$TMP/err"; return 1; }
	done
	stop_counting
	sort -u "$TMP/out.txt" >"$TMP/got"
	for p in $OPEN_SET; do echo "$p"; done | sort >"$TMP/expected"
	expect_same_lines "union of the windows' output" "$TMP/expected" "$TMP/got" || return 1
	# About one second of the SIGKILL window (1500 pps) may be sent again; no probe three
	# times.  The bound is generous, two seconds' worth (3000): the monitor that writes the
	# checkpoint may run late on a loaded machine; one not kept up to date would leave more.
	expect_syns "$TMP/syns.json" 198.18.1.0/24 "22,80,443,$ports,8080" 1 3000
}

# The orchestrator's rate loop as its controller runs it, with its defaults (5 s cooldown, as
# many threads as CPUs): 4 s windows, each ended by SIGINT to the process group and timed from
# spawn to exit, respawned with --resume until the scanner finishes on its own.  256 addresses
# x 100 ports = 25600 probes.  No window cut while the scan is sending may be a slip (below
# 0.9 x the set rate, or tx_dropped); the windows after the last probe are cooldown, which
# the controller's rule cannot tell from a slip, and are shown.  The progress line counts the
# whole scan in every window; the target sees every probe exactly once; a --resume of the
# finished checkpoint exits at once, sending nothing.
test_orchestrator_rate_loop_has_no_slips_while_sending() {
	skip_if_not_root || return
	setup_testbed anyaimd || return 1
	start_listeners $OPEN_SET || return 1
	local engine=$ENGINE_NAME ports="22,80,443,1000-1095,8080" job
	count_syns "$TMP/syns.json" || return 1
	job="\"target_range\": \"198.18.1.0/24\", \"ports\": \"$ports\",
		\"output_path\": \"$TMP/out.txt\", \"checkpoint_path\": \"$TMP/cp\",
		\"cooldown_time\": 5, \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$engine\",
		\"stats_interface\": \"sv0\""
	run_job "{$job, \"rate_limit\": 2000, \"window_seconds\": 4,
		\"aimd\": {\"windows\": 10, \"step\": 500}}" >"$TMP/result.json" 2>"$TMP/err" ||
		{ sed 's/^/      /' "$TMP/err"; return 1; }
	python3 "$HELPER" windows "$TMP/result.json" 25600 5 || return 1
	stop_counting
	sort -u "$TMP/out.txt" >"$TMP/got"
	for p in $OPEN_SET; do echo "$p"; done | sort >"$TMP/expected"
	expect_same_lines "union of the windows' output" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns.json" 198.18.1.0/24 "$ports" 1 || return 1
	# Once more: nothing to send, no cooldown owed.  "At once" is the subject, a time: under
	# 4 s, generous against a nominal fraction of a second, short of the 5 s cooldown.  The
	# probes sent are counted at the target: sv0's tx_packets also counts the scanner kernel's
	# RST to a SYN-ACK that the target still retransmits from an earlier window.
	count_syns "$TMP/again-syns.json" || return 1
	run_job "{$job, \"rate_limit\": 2000, \"window_seconds\": 10, \"resume\": true}" \
		>"$TMP/again.json" || return 1
	stop_counting
	python3 "$HELPER" check-finished-resume "$TMP/again.json" "$TMP/again-syns.json.total"
}

# Replies that arrive after the window that probed them has ended: a responder in the target
# namespace answers each SYN to 16 open pairs of 198.18.3.0/24 (which nothing else answers)
# one second late, and again a second after that, as a stack retransmits.  Windows of 2 s at
# 1000 pps over 5120 probes: about half of the open pairs are probed in a window's last
# second.  The next window's process must recognise those replies (the checkpoint carries the
# key) and report them; each pair is reported once (the dedup bitmap is kept beside the
# checkpoint), though its second SYN-ACK may come to yet another process.
test_replies_after_a_window_ends_are_reported_by_the_next() {
	skip_if_not_root || return
	setup_testbed anylate || return 1
	ip -n "$S" route add 198.18.3.0/24 via 198.18.0.2 || return 1
	local engine=$ENGINE_NAME open="" i
	for i in 3 17 29 41 58 66 80 97 111 130 149 170 188 203 222 250; do
		open+=" 198.18.3.$i:$((1000 + i % 20))"
	done
	start_helper late-synack tv0 "$TMP/late.json" 1.0 $open || return 1
	run_job "{\"target_range\": \"198.18.3.0/24\", \"ports\": \"1000-1019\",
		\"rate_limit\": 1000, \"output_path\": \"$TMP/out.txt\", \"checkpoint_path\": \"$TMP/cp\",
		\"cooldown_time\": 3, \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$engine\",
		\"stats_interface\": \"sv0\", \"window_seconds\": 2,
		\"aimd\": {\"windows\": 12, \"step\": 0, \"floor\": 1000}}" >"$TMP/result.json" \
		2>"$TMP/err" || { sed 's/^/      /' "$TMP/err"; return 1; }
	kill -TERM "${BG_PIDS[-1]}"
	wait "${BG_PIDS[-1]}"
	python3 "$HELPER" boundary "$TMP/late.json" "$TMP/result.json" || return 1
	log "duplicate lines in the output: $(sort "$TMP/out.txt" | uniq -d | wc -l)"
	[ -z "$(sort "$TMP/out.txt" | uniq -d)" ] || return 1
	sort "$TMP/out.txt" >"$TMP/got"
	for p in $open; do echo "$p"; done | sort >"$TMP/expected"
	expect_same_lines "open pairs reported" "$TMP/expected" "$TMP/got"
}

# The adapter passes as many sender threads and receivers as CPUs; on an interface with one
# queue, af_xdp (one socket per queue) uses one of each and says so in one line; af_packet
# needs no queue per thread and says nothing.  Either way the scan finds the open set.
test_threads_fit_the_queues_of_the_interface() {
	skip_if_not_root || return
	local engine=$ENGINE_NAME result notices want=0
	setup_testbed anyqueue 1 || return 1
	start_listeners $OPEN_SET || return 1
	result=$(run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"22,80,443,8080\",
		\"rate_limit\": 10000, \"output_path\": \"$TMP/out.txt\", \"cooldown_time\": 1,
		\"sender_threads\": 2, \"receiver_threads\": 2, \"blacklist_file\": \"/dev/null\",
		\"io_engine\": \"$engine\", \"window_seconds\": 20}" 2>"$TMP/err") ||
		{ sed 's/^/      /' "$TMP/err"; return 1; }
	[ "$engine" = af_xdp ] && want=1
	# The client keeps the scanner's stderr only on failure: run it once more to read it.
	ip netns exec "$S" "$SCANNER" --io-engine="$engine" --target-range 198.18.1.0/24 \
		--port 80 --sender-threads 2 --receivers 2 --cooldown-time 0 --rate 10000 \
		--output-file "$TMP/out2.txt" --blacklist-file /dev/null 2>"$TMP/stderr" || return 1
	notices=$(grep -c "sender thread" "$TMP/stderr")
	log "stderr: $(grep "sender thread" "$TMP/stderr")"
	log "notice lines: $notices (want $want); result: $result"
	[ "$notices" = "$want" ] || return 1
	sort "$TMP/out.txt" >"$TMP/got"
	for p in $OPEN_SET; do echo "$p"; done | sort >"$TMP/expected"
	expect_same_lines "one-queue scan" "$TMP/expected" "$TMP/got"
}

# Two scanners at once, one per interface, as the orchestrator runs them on a multi-NIC host:
# sv0 leads to 198.18.1.0/24 and sv1 to 198.18.2.0/24, each network with its own open set.
# Each output must hold exactly its own network's set: a shared fanout group or one XDP
# program for both would lose or mix replies.
test_two_scanners_on_two_interfaces_see_only_their_own_replies() {
	skip_if_not_root || return
	setup_testbed anytwo || return 1
	local T2="salvo-anytwo-$$-u" engine=$ENGINE_NAME pid0 pid1
	NS_LIST+=("$T2")
	ip netns add "$T2" || return 1
	testbed_link "$S" "$T2" sv1 tv1 198.18.0.5 198.18.0.6 198.18.2.0/24 || return 1
	start_listeners $OPEN_SET || return 1
	local open2="198.18.2.7:22 198.18.2.7:443 198.18.2.130:80 198.18.2.254:8080"
	HELPER_NS=$T2 start_helper listen $open2 || return 1
	for i in 0 1; do
		run_job "{\"target_range\": \"198.18.$((i + 1)).0/24\", \"ports\": \"22,80,443,8000-8080\",
			\"rate_limit\": 10000, \"output_path\": \"$TMP/out$i.txt\", \"cooldown_time\": 1,
			\"sender_threads\": 2, \"receiver_threads\": 2, \"blacklist_file\": \"/dev/null\",
			\"interface\": \"sv$i\", \"io_engine\": \"$engine\"}" >"$TMP/result$i" 2>"$TMP/err$i" &
		eval "pid$i=\$!"
	done
	wait "$pid0" || { log "scanner on sv0 failed: $(cat "$TMP/err0")"; return 1; }
	wait "$pid1" || { log "scanner on sv1 failed: $(cat "$TMP/err1")"; return 1; }
	for p in $OPEN_SET; do echo "$p"; done | sort >"$TMP/expected0"
	for p in $open2; do echo "$p"; done | sort >"$TMP/expected1"
	for i in 0 1; do
		log "sv$i: $(cat "$TMP/result$i")"
		sort "$TMP/out$i.txt" >"$TMP/got$i"
		expect_same_lines "scanner on sv$i" "$TMP/expected$i" "$TMP/got$i" || return 1
	done
	if ip -n "$S" link show | grep -q "prog/xdp"; then
		log "an XDP program is still attached"
		return 1
	fi
}

# The adapter's multi-NIC fan-out on a host set up as multi-NIC hosts are (setup_two_nics: sv1
# routed by a rule on its source address), with cold neighbour tables: "interfaces": "sv0,sv1"
# splits 198.18.1.0/24 into .0-.127 and .128-.255, one scanner per NIC with only --interface,
# its own output, checkpoint (CKPT.shard-N) and 2 s windows at half the job's rate, the
# windows ended by SIGINT, SIGTERM, SIGKILL, then SIGINT until the scan is done.  40 open
# pairs, 20 in each half.  The merged result is the open set, each open pair is in its own
# NIC's output once; at the target every probe came once through its own NIC (tv0 the lower
# half, tv1 the upper), bar a SIGKILL window's last second or two sent again.
test_orchestrator_fans_out_over_two_rule_routed_nics() {
	skip_if_not_root || return
	case $ENGINE in dpdk:*)
		log "dpdk: the adapter passes one -S and one --gateway-ip for every NIC"
		return $SKIP_CODE ;;
	esac
	setup_two_nics anyfan || return 1
	local engine=$ENGINE_NAME ports="22,80,443,1000-1096,8080" open="" a p sigs
	for a in 3 17 29 41 58 66 80 97 111 126 128 130 149 170 188 203 222 240 250 254; do
		for p in 22 8080; do open+=" 198.18.1.$a:$p"; done
	done
	start_listeners $open || return 1
	local entries
	entries=$(ip -n "$S" neigh show)
	[ -z "$entries" ] || { log "the scanner's neighbour table is not cold: $entries"; return 1; }
	count_syns "$TMP/syns0.json" tv0 || return 1
	local sniff0=$SNIFF_PID
	count_syns "$TMP/syns1.json" tv1 || return 1
	local sniff1=$SNIFF_PID
	sigs='"INT", "TERM", "KILL", "INT", "INT", "INT", "INT", "INT", "INT", "INT", "INT", "INT"'
	run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"$ports\", \"rate_limit\": 3000,
		\"interfaces\": \"sv0,sv1\", \"output_path\": \"$TMP/out.txt\",
		\"checkpoint_path\": \"$TMP/cp\", \"cooldown_time\": 1, \"sender_threads\": 1,
		\"receiver_threads\": 1, \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$engine\",
		\"window_seconds\": 2, \"stop_signals\": [$sigs],
		\"aimd\": {\"windows\": 12, \"step\": 0, \"floor\": 1500}}" >"$TMP/result.json" \
		2>"$TMP/err" || { sed 's/^/      /' "$TMP/err" "$TMP/result.json"; return 1; }
	kill -TERM "$sniff0" "$sniff1"
	wait "$sniff0" "$sniff1"
	python3 "$HELPER" check-fanout "$TMP/result.json" 12928 $open || return 1
	expect_syns "$TMP/syns0.json" 198.18.1.0/25 "$ports" 1 3000 || return 1
	expect_syns "$TMP/syns1.json" 198.18.1.128/25 "$ports" 1 3000
}
