# Namespace tests of salvo as the orchestrator's scanner: build/scanner driven by a client
# written from the contract (tests/netns/anyscan_client.py).  Run by runner.sh.

ALL_TESTS="test_orchestrator_single_port_scan
test_orchestrator_multi_port_scan
test_orchestrator_engine_errors_fail_with_one_line"

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
