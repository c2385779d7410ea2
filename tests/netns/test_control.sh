# Namespace tests of the control plane: pacing, live rate changes, status formats, limits.
# Run by runner.sh; rates are measured on the target side from tcpdump's kernel timestamps.
# What these tests wait for is a count (SYNs captured, lines salvo wrote), not a fixed time;
# where a rate is the thing under test, its margin is wide enough for a loaded machine.

ALL_TESTS="test_rate_is_exact_at_2000_and_20000_pps
test_sigusr1_raises_the_rate_live
test_legacy_status_line_matches_the_orchestrator_regex
test_json_status_lines_parse
test_max_results_stops_early
test_min_hitrate_aborts
test_control_socket_changes_rate_pauses_and_resumes
test_aimd_grows_the_rate_on_a_clear_path"


# capture_syns FILE: tcpdump of the SYNs arriving at the target, in the background; returns
# once tcpdump says it is listening (at most 10 s).
capture_syns() {
	local i
	CAPTURE_FILE=$1
	# -U: written per packet; otherwise tcpdump drops its unwritten tail when stopped.
	ip netns exec "$T" tcpdump -i tv0 -nn -U -B 16384 -w "$1" 'tcp[tcpflags] == tcp-syn' \
		2>"$1.log" &
	CAPTURE_PID=$!
	BG_PIDS+=($CAPTURE_PID)
	for i in $(seq 200); do
		grep -q "listening on" "$1.log" && return 0
		sleep 0.05
	done
	log "tcpdump did not start: $(cat "$1.log")"
	return 1
}

# stop_capture N: stop tcpdump once its file holds N SYNs (what salvo sent; at most 30 s).
stop_capture() {
	python3 "$HELPER" wait-count "$CAPTURE_FILE" "$1"
	kill -INT "$CAPTURE_PID"
	wait "$CAPTURE_PID" 2>/dev/null
}

# sent_count ERR: the probes sent, from salvo's last line on stderr ERR.
sent_count() { sed -n 's/^salvo: done in .*: sent \([0-9]*\) probes.*/\1/p' "$1" | tail -1; }

