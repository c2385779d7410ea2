#!/usr/bin/env bash
# Output benchmark (run by hand, as root): does every result survive an output that cannot
# keep up?  On the namespace test bed every probe is answered by the target kernel's RST, kept
# with --output-filter 'classification = "rst" && repeat = 0', so the expected count is every
# probe.  Three cases, each engine, and zmap from Debian in the same run:
#   keeps up   salvo ... | wc -l
#   paused     salvo ... | sh -c 'sleep 8; cat' | wc -l
#   disk full  -o on a 1 MiB tmpfs (checkpoint elsewhere); then --resume into a new file: the
#              union of the two, each result once
# Prints results kept / expected, rx drops, wall time, and salvo's peak RSS in the paused case
# (the whole scan's results wait in --output-buffer).  With SALVO_OLD=path (an older build) its
# keeps-up and paused cases run too: the before and after of one run.
#
# usage: bench/output.sh [PORTS]   (default 1600: 256 x 1600 = 409,600 results at 200 kpps)
# zmap 2.1.1 from Debian receives nothing on this test bed (tcpdump sees the RSTs arrive, its
# recv counter stays 0): its rows say what it kept all the same.
# Needs: apt-get install zmap time.  Every packet stays inside the two namespaces this script
# creates.
set -u
cd "$(dirname "$0")/.."
SALVO=${SALVO:-$PWD/build/salvo}
PORTS=${1:-1600}
RATE=200000
EXPECT=$((256 * PORTS))
S="salvo-obench-$$-s"
T="salvo-obench-$$-t"
TMP=$(mktemp -d /tmp/salvo-obench.XXXXXX)
FILTER='classification = "rst" && repeat = 0'
cleanup() {
	umount "$TMP/disk" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	ip netns del "$T" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
# shellcheck source=tests/netns/testbed.sh
source tests/netns/testbed.sh
testbed_create "$S" "$T" 1 || exit 1
# zmap 2.1.1 scans one port a run: a /16 of its own behind the same link.
ip -n "$T" route add local 198.19.0.0/16 dev lo
ip -n "$S" route add 198.19.0.0/16 via 198.18.0.2
mkdir -p "$TMP/disk"
GW=$(testbed_mac "$T" tv0)

# The replies the target sent so far (its RSTs): what a scan can keep at most.
answered() { ip netns exec "$T" cat /sys/class/net/tv0/statistics/tx_packets; }
ANSWERED0=0
mark() { ANSWERED0=$(answered); }

# row NAME KEPT EXPECTED SECONDS DROPS [NOTE]: also the replies the target sent since mark.
row() {
	printf '%-38s %8d / %-8d %6.3f  %5.2f s  rx drops %-3s answered %-7d %s\n' "$1" "$2" \
		"$3" "$(echo "$2 / $3" | bc -l)" "$4" "$5" $(($(answered) - ANSWERED0)) "${6:-}"
}

secs_since() { echo "($(date +%s%N) - $1) / 1000000000" | bc -l; }
drops_of() { sed -n 's/.*rx drops \([0-9]*\).*/\1/p' "$1" | tail -1; }

# salvo_cases NAME SALVO ENGINE_ARGS...
salvo_cases() {
	local name=$1 bin=$2 t0 kept
	shift 2
	local args=("$@" -b /dev/null -p 1-"$PORTS" -c 2 -r $RATE --output-filter "$FILTER")
	mark
	t0=$(date +%s%N)
	kept=$(ip netns exec "$S" "$bin" "${args[@]}" 198.18.1.0/24 2>"$TMP/err" |
		tail -n +2 | wc -l)
	row "$name, keeps up" "$kept" $EXPECT "$(secs_since "$t0")" "$(drops_of "$TMP/err")"
	[ "$kept" -gt 0 ] || sed 's/^/    /' "$TMP/err" | tail -2
	mark
	t0=$(date +%s%N)
	kept=$(ip netns exec "$S" /usr/bin/time -f 'rss %M' "$bin" "${args[@]}" 198.18.1.0/24 \
		2>"$TMP/err" | sh -c 'sleep 8; cat' | tail -n +2 | wc -l)
	row "$name, reader paused 8 s" "$kept" $EXPECT "$(secs_since "$t0")" \
		"$(drops_of "$TMP/err")" "peak RSS $(sed -n 's/^rss //p' "$TMP/err") KiB"
	[ "$bin" = "$SALVO" ] || return 0
	mount -t tmpfs -o size=1m salvo-bench "$TMP/disk" || return 1
	rm -f "$TMP/cp" "$TMP/cp.seen" "$TMP/rest.csv"
	mark
	t0=$(date +%s%N)
	ip netns exec "$S" "$bin" "${args[@]}" -q --checkpoint-file "$TMP/cp" \
		-o "$TMP/disk/out.csv" 198.18.1.0/24 2>"$TMP/err"
	local status=$? first
	first=$(tail -n +2 "$TMP/disk/out.csv" | wc -l)
	row "$name, 1 MiB disk fills" "$first" $EXPECT "$(secs_since "$t0")" "-" "exit $status"
	sed 's/^/    /' "$TMP/err"
	t0=$(date +%s%N)
	ip netns exec "$S" "$bin" "${args[@]}" -q --checkpoint-file "$TMP/cp" --resume \
		-o "$TMP/rest.csv" 198.18.1.0/24
	kept=$(cat "$TMP/disk/out.csv" "$TMP/rest.csv" | grep -v '^saddr' | sort -u | wc -l)
	row "$name, + --resume to a new file" "$kept" $EXPECT "$(secs_since "$t0")" "-" \
		"($(($(grep -vc '^saddr' "$TMP/rest.csv") + first - kept)) twice)"
	umount "$TMP/disk"
}

echo "== $EXPECT results expected for salvo (256 x $PORTS), 65,536 for zmap (a /16 x 1 port), at $RATE pps"
echo "   case                                       kept / expected  ratio   wall     drops"
salvo_cases "salvo af_packet" "$SALVO"
# The build before, on the same test bed (before dpdk takes the link's address away).
if [ -n "${SALVO_OLD:-}" ]; then
	salvo_cases "before ($SALVO_OLD) af_packet" "$SALVO_OLD"
fi
if "$SALVO" --list-io-engines | grep -q "^af_xdp  *yes"; then
	salvo_cases "salvo af_xdp copy" "$SALVO" --io-engine=af_xdp --xdp-mode=copy
fi
if "$SALVO" --list-io-engines | grep -q "^dpdk  *yes"; then
	ip -n "$S" addr flush dev sv0
	ip -n "$T" neigh del 198.18.0.1 dev tv0
	salvo_cases "salvo dpdk (net_af_xdp)" "$SALVO" --io-engine=dpdk \
		"--dpdk-eal-args=--vdev=net_af_xdp0,iface=sv0 --no-huge -m 512 --no-pci" \
		-S 198.18.0.1 --gateway-ip 198.18.0.2
	ip -n "$S" addr add 198.18.0.1/30 dev sv0
	ip -n "$S" route add 198.18.1.0/24 via 198.18.0.2
	ip -n "$S" route add 198.19.0.0/16 via 198.18.0.2
fi
if command -v zmap >/dev/null; then
	zargs=(-C /dev/null -b /dev/null -i sv0 -S 198.18.0.1 -G "$GW" -p 80 -r $RATE -c 2
		--output-filter "$FILTER" -f saddr,sport 198.19.0.0/16)
	t0=$(date +%s%N)
	mark
	kept=$(ip netns exec "$S" zmap "${zargs[@]}" 2>"$TMP/err" | grep -vc '^saddr')
	row "zmap 2.1.1, keeps up" "$kept" 65536 "$(secs_since "$t0")" \
		"$(sed -n 's/.*drops: \([0-9]*\).*/\1/p' "$TMP/err" | tail -1)"
	t0=$(date +%s%N)
	mark
	kept=$(ip netns exec "$S" zmap "${zargs[@]}" 2>"$TMP/err" | sh -c 'sleep 8; cat' |
		grep -vc '^saddr')
	row "zmap 2.1.1, reader paused 8 s" "$kept" 65536 "$(secs_since "$t0")" \
		"$(sed -n 's/.*drops: \([0-9]*\).*/\1/p' "$TMP/err" | tail -1)"
	mount -t tmpfs -o size=1m salvo-bench "$TMP/disk" || exit 1
	mark
	t0=$(date +%s%N)
	ip netns exec "$S" zmap "${zargs[@]}" -o "$TMP/disk/out.csv" 2>"$TMP/err" >/dev/null
	status=$?
	row "zmap 2.1.1, 1 MiB disk fills" "$(grep -vc '^saddr' "$TMP/disk/out.csv")" 65536 \
		"$(secs_since "$t0")" "-" "exit $status"
	umount "$TMP/disk"
else
	echo "zmap not installed (apt-get install zmap): its rows are left out"
fi
