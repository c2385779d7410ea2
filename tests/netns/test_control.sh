# Namespace tests of the control plane: pacing, live rate changes, status formats, limits.
# Run by runner.sh; rates are measured on the target side from tcpdump's kernel timestamps.

ALL_TESTS="test_rate_is_exact_at_2000_and_20000_pps
test_sigusr1_raises_the_rate_live
test_legacy_status_line_matches_the_orchestrator_regex
test_json_status_lines_parse
test_max_results_stops_early
test_min_hitrate_aborts
test_control_socket_changes_rate_pauses_and_resumes
test_aimd_grows_the_rate_on_a_clear_path"


# capture_syns FILE: tcpdump of the SYNs arriving at the target, in the background.
capture_syns() {
	# -U: written per packet; otherwise tcpdump drops its unwritten tail when stopped.
	ip netns exec "$T" tcpdump -i tv0 -nn -U -B 16384 -w "$1" 'tcp[tcpflags] == tcp-syn' \
		2>/dev/null &
	CAPTURE_PID=$!
	BG_PIDS+=($CAPTURE_PID)
	sleep 1
}

stop_capture() {
	sleep 1.5
	kill -INT "$CAPTURE_PID"
	wait "$CAPTURE_PID" 2>/dev/null
}

# syn_rate FILE [FROM_S]: SYNs per second between the first (after FROM_S) and last SYN.
syn_rate() {
	tcpdump -nn -tt -r "$1" 2>/dev/null | awk -v from="${2:-0}" '
		NR == 1 { t0 = $1 } $1 - t0 >= from { if (!n) first = $1; last = $1; n++ }
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
		stop_capture
		read -r pps n <<<"$(syn_rate "$TMP/rate$rate.pcap")"
		read -r wall user sys <<<"$(tail -1 "$TMP/time")"
		cpu=$(echo "$user + $sys" | bc -l)
		log "set $rate pps: $n SYNs at $pps pps at the target; cpu ${cpu}s in ${wall}s"
		[ "$n" = $((ports * 256)) ] || { log "expected $((ports * 256)) SYNs"; return 1; }
		[ "$(echo "$pps >= $rate * 0.98 && $pps <= $rate * 1.02" | bc -l)" = 1 ] || return 1
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
	local pid=$! i before after
	sleep 2
	for i in 1 2 3 4 5; do
		kill -USR1 $pid
		sleep 0.1
	done
	sleep 3
	kill -INT $pid
	wait $pid || return 1
	stop_capture
	grep "rate now" "$TMP/err" | sed 's/^/    /'
	# Five steps of +5 %, each rounded down: 1050, 1102, 1157, 1214, 1274.
	grep -q "rate now 1274 pps" "$TMP/err" || return 1
	read -r before _ <<<"$(syn_rate "$TMP/usr1.pcap" 0 | cut -d' ' -f1)"
	# The SYNs sent after the five signals.
	read -r after _ <<<"$(syn_rate "$TMP/usr1.pcap" 3.5)"
	log "average over the whole run $before pps; after the signals $after pps"
	[ "$(echo "$after >= 1274 * 0.97 && $after <= 1274 * 1.03" | bc -l)" = 1 ]
}

test_legacy_status_line_matches_the_orchestrator_regex() {
	skip_if_not_root || return
	setup_testbed legacy || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-8 -c 1 -r 700 --status-format=legacy \
		-o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	python3 - "$TMP/err" <<'PY'
import re, sys
rx = re.compile(r"(\d+):(\d+)\s+(\d+)%;\s+send:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s\s+\([0-9.]+\s*[KMG]?p/s\s+avg\);\s+recv:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s;")
lines = [l for l in re.split(r"[\r\n]", open(sys.argv[1]).read()) if l and not l.startswith("salvo:")]
sent = [int(rx.match(l).group(4)) for l in lines if rx.match(l)]
print("    %d progress lines, %d match; sent %s" % (len(lines), len(sent), sent))
sys.exit(0 if lines and len(sent) == len(lines) and sent == sorted(sent) and sent[-1] == 2048 else 1)
PY
}

test_json_status_lines_parse() {
	skip_if_not_root || return
	setup_testbed jsonst || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-8 -c 1 -r 1000 --status-format=json \
		-o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	python3 - "$TMP/err" "$ENGINE" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("    %d objects; last: %s" % (len(objs), objs[-1] if objs else None))
need = {"elapsed_s", "percent", "sent", "received", "drops", "rate_set", "rate_achieved", "eta_s",
        "engine", "mode"}
sys.exit(0 if len(objs) >= 2 and all(need <= set(o) for o in objs) and objs[-1]["sent"] == 2048
         and objs[0]["rate_set"] == 1000 and objs[-1]["engine"] == sys.argv[2].split()[0] else 1)
PY
}

