#!/usr/bin/env bash
# IPv6 benchmark (run by hand, as root): IPv6 SYN probes into a veth sink beside IPv4 ones, per
# engine, in the same run (the same number of probes, one sender thread, counted at the sink,
# wall clock of the whole process); the peak RSS of loading and finishing an IPv6 hitlist; and
# the probe generation rate of a dry run over it.  Every packet stays inside the two namespaces
# this script creates (2001:2::/48 and 198.18.0.0/15); the sink drops every frame.
#
# usage: bench/ipv6.sh [HITLIST_SIZE]   (default 10000000 addresses)
# Needs: apt-get install bc time, and zmap masscan for the comparisons (zmap 2.1.1 scans IPv4
# only, so it gives the IPv4 reference; masscan 1.3.2 scans IPv6 ranges).
set -u
cd "$(dirname "$0")/.."
SALVO=${SALVO:-$PWD/build/salvo}
HITLIST=${1:-10000000}
S="salvo-bench6-$$-s"
K="salvo-bench6-$$-k"
GWMAC=02:00:00:00:00:02
W=$(mktemp -d /tmp/salvo-bench6.XXXXXX)
cleanup() { ip netns del "$S" 2>/dev/null; ip netns del "$K" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
ip netns add "$S" && ip netns add "$K" || exit 1
ip link add bs0 netns "$S" numtxqueues 2 numrxqueues 2 type veth peer name bk0 netns "$K" \
	numtxqueues 2 numrxqueues 2 || exit 1
ip -n "$S" link set lo up
ip -n "$S" addr add 198.18.0.1/30 dev bs0
ip -n "$S" -6 addr add 2001:2::1/64 dev bs0 nodad
ip -n "$S" link set bs0 up
ip -n "$K" link set bk0 up # up, no address: the sink drops every frame
ip -n "$S" route add 198.18.128.0/17 via 198.18.0.2
ip -n "$S" route add 198.19.0.0/17 via 198.18.0.2
ip -n "$S" -6 route add 2001:2:0:1::/64 via 2001:2::2 dev bs0
sleep 1

sink_count() { ip netns exec "$K" cat /sys/class/net/bk0/statistics/rx_packets; }

# measure NAME CMD...: runs CMD in the sender namespace; prints probes at the sink and pps.
declare -A PPS
measure() {
	local name=$1 before after t0 t1 secs status
	shift
	before=$(sink_count)
	t0=$(date +%s.%N)
	ip netns exec "$S" "$@" >/dev/null 2>"$W/err"
	status=$?
	t1=$(date +%s.%N)
	after=$(sink_count)
	secs=$(echo "$t1 - $t0" | bc -l)
	PPS[$name]=$(echo "($after - $before) / $secs" | bc -l)
	printf '%-32s exit %d  %9d probes at the sink in %6.2f s = %8.0f pps\n' "$name" $status \
		$((after - before)) "$secs" "${PPS[$name]}"
	[ $status = 0 ] || sed 's/^/    /' "$W/err" | tail -3
}

COMMON=(-q -b /dev/null -r 0 -c 0 -T 1 -G $GWMAC -p 1-40 -o /dev/null)
echo "== 2,621,440 SYNs each (65,536 addresses x 40 ports), one sender thread, into a veth sink"
ENGINES=(af_packet)
"$SALVO" --list-io-engines | grep -q "^af_xdp  *yes" && ENGINES+=("af_xdp --xdp-mode=copy")
for engine in "${ENGINES[@]}"; do
	read -r -a E <<<"--io-engine=$engine"
	measure "$engine IPv4" "$SALVO" "${E[@]}" "${COMMON[@]}" 198.18.128.0/17 198.19.0.0/17
	measure "$engine IPv6" "$SALVO" "${E[@]}" "${COMMON[@]}" 2001:2:0:1::/112
	printf '%s: IPv6 / IPv4 = %.2f\n' "$engine" \
		"$(echo "${PPS[$engine IPv6]} / ${PPS[$engine IPv4]}" | bc -l)"
done
# dpdk through net_af_xdp on the same veth (sending only: the sink counts what arrives).
if "$SALVO" --list-io-engines | grep -q "^dpdk  *yes"; then
	E=(--io-engine=dpdk --dpdk-eal-args="--vdev=net_af_xdp0,iface=bs0 --no-huge -m 1024 --no-pci")
	measure "dpdk net_af_xdp IPv4" "$SALVO" "${E[@]}" -S 198.18.0.1 "${COMMON[@]}" \
		198.18.128.0/17 198.19.0.0/17
	measure "dpdk net_af_xdp IPv6" "$SALVO" "${E[@]}" --ipv6-source-ip 2001:2::1 \
		"${COMMON[@]}" 2001:2:0:1::/112
	printf 'dpdk net_af_xdp: IPv6 / IPv4 = %.2f\n' \
		"$(echo "${PPS[dpdk net_af_xdp IPv6]} / ${PPS[dpdk net_af_xdp IPv4]}" | bc -l)"
fi
# zmap 2.1.1 scans IPv4 only: its IPv4 figure is the reference the IPv6 ones stand beside.
if command -v zmap >/dev/null; then
	measure "zmap 2.1.1 IPv4" zmap -C /dev/null -b /dev/null -q -r 0 -c 0 -T 1 -G $GWMAC \
		-p 80 -P 40 -o /dev/null -i bs0 198.18.128.0/17 198.19.0.0/17
	printf 'salvo af_packet IPv6 / zmap IPv4 = %.2f\n' \
		"$(echo "${PPS[af_packet IPv6]} / ${PPS[zmap 2.1.1 IPv4]}" | bc -l)"
fi
# masscan scans IPv6 ranges too: the same probes, the same sink.
if command -v masscan >/dev/null; then
	measure "masscan 1.3.2 IPv4" masscan --rate 100000000 --wait 0 --router-mac $GWMAC \
		--adapter-ip 198.18.0.1 -e bs0 -p 1-40 198.18.128.0/17 198.19.0.0/17
	measure "masscan 1.3.2 IPv6" masscan --rate 100000000 --wait 0 --router-mac $GWMAC \
		--adapter-ip 2001:2::1 -e bs0 -p 1-40 2001:2:0:1::/112
	printf 'masscan: IPv6 / IPv4 = %.2f\n' \
		"$(echo "${PPS[masscan 1.3.2 IPv6]} / ${PPS[masscan 1.3.2 IPv4]}" | bc -l)"
	printf 'salvo af_packet IPv6 / masscan IPv6 = %.2f\n' \
		"$(echo "${PPS[af_packet IPv6]} / ${PPS[masscan 1.3.2 IPv6]}" | bc -l)"
fi

echo
echo "== an IPv6 hitlist of $HITLIST addresses (random, in 2001:2::/48)"
python3 - "$W/hitlist" "$HITLIST" <<'EOF'
import random, sys
random.seed(11)
with open(sys.argv[1], "w") as f:
    for _ in range(int(sys.argv[2])):
        f.write("2001:2:%x:%x:%x:%x:%x:%x\n" % tuple(random.getrandbits(16) for _ in range(6)))
EOF
# Loaded and finished, one probe built: the list's cost alone.
/usr/bin/time -f '%e %M' -o "$W/load" "$SALVO" --dryrun -q -b /dev/null -p 443 -n 1 \
	--ipv6-source-ip 2001:2::1 --ipv6-target-file "$W/hitlist" --pcap /dev/null >/dev/null
read -r load_s rss_kib <"$W/load"
printf 'load and finish: %.2f s, peak RSS %d KiB = %.1f bytes an address\n' "$load_s" "$rss_kib" \
	"$(echo "$rss_kib * 1024 / $HITLIST" | bc -l)"
# Every probe built and written to /dev/null as pcap: the generation rate, the load taken out.
/usr/bin/time -f '%e %M' -o "$W/gen" "$SALVO" --dryrun -q -b /dev/null -p 443 -r 0 \
	--ipv6-source-ip 2001:2::1 --ipv6-target-file "$W/hitlist" --pcap /dev/null >/dev/null
read -r gen_s gen_rss <"$W/gen"
printf 'dry run of every probe: %.2f s in all, %.2f s past the load = %.0f probes a second\n' \
	"$gen_s" "$(echo "$gen_s - $load_s" | bc -l)" \
	"$(echo "$HITLIST / ($gen_s - $load_s)" | bc -l)"