# await_lines FILE PATTERN N: wait until FILE has N lines matching PATTERN (at most 10 s).
await_lines() {
	local i
	for i in $(seq 200); do
		[ "$(grep -c "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.05
	done
	log "$1: fewer than $3 lines with '$2'"
	return 1
}

# syn_rate FILE [FROM]: SYNs per second between the first SYN at or after FROM (seconds since
# the epoch, as tcpdump -tt prints them; default the first SYN) and the last SYN.
syn_rate() {
	tcpdump -nn -tt -r "$1" 2>/dev/null | awk -v from="${2:-0}" '
		$1 >= from { if (!n) first = $1; last = $1; n++ }
		END { if (n > 1) printf "%.1f %d\n", (n - 1) / (last - first), n; else print "0 0" }'
}

test_rate_is_exact_at_2000_and_20000_pps() {
	skip_if_not_root || return
	skip_if_missing tcpdump bc || return
	setup_testbed rate || return 1
	local rate ports pps n cpu wall
	for rate in 2000 20000; do
		# About five seconds of probes at each rate.
		ports=$((rate * 5 / 256))
		capture_syns "$TMP/rate$rate.pcap" || return 1
		TIMEFORMAT='%R %U %S'
		{ time salvo_in_scanner -q -b /dev/null -p 1-$ports -c 0 -r $rate -o /dev/null \
			198.18.1.0/24; } 2>"$TMP/time" || return 1
		stop_capture $((ports * 256))
		read -r pps n <<<"$(syn_rate "$TMP/rate$rate.pcap")"
		read -r wall user sys <<<"$(tail -1 "$TMP/time")"
		cpu=$(echo "$user + $sys" | bc -l)
		log "set $rate pps: $n SYNs at $pps pps at the target; cpu ${cpu}s in ${wall}s"
		[ "$n" = $((ports * 256)) ] || { log "expected $((ports * 256)) SYNs"; return 1; }
		# Rate accuracy is the subject, first SYN to last: the schedule is absolute, so only
		# a late first or last SYN moves it.  +-5 % over five seconds leaves 250 ms of those
		# to a loaded machine.
		[ "$(echo "$pps >= $rate * 0.95 && $pps <= $rate * 1.05" | bc -l)" = 1 ] || return 1
		# Sleeping, not spinning: well under a core even counting the receive thread.
		[ "$(echo "$cpu < $wall * 0.5" | bc -l)" = 1 ] || { log "burns a core"; return 1; }
	done
}

test_sigusr1_raises_the_rate_live() {
	skip_if_not_root || return
	skip_if_missing tcpdump bc || return
	setup_testbed usr1 || return 1
	capture_syns "$TMP/usr1.pcap" || return 1
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -b /dev/null -p 1-40 -c 0 -r 1000 \
		-o /dev/null 198.18.1.0/24 2>"$TMP/err" &
	local pid=$! i before after since
	# Two seconds' worth at the first rate; counted, not slept: a SIGUSR1 that came before
	# salvo took the signal would end it.
	python3 "$HELPER" wait-count "$TMP/usr1.pcap" 2000 || { kill $pid; return 1; }
	for i in 1 2 3 4 5; do
		kill -USR1 $pid
		# The next signal once salvo has taken this one: two pending at once are one.
		await_lines "$TMP/err" "rate now" $i || { kill $pid; return 1; }
	done
	since=$(date +%s.%N)
	sleep 3
	kill -INT $pid
	wait $pid || return 1
	stop_capture "$(sent_count "$TMP/err")"
	grep "rate now" "$TMP/err" | sed 's/^/    /'
	# Five steps of +5 %, each rounded down: 1050, 1102, 1157, 1214, 1274.
	grep -q "rate now 1274 pps" "$TMP/err" || return 1
	read -r before _ <<<"$(syn_rate "$TMP/usr1.pcap" 0 | cut -d' ' -f1)"
	# The SYNs sent after salvo said it took the fifth signal.
	read -r after _ <<<"$(syn_rate "$TMP/usr1.pcap" "$since")"
	log "average over the whole run $before pps; after the signals $after pps"
	# That the rate took effect is the subject: +-5 % over about three seconds leaves 150 ms
	# of a late last SYN to a loaded machine (the steps themselves are counted above).
	[ "$(echo "$after >= 1274 * 0.95 && $after <= 1274 * 1.05" | bc -l)" = 1 ]
}

test_legacy_status_line_matches_the_orchestrator_regex() {
	skip_if_not_root || return
	setup_testbed legacy || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-8 -c 1 -r 700 --status-format=legacy \
		-o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	python3 "$HELPER" check-legacy-status "$TMP/err"
}

test_json_status_lines_parse() {
	skip_if_not_root || return
	setup_testbed jsonst || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-8 -c 1 -r 1000 --status-format=json \
		-o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	python3 "$HELPER" check-json-status "$TMP/err" "${ENGINE/#dpdk:*/dpdk}"
}

# -N 3 on a scan of 256 probes at 100 pps with a 5 s cooldown (8 s in all): salvo's counts say
# sending stopped early and the cooldown was not waited for.
test_max_results_stops_early() {
	skip_if_not_root || return
	setup_testbed maxres || return 1
	start_listeners 0.0.0.0:80 || return 1
	check_run salvo_in_scanner -q -b /dev/null -p 80 -c 5 -r 100 -N 3 -m "$TMP/meta.json" \
		-o "$TMP/out.csv" 198.18.1.0/24 || return 1
	log "$(($(wc -l <"$TMP/out.csv") - 1)) results in the output"
	[ "$(($(wc -l <"$TMP/out.csv") - 1))" = 3 ] && python3 "$HELPER" check-max-results "$TMP/meta.json" 3
}

test_min_hitrate_aborts() {
	skip_if_not_root || return
	setup_testbed minhit || return 1
	salvo_in_scanner -q -b /dev/null -p 1-60 -c 1 -r 0 --min-hitrate 50 -o "$TMP/out.csv" \
		198.18.1.0/24 2>"$TMP/err"
	local status=$?
	log "exit $status: $(cat "$TMP/err")"
	[ $status = 1 ] && grep -q -- "--min-hitrate: 0.0000% of" "$TMP/err" && [ -f "$TMP/out.csv" ]
}

# --control: "rate 2000" takes effect, "pause" stops the SYNs, "resume" restarts them at the
# set rate without making up for the pause, "status" and bad commands are answered.
test_control_socket_changes_rate_pauses_and_resumes() {
	skip_if_not_root || return
	skip_if_missing tcpdump || return
	setup_testbed control || return 1
	capture_syns "$TMP/ctl.pcap" || return 1
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -b /dev/null -p 1-100 -c 0 -r 500 \
		--control "$TMP/ctl.sock" -o /dev/null 198.18.1.0/24 2>"$TMP/err" &
	local pid=$!
	# Half a second at 500 pps first: the control socket is open before the first SYN.
	python3 "$HELPER" wait-count "$TMP/ctl.pcap" 250 || { kill $pid; return 1; }
	ip netns exec "$S" python3 "$HELPER" control-session "$TMP/ctl.sock" "$TMP/times" ||
		{ kill $pid; return 1; }
	kill -INT $pid
	wait $pid || return 1
	stop_capture "$(sent_count "$TMP/err")"
	[ ! -e "$TMP/ctl.sock" ] || { log "control socket left behind"; return 1; }
	tcpdump -nn -tt -r "$TMP/ctl.pcap" 2>/dev/null | awk '{ print $1 }' >"$TMP/stamps"
	python3 "$HELPER" check-control-rates "$TMP/stamps" "$TMP/times"
}

# --rate-mode=aimd on an uncongested path: +1000 pps a second (max / 20) from 2000.
test_aimd_grows_the_rate_on_a_clear_path() {
	skip_if_not_root || return
	skip_if_missing tcpdump || return
	setup_testbed aimd || return 1
	capture_syns "$TMP/aimd.pcap" || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-110 -c 0 -r 2000 --rate-mode=aimd \
		--rate-max 20000 -t 6 -o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	stop_capture "$(sent_count "$TMP/err")"
	tcpdump -nn -tt -r "$TMP/aimd.pcap" 2>/dev/null | awk '{ print $1 }' >"$TMP/stamps"
	python3 "$HELPER" check-aimd-growth "$TMP/stamps" "$TMP/err"
}
