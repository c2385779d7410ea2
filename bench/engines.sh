#!/usr/bin/env bash
# Engine benchmark (run by hand, as root): salvo with each io engine and mode against zmap
# and masscan from Debian and against bare senders, measured in the same run, each sending
# the same number of probes from one sender thread into a veth whose peer is up in an empty
# namespace (frames are dropped at once).
# Every probe is counted at the sink (rx_packets of the peer) and timed by the wall clock of
# the whole process, start-up included, so a sender that exits early cannot win.
# Also prints salvo's peak RSS for a /16 x 100 ports scan.
# Then the per-probe cost where no kernel is in the way: dpdk into net_null (a port that drops
# everything) against dpdk-testpmd's txonly, one and two sender threads, while sending and over
# the wall clock (start-up included), the start-up alone, and --fast-dryrun with -T 1 and -T 2;
# af_xdp against the bare AF_XDP sender in alternating pairs (single runs vary by +-5 %).
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
cleanup() {
	ip netns del "$S" 2>/dev/null
	ip netns del "$K" 2>/dev/null
	rm -f /tmp/salvo-bench.$$.*
	# testpmd with --no-shconf leaves its empty runtime directory behind.
	rmdir /var/run/dpdk/salvo-bench-$$ 2>/dev/null
}
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

# af_xdp against the bare AF_XDP sender again, in alternating pairs: the ratio of each pair.
if [ -n "${PPS[salvo af_xdp (copy)]:-}" ] && [ $BARE_XDP = 1 ]; then
	echo
	echo "== af_xdp copy and the bare AF_XDP sender, three alternating pairs"
	RATIOS=""
	for i in 1 2 3; do
		measure "bare AF_XDP copy ($i)" build/bare_xdp_tx bs0 "$N"
		measure "salvo af_xdp (copy) ($i)" "$SALVO" --io-engine=af_xdp --xdp-mode=copy -q \
			-b /dev/null -r 0 -c 0 -T 1 -G $GWMAC -p 1-"$PER" -o /dev/null \
			198.18.128.0/17 198.19.0.0/17
		RATIOS+="$(echo "${PPS[salvo af_xdp (copy) ($i)]} / ${PPS[bare AF_XDP copy ($i)]}" | bc -l) "
	done
	printf 'af_xdp copy / bare AF_XDP, pairs: %s-> median %.3f\n' \
		"$(printf '%.3f ' $RATIOS)" "$(printf '%s\n' $RATIOS | sort -n | sed -n 2p)"
fi

