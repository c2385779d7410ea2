#!/usr/bin/env bash
# Engine benchmark (run by hand, as root): salvo with each io engine and mode against zmap
# and masscan from Debian and against bare senders, measured in the same run, each sending
# the same number of probes from one sender thread into a veth whose peer is up in an empty
# namespace (frames are dropped at once).
# Every probe is counted at the sink (rx_packets of the peer) and timed by the wall clock of
# the whole process, start-up included, so a sender that exits early cannot win.
# Also prints salvo's peak RSS for a /16 x 100 ports scan.
#
# usage: bench/engines.sh [PROBES_PER_TARGET]   (default 40: a /16 x 40 = 2.6 M probes)
# Needs: apt-get install zmap masscan bc time, and dpdk-dev for the dpdk section (testpmd).  Every packet stays inside the two namespaces
# this script creates.
set -u
cd "$(dirname "$0")/.."
SALVO=${SALVO:-$PWD/build/salvo}
PER=${1:-40}
N=$((65536 * PER))
S="salvo-bench-$$-s"
K="salvo-bench-$$-k"
GWMAC=02:00:00:00:00:02
cleanup() { ip netns del "$S" 2>/dev/null; ip netns del "$K" 2>/dev/null; rm -f /tmp/salvo-bench.$$.*; }
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
mkdir -p build && gcc -O2 -Wall -Wextra -Werror -o build/bare_tx bench/bare_tx.c || exit 1
BARE_XDP=0
if pkg-config --exists libxdp libbpf && gcc -O2 -Wall -Wextra -Werror -o build/bare_xdp_tx \
	bench/bare_xdp_tx.c $(pkg-config --cflags --libs libxdp libbpf); then
	BARE_XDP=1
fi
ip netns add "$S" && ip netns add "$K" || exit 1
# Two queues each way, so that two sender threads each own one.
ip link add bs0 netns "$S" numtxqueues 2 numrxqueues 2 type veth peer name bk0 netns "$K" \
	numtxqueues 2 numrxqueues 2 || exit 1
ip -n "$S" link set lo up
ip -n "$S" addr add 198.18.0.1/30 dev bs0
ip -n "$S" link set bs0 up
ip -n "$K" link set bk0 up # up, no address: the sink drops every frame
ip -n "$S" route add 198.18.128.0/17 via 198.18.0.2
ip -n "$S" neigh replace 198.18.0.2 lladdr $GWMAC dev bs0 nud permanent
sleep 1

sink_count() { ip netns exec "$K" cat /sys/class/net/bk0/statistics/rx_packets; }

# measure NAME CMD...: runs CMD in the sender namespace; prints seconds, probes at the sink, pps.
declare -A PPS
measure() {
	local name=$1 before after t0 t1 secs
	shift
	before=$(sink_count)
	t0=$(date +%s.%N)
	ip netns exec "$S" "$@" >/dev/null 2>/tmp/salvo-bench.$$.err
	local status=$?
	t1=$(date +%s.%N)
	after=$(sink_count)
	secs=$(echo "$t1 - $t0" | bc -l)
	PPS[$name]=$(echo "($after - $before) / $secs" | bc -l)
	printf '%-34s exit %d  %9d probes at the sink in %6.2f s = %8.0f pps\n' "$name" $status \
		$((after - before)) "$secs" "${PPS[$name]}"
	[ $status = 0 ] || sed 's/^/    /' /tmp/salvo-bench.$$.err | tail -3
}

echo "== $N probes each (198.18.128.0/16-sized block x $PER), one sender thread, into a veth sink"
# af_packet chooses sendmmsg on this veth by itself; its ring (the choice on NICs) beside it.
measure "salvo af_packet" "$SALVO" -q -b /dev/null -r 0 -c 0 -T 1 -G $GWMAC \
	-p 1-"$PER" -o /dev/null 198.18.128.0/17 198.19.0.0/17
measure "salvo af_packet (ring)" "$SALVO" -q -b /dev/null -r 0 -c 0 -T 1 -G $GWMAC \
	--af-packet-tx=ring -p 1-"$PER" -o /dev/null 198.18.128.0/17 198.19.0.0/17
