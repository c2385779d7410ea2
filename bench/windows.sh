#!/usr/bin/env bash
# Window benchmark (run by hand, as root): salvo under the orchestrator's rate controller.
#  1. signal to exit: the time from SIGINT (to the process group) until the scanner has
#     exited, five windows per engine (goal: 200 ms at most);
#  2. the window ratio: achieved / set rate, the achieved rate being the growth of tx_packets
#     over the window from spawn to exit, as the controller measures it, for 10 s and 30 s
#     windows at three rates per engine (goal: 0.97 at least; the controller halves the rate
#     below 0.9).
# Windows are run by tests/netns/anyscan_client.py, the client written from the orchestrator's
# contract, with the adapter's defaults (threads = CPUs, 8 s cooldown).  Every packet stays
# inside the two namespaces this script creates: the sender's only link is a veth whose peer
# is up, without an address, in an empty namespace that drops everything.
#
# usage: bench/windows.sh [RATES]   (default "10000 100000 500000")
set -u
cd "$(dirname "$0")/.."
SCANNER=${SCANNER:-$PWD/build/scanner}
RATES=${1:-10000 100000 500000}
S="salvo-windows-$$-s"
K="salvo-windows-$$-k"
W=$(mktemp -d /tmp/salvo-windows.XXXXXX)
cleanup() {
	ip netns del "$S" 2>/dev/null
	ip netns del "$K" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
ip netns add "$S" && ip netns add "$K" || exit 1
ip link add bs0 netns "$S" numtxqueues 2 numrxqueues 2 type veth peer name bk0 netns "$K" \
	numtxqueues 2 numrxqueues 2 || exit 1
ip -n "$S" link set lo up
ip -n "$S" addr add 198.18.0.1/30 dev bs0
ip -n "$S" link set bs0 up
ip -n "$K" link set bk0 up
ip -n "$S" route add 198.19.0.0/16 via 198.18.0.2
ip -n "$S" neigh replace 198.18.0.2 lladdr 02:00:00:00:00:02 dev bs0 nud permanent
sleep 1

ENGINES=("af_packet")
"$SCANNER" --version | grep -q af_xdp && ENGINES+=("af_xdp")

# window ENGINE RATE SECONDS: one window of a fresh /16 x 400 ports scan (26 M probes: more
# than any window here sends); prints the client's window facts as JSON.
window() {
	rm -f "$W/cp" "$W/cp.seen"
	SCANNER_BIN="$SCANNER" SCANNER_WRAP="ip netns exec $S" python3 tests/netns/anyscan_client.py \
		<<<"{\"target_range\": \"198.19.0.0/16\", \"ports\": \"1-400\", \"rate_limit\": $2,
		     \"output_path\": \"$W/out.txt\", \"checkpoint_path\": \"$W/cp\",
		     \"blacklist_file\": \"/dev/null\", \"io_engine\": \"$1\", \"window_seconds\": $3,
		     \"stats_interface\": \"bs0\"}" 2>"$W/err" | python3 -c 'import json, sys
print(json.dumps(json.load(sys.stdin)["window"]))'
}

echo "== SIGINT to exit (5 windows of 2 s at 100000 pps per engine)"
for engine in "${ENGINES[@]}"; do
	times=""
	for run in 1 2 3 4 5; do
		times+=" $(window "$engine" 100000 2 | python3 -c 'import json, sys
print("%.1f" % (json.load(sys.stdin)["signal_to_exit"] * 1000))')"
	done
	printf '%-12s %s ms (runs:%s)\n' "$engine" "$(tr ' ' '\n' <<<"$times" | grep . | sort -n |
		awk '{a[++n]=$1} END {printf "min %s  median %s  max %s", a[1], a[int((n+1)/2)], a[n]}')" \
		"$times"
done

echo
echo "== window ratio: tx_packets growth / (spawn -> exit) / set rate"
for seconds in 10 30; do
	for rate in $RATES; do
		for engine in "${ENGINES[@]}"; do
			window "$engine" "$rate" "$seconds" | python3 -c 'import json, sys
w, rate, secs, engine = json.load(sys.stdin), int(sys.argv[1]), sys.argv[2], sys.argv[3]
print("%-10s %2s s window  set %7d  %.3f s spawn->exit  achieved %9.1f pps  = %.3f x set  "
      "tx_dropped %d%s" % (engine, secs, rate, w["seconds"], w["achieved"], w["achieved"] / rate,
                           w["tx_dropped"], "  SLIP" if w["slip"] else ""))' "$rate" "$seconds" "$engine"
		done
	done
done