# dpdk: through net_af_xdp on the same veth sink (against salvo's own af_xdp above), and into
# net_null (no kernel at all) against dpdk-testpmd's txonly on one core, which writes each
# frame's headers and does nothing else: the software ceiling.  Needs dpdk-dev (testpmd).
# salvo sizes EAL's memory itself without hugepages (no -m); testpmd gets its usual 1 GiB.
# DPDK_EAL in the environment replaces salvo's (a build before 63eeb70 had -m 1024 here).
DPDK_EAL=${DPDK_EAL:-"--no-huge --no-pci"}
TESTPMD_EAL="--no-huge -m 1024 --no-pci"
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

	echo
	echo "== the per-probe cost: dpdk into net_null, no kernel in the way"
	# testpmd's rate: the median of its per-second rates after the first (start-up).
	testpmd_pps() {
		timeout -s INT 6 ip netns exec "$S" dpdk-testpmd $TESTPMD_EAL \
			--vdev=net_null0,no-rx=1 --file-prefix=salvo-bench-$$ --no-shconf \
			--log-level='*:error' -- --forward-mode=txonly --nb-cores=1 --stats-period=1 \
			--auto-start 2>/dev/null | awk '/Tx-pps:/ && $2 > 0 { print $2 }' | sort -n |
			awk '{ a[++n] = $1 } END { print a[int((n + 1) / 2)] }'
	}
	# salvo's: 62,914,560 probes, its own count over its send time (-m's send_duration_s) and
	# over the whole process's wall clock, start-up and exit included.
	null_run() {
		local t=$1 name=$2 t0 t1
		t0=$(date +%s.%N)
		ip netns exec "$S" "$SALVO" --io-engine=dpdk \
			--dpdk-eal-args="--vdev=net_null0,no-rx=1 $DPDK_EAL" -S 198.18.0.1 -q \
			-b /dev/null -r 0 -c 0 -T "$t" -G $GWMAC -p 1-960 -o /dev/null \
			-m /tmp/salvo-bench.$$.meta 198.18.128.0/17 198.19.0.0/17
		t1=$(date +%s.%N)
		read -r sent secs < <(python3 -c 'import json, sys
m = json.load(open(sys.argv[1])); print(m["counts"]["sent"], m["send_duration_s"])' \
			/tmp/salvo-bench.$$.meta)
		PPS[$name]=$(echo "$sent / $secs" | bc -l)
		PPS[$name wall]=$(echo "$sent / ($t1 - $t0)" | bc -l)
		printf '%-34s %9s probes: %6.2f s sending = %8.0f pps; %6.2f s wall clock = %8.0f pps\n' \
			"$name" "$sent" "$secs" "${PPS[$name]}" "$(echo "$t1 - $t0" | bc -l)" \
			"${PPS[$name wall]}"
	}
	HAVE_TESTPMD=0
	command -v dpdk-testpmd >/dev/null && HAVE_TESTPMD=1
	# Alternating, three rounds: the machine's speed drifts; each figure is the median.
	for round in 1 2 3; do
		if [ $HAVE_TESTPMD = 1 ]; then
			PPS[testpmd $round]=$(testpmd_pps)
			printf '%-34s %34s = %8.0f pps (median second)\n' \
				"dpdk-testpmd txonly, 1 core ($round)" "" "${PPS[testpmd $round]}"
		fi
		null_run 1 "salvo net_null -T 1 ($round)"
		null_run 2 "salvo net_null -T 2 ($round)"
	done
	med() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
	PPS[dpdk null T1]=$(med "${PPS[salvo net_null -T 1 (1)]}" "${PPS[salvo net_null -T 1 (2)]}" \
		"${PPS[salvo net_null -T 1 (3)]}")
	PPS[dpdk null T1 wall]=$(med "${PPS[salvo net_null -T 1 (1) wall]}" \
		"${PPS[salvo net_null -T 1 (2) wall]}" "${PPS[salvo net_null -T 1 (3) wall]}")
	PPS[dpdk null T2]=$(med "${PPS[salvo net_null -T 2 (1)]}" "${PPS[salvo net_null -T 2 (2)]}" \
		"${PPS[salvo net_null -T 2 (3)]}")
	printf 'medians: salvo -T 1 %.2f Mpps sending, %.2f over the wall clock; -T 2 %.2f Mpps\n' \
		"$(echo "${PPS[dpdk null T1]} / 1000000" | bc -l)" \
		"$(echo "${PPS[dpdk null T1 wall]} / 1000000" | bc -l)" \
		"$(echo "${PPS[dpdk null T2]} / 1000000" | bc -l)"
	if [ $HAVE_TESTPMD = 1 ]; then
		PPS[testpmd]=$(med "${PPS[testpmd 1]}" "${PPS[testpmd 2]}" "${PPS[testpmd 3]}")
		printf 'salvo dpdk net_null -T 1 / testpmd = %.3f while sending (goal 0.5), %.3f over the wall clock (goal 0.4)\n' \
			"$(echo "${PPS[dpdk null T1]} / ${PPS[testpmd]}" | bc -l)" \
			"$(echo "${PPS[dpdk null T1 wall]} / ${PPS[testpmd]}" | bc -l)"
	fi
	printf 'salvo dpdk net_null -T 2 / -T 1 = %.2f (goal 1.9), pairs: %s\n' \
		"$(echo "${PPS[dpdk null T2]} / ${PPS[dpdk null T1]}" | bc -l)" \
		"$(for r in 1 2 3; do printf '%.2f ' "$(echo "${PPS[salvo net_null -T 2 ($r)]} / ${PPS[salvo net_null -T 1 ($r)]}" | bc -l)"; done)"

	# Start-up: a scan of 4 probes, exec to exit (EAL's start and stop, the port, the pool).
	STARTS=""
	for i in 1 2 3 4 5; do
		t0=$(date +%s.%N)
		ip netns exec "$S" "$SALVO" --io-engine=dpdk \
			--dpdk-eal-args="--vdev=net_null0,no-rx=1 $DPDK_EAL" -S 198.18.0.1 -q \
			-b /dev/null -r 0 -c 0 -T 1 -G $GWMAC -p 1 -o /dev/null 198.18.128.0/30
		t1=$(date +%s.%N)
		STARTS+="$(echo "$t1 - $t0" | bc -l) "
	done
	printf 'start-up, a 4-probe scan into net_null, 5 runs: %s-> median %.3f s\n' \
		"$(printf '%.3f ' $STARTS)" "$(printf '%s\n' $STARTS | sort -g | sed -n 3p)"
fi

# --fast-dryrun: ZMap's 6-byte stream of 16,777,216 probes, -T 1 and -T 2, three runs each (the
# median): through a pipe (its reader shares the two cores) and into /dev/null (salvo alone).
echo
echo "== --fast-dryrun, 16,777,216 probes"
for out in pipe null; do
	for t in 1 2; do
		FD=""
		for i in 1 2 3; do
			t0=$(date +%s.%N)
			if [ $out = pipe ]; then
				ip netns exec "$S" "$SALVO" --fast-dryrun -q -b /dev/null -r 0 -T $t \
					-p 1-128 198.18.0.0/15 | cat >/dev/null
			else
				ip netns exec "$S" "$SALVO" --fast-dryrun -q -b /dev/null -r 0 -T $t \
					-p 1-128 198.18.0.0/15 >/dev/null
			fi
			t1=$(date +%s.%N)
			FD+="$(echo "$t1 - $t0" | bc -l) "
		done
		PPS[fastdry $out T$t]=$(printf '%s\n' $FD | sort -g | sed -n 2p)
		printf 'fast-dryrun -T %d, %-4s: %s-> median %.3f s = %.1f Mpps\n' $t $out \
			"$(printf '%.3f ' $FD)" "${PPS[fastdry $out T$t]}" \
			"$(echo "16.777216 / ${PPS[fastdry $out T$t]}" | bc -l)"
	done
	printf 'fast-dryrun -T 2 / -T 1, %s = %.2f\n' $out \
		"$(echo "${PPS[fastdry $out T1]} / ${PPS[fastdry $out T2]}" | bc -l)"
done

echo
echo "== peak RSS, /16 x 100 ports (6.5 M probes) at 2 Mpps"
/usr/bin/time -f '%M' -o /tmp/salvo-bench.$$.rss ip netns exec "$S" "$SALVO" -q -b /dev/null -r 2M -c 0 \
	-G $GWMAC -p 1-100 -o /dev/null 198.18.128.0/17 198.19.0.0/17
echo "salvo peak RSS: $(cat /tmp/salvo-bench.$$.rss) KiB"