if "$SALVO" --version | grep -q af_xdp; then
	for mode in copy skb; do
		measure "salvo af_xdp ($mode)" "$SALVO" --io-engine=af_xdp --xdp-mode=$mode -q \
			-b /dev/null -r 0 -c 0 -T 1 -G $GWMAC -p 1-"$PER" -o /dev/null \
			198.18.128.0/17 198.19.0.0/17
	done
fi
measure "salvo af_packet -T 2" "$SALVO" -q -b /dev/null -r 0 -c 0 -T 2 -G $GWMAC \
	-p 1-"$PER" -o /dev/null 198.18.128.0/17 198.19.0.0/17
if "$SALVO" --version | grep -q af_xdp; then
	measure "salvo af_xdp (copy) -T 2" "$SALVO" --io-engine=af_xdp --xdp-mode=copy -q \
		-b /dev/null -r 0 -c 0 -T 2 -G $GWMAC -p 1-"$PER" -o /dev/null \
		198.18.128.0/17 198.19.0.0/17
fi
measure "zmap 2.1.1 (-P $PER)" zmap -C /dev/null -b /dev/null -q -r 0 -c 0 -T 1 \
	-G $GWMAC -p 80 -P "$PER" -o /dev/null -i bs0 198.18.128.0/17 198.19.0.0/17
measure "masscan 1.3.2 (ports 1-$PER)" masscan --rate 100000000 --wait 0 \
	--router-mac $GWMAC --adapter-ip 198.18.0.1 -e bs0 -p 1-"$PER" \
	198.18.128.0/17 198.19.0.0/17
measure "bare TPACKET_V2 ring (ceiling)" build/bare_tx ring bs0 "$N"
measure "bare sendmmsg (ceiling)" build/bare_tx mmsg bs0 "$N"
[ $BARE_XDP = 1 ] && measure "bare AF_XDP copy (ceiling)" build/bare_xdp_tx bs0 "$N"
echo
if [ -n "${PPS[salvo af_xdp (copy)]:-}" ]; then
	printf 'af_xdp copy / af_packet = %.2f\n' "$(echo "${PPS[salvo af_xdp (copy)]} / ${PPS[salvo af_packet]}" | bc -l)"
	printf 'af_xdp skb  / af_packet = %.2f\n' "$(echo "${PPS[salvo af_xdp (skb)]} / ${PPS[salvo af_packet]}" | bc -l)"
	[ $BARE_XDP = 1 ] && printf 'af_xdp copy / bare AF_XDP = %.2f\n' \
		"$(echo "${PPS[salvo af_xdp (copy)]} / ${PPS[bare AF_XDP copy (ceiling)]}" | bc -l)"
fi
printf 'af_packet -T 2 / -T 1 = %.2f\n' "$(echo "${PPS[salvo af_packet -T 2]} / ${PPS[salvo af_packet]}" | bc -l)"
[ -n "${PPS[salvo af_xdp (copy) -T 2]:-}" ] && printf 'af_xdp copy -T 2 / -T 1 = %.2f\n' \
	"$(echo "${PPS[salvo af_xdp (copy) -T 2]} / ${PPS[salvo af_xdp (copy)]}" | bc -l)"
printf 'af_packet / bare sendmmsg = %.2f (the faster bare API here)\n' "$(echo "${PPS[salvo af_packet]} / ${PPS[bare sendmmsg (ceiling)]}" | bc -l)"
printf 'af_packet ring / bare ring = %.2f\n' "$(echo "${PPS[salvo af_packet (ring)]} / ${PPS[bare TPACKET_V2 ring (ceiling)]}" | bc -l)"
printf 'salvo / zmap    = %.2f\n' "$(echo "${PPS[salvo af_packet]} / ${PPS[zmap 2.1.1 (-P $PER)]}" | bc -l)"
printf 'salvo / masscan = %.2f\n' "$(echo "${PPS[salvo af_packet]} / ${PPS[masscan 1.3.2 (ports 1-$PER)]}" | bc -l)"

