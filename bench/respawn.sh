#!/usr/bin/env bash
# Respawn benchmark (run by hand, as root): what the orchestrator's AIMD loop sees.
#  1. start-to-first-packet of a `--resume` respawn for a /16 x 100 ports scan: the time from
#     exec to the first frame read at the sink (CLOCK_MONOTONIC), per engine, five runs;
#     a fresh start and zmap's fresh start (zmap has no resume) measured in the same run;
#  2. achieved vs set rate at five set rates up to and beyond the engine's ceiling, measured as
#     the orchestrator does, from tx_packets (and tx_dropped) of the interface over 3 s, for
#     salvo per engine, zmap and masscan.
# Every packet stays inside the two namespaces this script creates: the sender's only link is
# a veth whose peer is up, without an address, in an empty namespace that drops everything.
#
# usage: bench/respawn.sh [RATES]   (default "100000 300000 600000 1000000 2000000")
# Needs: apt-get install zmap masscan.
set -u
cd "$(dirname "$0")/.."
SALVO=${SALVO:-$PWD/build/salvo}
RATES=${1:-100000 300000 600000 1000000 2000000}
S="salvo-respawn-$$-s"
K="salvo-respawn-$$-k"
GWMAC=02:00:00:00:00:02
W=$(mktemp -d /tmp/salvo-respawn.XXXXXX)
cleanup() {
	pkill -f "respawn_helper.py wait bk0 $W" 2>/dev/null
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
ip -n "$S" neigh replace 198.18.0.2 lladdr $GWMAC dev bs0 nud permanent
sleep 1

ENGINES=("af_packet")
"$SALVO" --version | grep -q af_xdp && ENGINES+=("af_xdp --xdp-mode=copy")
"$SALVO" --version | grep -q dpdk && ENGINES+=("dpdk")

# engine_args ENGINE: the arguments that choose it into E (dpdk: net_af_packet on bs0, EAL's
# start included in every measurement).
engine_args() {
	if [ "$1" = dpdk ]; then
		E=(--io-engine=dpdk "--dpdk-eal-args=--vdev=net_af_packet0,iface=bs0 --no-huge -m 512 --no-pci"
			-S 198.18.0.1)
	else
		read -r -a E <<<"--io-engine=$1"
	fi
}
# /16 x 100 ports: 6.5 M probes, more than any run here sends.
SCAN=(-b /dev/null -G "$GWMAC" -p 1-100 -c 0 -o /dev/null 198.19.0.0/16)

# first_packet_ms CMD...: exec CMD in the sender namespace; ms from exec to the first frame read
# at the sink (CLOCK_MONOTONIC both); the command is then interrupted.
first_packet_ms() {
	rm -f "$W/ready" "$W/t0" "$W/t1"
	ip netns exec "$K" python3 bench/respawn_helper.py wait bk0 "$W/ready" "$W/t1" &
	local waiter=$! i
	for i in $(seq 100); do [ -e "$W/ready" ] && break; sleep 0.02; done
	ip netns exec "$S" python3 bench/respawn_helper.py exec "$W/t0" "$@" >/dev/null 2>"$W/err" &
	local pid=$!
	for i in $(seq 300); do [ -s "$W/t1" ] && break; sleep 0.01; done
	stop $pid
	stop $waiter
	if [ -s "$W/t1" ] && [ -s "$W/t0" ]; then
		echo "scale=1; ($(cat "$W/t1") - $(cat "$W/t0")) / 1000000" | bc
	else
		echo "none"
		sed 's/^/    /' "$W/err" | tail -2 >&2
	fi
}

# stop PID: SIGTERM (background jobs of a script ignore SIGINT until they set a handler, and
# a respawn may still be starting), then SIGKILL if it is not gone within 3 s.
stop() {
	local i
	kill -TERM "$1" 2>/dev/null
	for i in $(seq 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# summarize: min, median and max of the numbers on stdin.
summarize() {
	tr ' ' '\n' | grep -v '^$' | sort -n | awk '/none/ {none++; next} {a[++n]=$1}
		END {printf "min %s  median %s  max %s ms", a[1], a[int((n+1)/2)], a[n];
		     if (none) printf "  (%d runs without a packet in 3 s)", none}'
}

echo "== start-to-first-packet, /16 x 100 ports (exec -> first frame read at the sink)"
for engine in "${ENGINES[@]}"; do
	engine_args "$engine"
	# A checkpoint one second into the scan, then five respawns with --resume, each
	# interrupted at its first packet (which moves the checkpoint on a little).
	ip netns exec "$S" "$SALVO" "${E[@]}" -q -r 50000 --checkpoint-file "$W/cp" "${SCAN[@]}" &
	pid=$!
	sleep 1
	stop $pid
	fresh="" resumed=""
	for run in 1 2 3 4 5; do
		resumed+=" $(first_packet_ms "$SALVO" "${E[@]}" -q -r 100000 --resume \
			--checkpoint-file "$W/cp" "${SCAN[@]}")"
		fresh+=" $(first_packet_ms "$SALVO" "${E[@]}" -q -r 100000 "${SCAN[@]}")"
	done
	printf '%-28s --resume: %s   (runs:%s)\n' "salvo $engine" "$(summarize <<<"$resumed")" "$resumed"
	printf '%-28s fresh:    %s   (runs:%s)\n' "salvo $engine" "$(summarize <<<"$fresh")" "$fresh"
	rm -f "$W/cp"
done
if command -v zmap >/dev/null; then
	zm=""
	for run in 1 2 3 4 5; do
		zm+=" $(first_packet_ms "$(command -v zmap)" -q -r 100000 -C /dev/null -b /dev/null \
			-G $GWMAC -i bs0 -p 1 -P 100 -c 0 -o /dev/null 198.19.0.0/16)"
	done
	printf '%-28s fresh:    %s   (runs:%s)\n' "zmap $(zmap --version 2>&1 | awk '{print $2}')" \
		"$(summarize <<<"$zm")" "$zm"
fi

# achieved NAME SET CMD...: run CMD, measure tx_packets over 3 s after a 0.5 s start.
achieved() {
	local name=$1 set=$2 packets dropped secs pps
	shift 2
	# In $W: masscan leaves a paused.conf where it runs.
	(cd "$W" && exec ip netns exec "$S" "$@" >/dev/null 2>"$W/err") &
	local pid=$!
	read -r packets dropped secs < <(ip netns exec "$S" python3 bench/respawn_helper.py sample bs0 0.5 3)
	stop $pid
	pps=$(echo "$packets / $secs" | bc -l)
	printf '%-28s set %8d  achieved %8.0f pps  = %5.3f x set   tx_dropped %d\n' "$name" "$set" \
		"$pps" "$(echo "$pps / $set" | bc -l)" "$dropped"
}

echo
echo "== achieved vs set rate, from tx_packets of the interface over 3 s"
for rate in $RATES; do
	for engine in "${ENGINES[@]}"; do
		engine_args "$engine"
		achieved "salvo $engine" "$rate" "$SALVO" "${E[@]}" -q -r "$rate" "${SCAN[@]}"
	done
	# zmap paces targets, each sent -P times: -r rate/100 with -P 100 is rate packets/s.
	command -v zmap >/dev/null && achieved "zmap" "$rate" zmap -q -r $((rate / 100)) -C /dev/null \
		-b /dev/null -G $GWMAC -i bs0 -p 1 -P 100 -c 0 -o /dev/null 198.19.0.0/16
	command -v masscan >/dev/null && achieved "masscan" "$rate" masscan --rate "$rate" \
		--wait 0 --router-mac $GWMAC --adapter-ip 198.18.0.1 -e bs0 -p 1-100 198.19.0.0/16
done
