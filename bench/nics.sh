#!/usr/bin/env bash
# Several NICs (issue "salvo 13", part 4), run by hand as root: the same scan sent through
#   one NIC      one process on bs0 alone (-T 1, and -T 2 on its two queues),
#   two NICs     one process on both (-i bs0,bs1: one permutation, a sender thread per NIC),
#   2 processes  one process per NIC, each half of the scan (--shards 2, as one would run and
#                merge them before salvo could drive several NICs),
# per engine, in one run.  Each NIC is a veth whose peer is up in an empty namespace (frames
# are dropped at once); every probe is counted at the sinks (rx_packets of both peers) and
# timed by the wall clock from the first process's start to the last one's end, start-up
# included.  bs1 is routed as multi-NIC hosts are (a rule on its source address).
#
# The four run in turn, ROUNDS times (default 3), and the median of each is compared: the
# machine is shared, and a single run drifts.
#
# usage: bench/nics.sh [PROBES_PER_TARGET [ROUNDS]]   (default 40: a /16 x 40 = 2.6 M probes)
# Every packet stays inside the three namespaces this script creates.
set -u
cd "$(dirname "$0")/.."
SALVO=${SALVO:-$PWD/build/salvo}
PER=${1:-40}
ROUNDS=${2:-3}
S="salvo-nics-$$-s"
K0="salvo-nics-$$-k0"
K1="salvo-nics-$$-k1"
GWMAC=02:00:00:00:00:02
W=$(mktemp -d /tmp/salvo-nics.XXXXXX)
cleanup() {
	for ns in "$S" "$K0" "$K1"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
for ns in "$S" "$K0" "$K1"; do ip netns add "$ns" || exit 1; done
ip -n "$S" link set lo up
for i in 0 1; do
	# Two queues each way, so that two sender threads each own one (af_xdp).
	ip link add "bs$i" netns "$S" numtxqueues 2 numrxqueues 2 type veth peer name "bk$i" \
		netns "salvo-nics-$$-k$i" numtxqueues 2 numrxqueues 2 || exit 1
	ip -n "$S" addr add "198.18.$((2 * i)).1/24" dev "bs$i"
	ip -n "$S" link set "bs$i" up
	ip -n "salvo-nics-$$-k$i" link set "bk$i" up # up, no address: the sink drops every frame
	ip -n "$S" neigh replace "198.18.$((2 * i)).2" lladdr $GWMAC dev "bs$i" nud permanent
done
ip -n "$S" route add 198.18.128.0/17 via 198.18.0.2
ip -n "$S" route add 198.19.0.0/17 via 198.18.0.2
ip -n "$S" rule add from 198.18.2.1 table 102
ip -n "$S" route add default via 198.18.2.2 dev bs1 table 102
sleep 1

sinks() {
	echo $(($(ip netns exec "$K0" cat /sys/class/net/bk0/statistics/rx_packets) +
		$(ip netns exec "$K1" cat /sys/class/net/bk1/statistics/rx_packets)))
}
sink1() { ip netns exec "$K1" cat /sys/class/net/bk1/statistics/rx_packets; }

# measure NAME CMD... [-- CMD...]: runs each CMD (separated by --) at once in the sender
# namespace, waits for all; prints the probes at the sinks (bk1's among them) and the pps.
declare -A PPS
measure() {
	local name=$1 before before1 after t0 t1 secs status=0 pids=() cmd=() i=0
	shift
	before=$(sinks) before1=$(sink1)
	t0=$(date +%s.%N)
	while [ $# -gt 0 ]; do
		cmd=()
		while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
		[ $# -gt 0 ] && shift
		ip netns exec "$S" "${cmd[@]}" >/dev/null 2>"$W/err$i" &
		pids+=($!)
		i=$((i + 1))
	done
	for p in "${pids[@]}"; do wait "$p" || status=$?; done
	t1=$(date +%s.%N)
	after=$(sinks)
	secs=$(echo "$t1 - $t0" | bc -l)
	PPS[$name]="${PPS[$name]:-} $(echo "($after - $before) / $secs" | bc -l)"
	printf '%-40s exit %d  %9d probes at the sinks (bk1 %8d) in %6.2f s = %8.0f pps\n' \
		"$name" $status $((after - before)) $(($(sink1) - before1)) "$secs" \
		"$(echo "($after - $before) / $secs" | bc -l)"
	[ $status = 0 ] || cat "$W"/err* | sed 's/^/    /' | tail -3
	rm -f "$W"/err*
}

N=$((65536 * PER))
SCAN=(-q -b /dev/null -r 0 -c 0 -G $GWMAC -p 1-"$PER" -o /dev/null -e 7 198.18.128.0/17
	198.19.0.0/17)
ENGINES=(af_packet)
"$SALVO" --list-io-engines | grep -q "^af_xdp  *yes" && ENGINES+=("af_xdp --xdp-mode=copy")
# median NAME: the median of NAME's rates.
median() { tr ' ' '\n' <<<"${PPS[$1]}" | grep . | sort -g | awk '{ a[++n] = $1 } END { print a[int((n + 1) / 2)] }'; }

echo "== $N probes each (a /16-sized block x $PER), into two veth sinks, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
	for engine in "${ENGINES[@]}"; do
		read -r -a E <<<"--io-engine=$engine"
		measure "$engine: one NIC, -T 1" "$SALVO" "${E[@]}" -i bs0 -T 1 "${SCAN[@]}"
		measure "$engine: one NIC, -T 2" "$SALVO" "${E[@]}" -i bs0 -T 2 "${SCAN[@]}"
		measure "$engine: one process, two NICs" "$SALVO" "${E[@]}" -i bs0,bs1 -T 2 \
			"${SCAN[@]}"
		measure "$engine: two processes, a NIC each" \
			"$SALVO" "${E[@]}" -i bs0 -T 1 --shards 2 --shard 0 "${SCAN[@]}" -- \
			"$SALVO" "${E[@]}" -i bs1 -T 1 --shards 2 --shard 1 "${SCAN[@]}"
	done
done
echo
echo "== medians"
for engine in "${ENGINES[@]}"; do
	for c in "one NIC, -T 1" "one NIC, -T 2" "one process, two NICs" "two processes, a NIC each"; do
		printf '%-50s %8.0f pps\n' "$engine: $c" "$(median "$engine: $c")"
	done
	two=$(median "$engine: one process, two NICs")
	printf '%s: two NICs / one NIC -T 1 = %.2f, / one NIC -T 2 = %.2f, / two processes = %.2f\n' \
		"$engine" "$(echo "$two / $(median "$engine: one NIC, -T 1")" | bc -l)" \
		"$(echo "$two / $(median "$engine: one NIC, -T 2")" | bc -l)" \
		"$(echo "$two / $(median "$engine: two processes, a NIC each")" | bc -l)"
done