# dpdk: through net_af_xdp on the same veth sink (against salvo's own af_xdp above), and into
# net_null (no kernel at all) against dpdk-testpmd's txonly on one core, which writes each
# frame's headers and does nothing else: the software ceiling.  Needs dpdk-dev (testpmd).
DPDK_EAL="--no-huge -m 1024 --no-pci"
if "$SALVO" --list-io-engines | grep -q "^dpdk  *yes"; then
	echo
	echo "== dpdk"
	# Sending only: net_af_xdp's one queue is enough (the sink counts what arrives).
	measure "salvo dpdk net_af_xdp" "$SALVO" --io-engine=dpdk \
		--dpdk-eal-args="--vdev=net_af_xdp0,iface=bs0 $DPDK_EAL" -S 198.18.0.1 -q \
		-b /dev/null -r 0 -c 0 -T 1 -G $GWMAC -p 1-"$PER" -o /dev/null 198.18.128.0/17 \
		198.19.0.0/17
	[ -n "${PPS[salvo af_xdp (copy)]:-}" ] && printf 'dpdk net_af_xdp / af_xdp copy = %.2f\n' \
		"$(echo "${PPS[salvo dpdk net_af_xdp]} / ${PPS[salvo af_xdp (copy)]}" | bc -l)"
	# net_null counts nothing anyone else can see: salvo's own count over its send time (-m),
	# 63 M probes, so that the threads' start (the mempool's first touch) is a small part of it.
	for t in 1 2; do
		ip netns exec "$S" "$SALVO" --io-engine=dpdk \
			--dpdk-eal-args="--vdev=net_null0,no-rx=1 $DPDK_EAL" -S 198.18.0.1 -q \
			-b /dev/null -r 0 -c 0 -T $t -G $GWMAC -p 1-960 -o /dev/null \
			-m /tmp/salvo-bench.$$.meta 198.18.128.0/17 198.19.0.0/17
		PPS[dpdk null T$t]=$(python3 -c 'import json, sys
m = json.load(open(sys.argv[1])); print(m["rates"]["send_pps_avg"])' /tmp/salvo-bench.$$.meta)
		printf '%-34s %9s probes sent in %6.2f s = %8.0f pps\n' "salvo dpdk net_null -T $t" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["sent"])' \
				/tmp/salvo-bench.$$.meta)" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_duration_s"])' \
				/tmp/salvo-bench.$$.meta)" "${PPS[dpdk null T$t]}"
	done
	if command -v dpdk-testpmd >/dev/null; then
		# The per-second rate testpmd prints, its steady seconds (the first is start-up).
		PPS[testpmd]=$(timeout -s INT 6 ip netns exec "$S" dpdk-testpmd $DPDK_EAL \
			--vdev=net_null0,no-rx=1 --file-prefix=salvo-bench-$$ --no-shconf \
			--log-level='*:error' -- --forward-mode=txonly --nb-cores=1 --stats-period=1 \
			--auto-start 2>/dev/null | awk '/Tx-pps:/ && $2 > 0 { print $2 }' | sort -n |
			awk '{ a[++n] = $1 } END { print a[int((n + 1) / 2)] }')
		printf '%-34s %34s = %8.0f pps (median second)\n' "dpdk-testpmd txonly, 1 core" "" \
			"${PPS[testpmd]}"
		printf 'salvo dpdk net_null -T 1 / testpmd = %.3f\n' \
			"$(echo "${PPS[dpdk null T1]} / ${PPS[testpmd]}" | bc -l)"
	fi
	printf 'salvo dpdk net_null -T 2 / -T 1 = %.2f\n' \
		"$(echo "${PPS[dpdk null T2]} / ${PPS[dpdk null T1]}" | bc -l)"
fi

echo
echo "== peak RSS, /16 x 100 ports (6.5 M probes) at 2 Mpps"
/usr/bin/time -f '%M' -o /tmp/salvo-bench.$$.rss ip netns exec "$S" "$SALVO" -q -b /dev/null -r 2M -c 0 \
	-G $GWMAC -p 1-100 -o /dev/null 198.18.128.0/17 198.19.0.0/17
echo "salvo peak RSS: $(cat /tmp/salvo-bench.$$.rss) KiB"
