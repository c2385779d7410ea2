# Namespace tests of salvo as the orchestrator's scanner: build/scanner driven by a client
# written from the contract (tests/netns/anyscan_client.py).  Run by runner.sh.

ALL_TESTS="test_orchestrator_single_port_scan
test_orchestrator_multi_port_scan
test_orchestrator_engine_errors_fail_with_one_line
test_orchestrator_rate_windows_send_each_probe_once
test_two_scanners_on_two_interfaces_see_only_their_own_replies"

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
	local engine=${ENGINE%% *} result
	result=$(run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"443\", \"rate_limit\": 5000,
		\"output_path\": \"$TMP/out.txt\", \"cooldown_time\": 1, \"sender_threads\": 1,
		\"receiver_threads\": 1, \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$engine\"}") ||
		return 1
	log "result: $result"
	log "output file: $(tr '\n' ' ' <"$TMP/out.txt")"
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]);
sys.exit(0 if r["open"] == ["198.18.1.77:443", "198.18.1.9:443"] and r["progress"]
         and r["progress"]["sent"] == 256 else 1)' "$result"
}

test_orchestrator_multi_port_scan() {
	skip_if_not_root || return
	setup_testbed anymulti || return 1
	start_listeners $OPEN_SET || return 1
	local engine=${ENGINE%% *} result want
	result=$(run_job "{\"target_range\": \"198.18.1.0-198.18.1.255\", \"ports\": \"22,80,443,8000-8080\",
		\"rate_limit\": 20000, \"output_path\": \"$TMP/out.txt\", \"cooldown_time\": 1,
		\"sender_threads\": 2, \"receiver_threads\": 2, \"blacklist_file\": \"/dev/null\",
		\"io_engine\": \"$engine\"}") || return 1
	log "result: $result"
	want=$(for p in $OPEN_SET; do echo "$p"; done | sort | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))')
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); w=json.loads(sys.argv[2]);
sys.exit(0 if sorted(r["open"]) == sorted(w) else 1)' "$result" "$want"
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
	grep -q "dpdk not built in" <(run_job "{\"target_range\": \"198.18.1.0/24\", \"ports\": \"80\",
		\"rate_limit\": 100, \"io_engine\": \"dpdk\"}" 2>&1)
}

# The orchestrator's AIMD loop, four times: a 2 s window at a new rate, ended by SIGINT (the
# second by SIGTERM, the third by SIGKILL), then a respawn with --resume.  The fourth window
# runs the scan to its end.  256 addresses x 51 ports = 13056 probes: the union of the outputs
# is the open set and the target sees every probe once, except at most about one second of
# the SIGKILL window's probes again (its checkpoint is at most a second old).
test_orchestrator_rate_windows_send_each_probe_once() {
	skip_if_not_root || return
	setup_testbed anywin || return 1
	start_listeners $OPEN_SET || return 1
	local engine=${ENGINE%% *} i rate sig window result status
	local rates=(1500 3000 1500 3000) sigs=(INT TERM KILL INT) windows=(2 2 2 20)
	start_sniffer "$TMP/syns.json" 16 || return 1
	for i in 0 1 2 3; do
		rate=${rates[$i]} sig=${sigs[$i]} window=${windows[$i]}
		result=$(run_job "{\"target_range\": \"198.18.1.0/24\",
			\"ports\": \"22,80,443,1000-1046,8080\", \"rate_limit\": $rate,
			\"output_path\": \"$TMP/out.txt\", \"checkpoint_path\": \"$TMP/cp\",
			\"resume\": $([ $i = 0 ] && echo false || echo true), \"cooldown_time\": 1,
			\"sender_threads\": 1, \"receiver_threads\": 1, \"blacklist_file\": \"/dev/null\",
			\"io_engine\": \"$engine\", \"window_seconds\": $window, \"stop_signal\": \"$sig\",
			\"stats_interface\": \"sv0\"}" 2>"$TMP/err")
		status=$?
		log "window $((i + 1)): rate $rate, SIG$sig: client exit $status, $result"
		python3 - "$result" "$rate" "$sig" "$i" <<'PY' || { sed 's/^/      /' "$TMP/err"; return 1; }
import json, sys
r, rate, sig, i = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
w = r["window"]
if i == 3:   # the last window: the scan ran to its end, exit 0
    sys.exit(0 if w["exit"] == 0 else 1)
# The window was cut by the signal; SIGKILL shows as -9, INT and TERM as a clean exit 0.
if w["exit"] != (-9 if sig == "KILL" else 0):
    sys.exit(1)
# The orchestrator's own yardsticks: tx_packets >= 0.9 x the set rate, tx_dropped == 0.
achieved = w["tx_packets"] / w["seconds"]
print("      achieved %.0f pps of %d (%.3f)" % (achieved, rate, achieved / rate))
sys.exit(0 if achieved >= 0.9 * rate and w["tx_dropped"] == 0 else 1)
PY
	done
	wait "$SNIFF_PID"
	sort -u "$TMP/out.txt" >"$TMP/got"
	for p in $OPEN_SET; do echo "$p"; done | sort >"$TMP/expected"
	expect_same_lines "union of the windows' output" "$TMP/expected" "$TMP/got" || return 1
	# About one second of the SIGKILL window (1500 pps, 25 % slack for a late checkpoint tick)
	# may be sent again; no probe three times.
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,1000-1046,8080 1 1875
}

# Two scanners at once, one per interface, as the orchestrator runs them on a multi-NIC host:
# sv0 leads to 198.18.1.0/24 and sv1 to 198.18.2.0/24, each network with its own open set.
# Each output must hold exactly its own network's set: a shared fanout group or one XDP
# program for both would lose or mix replies.
test_two_scanners_on_two_interfaces_see_only_their_own_replies() {
	skip_if_not_root || return
	setup_testbed anytwo || return 1
	local T2="salvo-anytwo-$$-u" engine=${ENGINE%% *} pid0 pid1
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
