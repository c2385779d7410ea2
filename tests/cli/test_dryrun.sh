#!/usr/bin/env bash
# Dry-run coverage tests, in the manner of ZMap's integration tests: probes written to pcap
# with --dryrun, read back by tcpdump (which also checks every IP and TCP checksum), must
# cover every (address, port) exactly -P times, across sender-thread counts and shards.
# Runs unprivileged in an empty network namespace when we are root: a dry run needs neither.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/salvo-dryrun.XXXXXX)
chmod 777 "$TMP"
trap 'rm -rf "$TMP"' EXIT
if ! command -v tcpdump >/dev/null; then
	echo "SKIP: tcpdump missing"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

# coverage NAME PROBES SHARDS SALVO_ARGS...: dry-run each shard, then check the union.
coverage() {
	local name=$1 probes=$2 shards=$3 i
	shift 3
	rm -f "$TMP"/*.pcap
	for ((i = 0; i < shards; i++)); do
		if ! "${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null -r 0 -S 198.18.0.1 -G 02:00:00:00:00:02 \
			--source-mac 02:00:00:00:00:01 -P "$probes" --shards "$shards" --shard $i -e 9 \
			-o "$TMP/shard$i.pcap" "$@" 2>"$TMP/err"; then
			result "$name: salvo failed: $(cat "$TMP/err")" 1
			return
		fi
	done
	for f in "$TMP"/shard*.pcap; do tcpdump -nn -vv -r "$f" 2>/dev/null; done >"$TMP/dump"
	if python3 - "$TMP/dump" "$probes" "$@" <<'PY'; then
import collections, ipaddress, re, sys
dump, probes, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ports = args[args.index("-p") + 1]
want_ports = set()
for part in ports.split(","):
    lo, _, hi = part.partition("-")
    want_ports.update(range(int(lo), int(hi or lo) + 1))
def addresses(t):
    if "-" in t:
        lo, hi = (int(ipaddress.ip_address(x)) for x in t.split("-"))
        return [str(ipaddress.ip_address(i)) for i in range(lo, hi + 1)]
    return [str(a) for a in ipaddress.ip_network(t, strict=False)]
targets = [a for a in args if a[0].isdigit() and "." in a]
want = {(a, p) for t in targets for a in addresses(t) for p in want_ports}
text = open(dump).read()
# With -vv tcpdump prints two lines per packet; the second holds "a.b.c.d.sport > e.f.g.h.dport".
pairs = re.findall(r"198\.18\.0\.1\.\d+ > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[S\], cksum 0x[0-9a-f]+ \(correct\)", text)
count = collections.Counter((a, int(p)) for a, p in pairs)
bad_sums = text.count("bad cksum") + text.count("incorrect")
ok_sums = len(pairs)  # only SYNs whose TCP checksum tcpdump calls correct were counted
all_syns = len(re.findall(r"Flags \[S\]", text))
wrong = {k: v for k, v in count.items() if v != probes}
print("    %d probes for %d pairs; missing %d, extra %d, not x%d %d; tcp sums ok %d, bad %d"
      % (sum(count.values()), len(count), len(want - set(count)), len(set(count) - want),
         probes, len(wrong), ok_sums, bad_sums))
sys.exit(0 if set(count) == want and not wrong and bad_sums == 0 and ok_sums == all_syns else 1)
PY
		result "$name" 0
	else
		result "$name" 1
	fi
}

coverage "one thread, one shard" 1 1 -T 1 -p 80,443 198.18.1.0/24
for t in 1 2 3 4; do
	coverage "$t threads x 3 shards x 2 probes, odd sizes" 2 3 -T $t -p 22,80-81 \
		198.18.1.0/27 198.18.2.7-198.18.2.19
done
coverage "4 shards, one port, a /22" 1 4 -T 2 -p 443 198.18.4.0/22

# Counting only (no file): the generation-speed mode prints its count.
if "${RUN[@]}" "$SALVO" --dryrun -b /dev/null -r 0 -S 198.18.0.1 -p 1-100 198.18.0.0/20 \
	2>"$TMP/err" >/dev/null && grep -q "sent 409600 probes" "$TMP/err"; then
	result "dry run without a file counts every probe" 0
else
	result "dry run without a file: $(tail -1 "$TMP/err")" 1
fi
# pcap_stats FILE: "<packets> <seconds between first and last>"
pcap_stats() {
	tcpdump -nn -tt -r "$1" 2>/dev/null | awk 'NR == 1 { first = $1 } { last = $1; n++ }
		END { printf "%d %.6f\n", n, last - first }'
}

check() {
	if eval "$2"; then
		result "$1" 0
	else
		result "$1 ($3)" 1
	fi
}

DRY=("${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null -S 198.18.0.1 -G 02:00:00:00:00:02)
"${DRY[@]}" -r 0 -p 1-10 -n 100 -o "$TMP/n.pcap" 198.18.1.0/24
read -r n _ <<<"$(pcap_stats "$TMP/n.pcap")"
check "-n 100 sends exactly 100 probes" '[ "$n" = 100 ]' "$n"
"${DRY[@]}" -r 0 -p 1-10 -n 10% -T 3 -o "$TMP/n.pcap" 198.18.1.0/24
read -r n _ <<<"$(pcap_stats "$TMP/n.pcap")"
check "-n 10% of 2560 sends 256 over three threads" '[ "$n" = 256 ]' "$n"
start=$(date +%s.%N)
"${DRY[@]}" -r 200 -p 1-10 -t 1 -o "$TMP/t.pcap" 198.18.1.0/24
took=$(echo "$(date +%s.%N) - $start" | bc -l)
read -r n _ <<<"$(pcap_stats "$TMP/t.pcap")"
check "-t 1 stops sending after a second" \
	'[ "$n" -ge 150 ] && [ "$n" -le 260 ] && [ "$(echo "$took < 3" | bc -l)" = 1 ]' \
	"$n probes in ${took}s"
# 58-byte frames take 60 + 24 = 84 bytes on the wire: 1 Mbit/s is 1488 frames a second.
"${DRY[@]}" -B 1M -p 1-8 -o "$TMP/b.pcap" 198.18.1.0/24
read -r n secs <<<"$(pcap_stats "$TMP/b.pcap")"
pps=$(echo "($n - 1) / $secs" | bc -l)
check "-B 1M paces 58-byte SYNs at 1488 pps (+-3%)" \
	'[ "$(echo "$pps > 1443 && $pps < 1533" | bc -l)" = 1 ]' "$pps pps"
finish