test_max_results_stops_early() {
	skip_if_not_root || return
	setup_testbed maxres || return 1
	start_listeners 0.0.0.0:80 || return 1
	local start took
	start=$(date +%s)
	check_run salvo_in_scanner -q -b /dev/null -p 80 -c 5 -r 100 -N 3 -o "$TMP/out.csv" \
		198.18.1.0/24 || return 1
	took=$(($(date +%s) - start))
	log "$(($(wc -l <"$TMP/out.csv") - 1)) results in ${took}s (the whole scan would take 8s)"
	[ "$(($(wc -l <"$TMP/out.csv") - 1))" = 3 ] && [ $took -lt 5 ]
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
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 1-100 -c 0 -r 500 \
		--control "$TMP/ctl.sock" -o /dev/null 198.18.1.0/24 &
	local pid=$!
	sleep 1
	ip netns exec "$S" python3 - "$TMP/ctl.sock" "$TMP/times" <<'PY' || { kill $pid; return 1; }
import socket, sys, time
def ask(cmd):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sys.argv[1])
    c.sendall(cmd.encode() + b"\n")
    reply = c.recv(200).decode().strip()
    print("    %s -> %s" % (cmd, reply))
    return reply
marks = {}
ok = ask("rate 2000") == "ok rate 2000"; marks["rate"] = time.time(); time.sleep(2)
ok &= ask("pause") == "ok paused"; marks["pause"] = time.time(); time.sleep(1.5)
ok &= ask("resume") == "ok resumed"; marks["resume"] = time.time(); time.sleep(1.5)
st = ask("status"); ok &= st.startswith("ok sent ") and " rate 2000 paused 0" in st
ok &= ask("fly").startswith("error: 'fly': expected rate N, pause, resume or status")
ok &= ask("rate 0").startswith("error: rate:")
open(sys.argv[2], "w").write(" ".join("%s=%f" % kv for kv in marks.items()))
sys.exit(0 if ok else 1)
PY
	kill -INT $pid
	wait $pid || return 1
	stop_capture
	[ ! -e "$TMP/ctl.sock" ] || { log "control socket left behind"; return 1; }
	tcpdump -nn -tt -r "$TMP/ctl.pcap" 2>/dev/null | awk '{ print $1 }' >"$TMP/stamps"
	python3 - "$TMP/stamps" "$TMP/times" <<'PY'
import sys
t = [float(l) for l in open(sys.argv[1])]
m = dict(kv.split("=") for kv in open(sys.argv[2]).read().split())
m = {k: float(v) for k, v in m.items()}
def rate(a, b):
    n = [x for x in t if a <= x < b]
    return len(n) / (b - a)
fast = rate(m["rate"] + 0.3, m["pause"] - 0.1)
# 100 ms of margin at both ends: each mark is taken after salvo's reply arrives, so on a busy
# machine salvo may already send (after "resume") before the client reads its clock; a CI run
# saw 7 SYNs (3.5 ms at 2000 pps) fall before the resume mark that way.
paused = [x for x in t if m["pause"] + 0.1 <= x < m["resume"] - 0.1]
after = rate(m["resume"] + 0.1, m["resume"] + 1.4)
burst = max(sum(1 for x in t if s <= x < s + 0.1) for s in [m["resume"] + i * 0.05 for i in range(20)])
print("    after 'rate 2000': %.0f pps; SYNs while paused: %d; after resume %.0f pps, most in 100 ms %d"
      % (fast, len(paused), after, burst))
sys.exit(0 if 1900 <= fast <= 2100 and not paused and 1900 <= after <= 2100 and burst <= 260 else 1)
PY
}

# --rate-mode=aimd on an uncongested path: +1000 pps a second (max / 20) from 2000.
test_aimd_grows_the_rate_on_a_clear_path() {
	skip_if_not_root || return
	skip_if_missing tcpdump || return
	setup_testbed aimd || return 1
	capture_syns "$TMP/aimd.pcap" || return 1
	check_run salvo_in_scanner -b /dev/null -p 1-110 -c 0 -r 2000 --rate-mode=aimd \
		--rate-max 20000 -t 6 -o /dev/null 198.18.1.0/24 2>"$TMP/err" || return 1
	stop_capture
	grep -o "rate [0-9]*$" "$TMP/err" | tr '\n' ' ' | sed 's/^/    status: /'
	echo
	tcpdump -nn -tt -r "$TMP/aimd.pcap" 2>/dev/null | awk '{ print $1 }' >"$TMP/stamps"
	python3 - "$TMP/stamps" <<'PY'
import sys
t = [float(l) for l in open(sys.argv[1])]
per = [sum(1 for x in t if t[0] + i <= x < t[0] + i + 1) for i in range(5)]
print("    SYNs per second at the target: %s" % per)
sys.exit(0 if 1800 <= per[0] <= 3200 and per[4] >= 2 * per[0]
         and all(b >= a - 50 for a, b in zip(per, per[1:])) else 1)
PY
}
