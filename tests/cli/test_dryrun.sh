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
	if python3 "$ROOT/tests/netns/helper.py" check-dryrun-coverage "$TMP/dump" "$probes" "$@"; then
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

# Two NICs in one process (-i a,b, each with its own -S and -G, IF=VALUE): every probe once,
# each from one NIC's source to that NIC's next hop (the Ethernet and IP headers agree), its
# checksums right, and the NICs share the probes as their threads do (-T 3: 2 for a, 1 for b).
if "${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null -r 0 -i nica,nicb -S nica=198.18.0.1 \
	-S nicb=198.18.2.1-198.18.2.2 -G nica=02:00:00:00:00:0a -G nicb=02:00:00:00:00:0b \
	--source-mac 02:00:00:00:00:01 -T 3 -e 5 -p 80,443 -o "$TMP/nics.pcap" 198.18.1.0/24 \
	2>"$TMP/err" && tcpdump -nn -e -vv -r "$TMP/nics.pcap" 2>/dev/null >"$TMP/nics.dump" &&
	python3 - "$TMP/nics.dump" <<'PY'
import collections, re, sys
text = open(sys.argv[1]).read()
pkts = re.findall(r"> (\S+), ethertype IPv4.*\n\s+(\S+)\.\d+ > (\S+)\.(\d+): .*cksum \S+ \((\w+)\)", text)
mac_of = {"198.18.0.1": "02:00:00:00:00:0a", "198.18.2.1": "02:00:00:00:00:0b",
          "198.18.2.2": "02:00:00:00:00:0b"}
pairs = collections.Counter((d, p) for _, _, d, p, _ in pkts)
by_src = collections.Counter(s for _, s, _, _, _ in pkts)
ok = (len(pkts) == 512 and len(pairs) == 512 and all(c == "correct" for *_, c in pkts) and
      all(mac_of.get(s) == m for m, s, *_ in pkts) and
      340 <= by_src["198.18.0.1"] <= 342 and
      by_src["198.18.2.1"] > 0 and by_src["198.18.2.2"] > 0)
print("    %d probes, %d pairs, by source %s" % (len(pkts), len(pairs), dict(by_src)))
sys.exit(0 if ok else 1)
PY
then
	result "two NICs in a dry run: each probe once, from its NIC's source to its next hop" 0
else
	result "two NICs in a dry run: each probe once, from its NIC's source to its next hop" 1
	cat "$TMP/err"
fi

# Counting only (no file): the generation-speed mode prints its count.
if "${RUN[@]}" "$SALVO" --dryrun -b /dev/null -r 0 -S 198.18.0.1 -p 1-100 198.18.0.0/20 \
	2>"$TMP/err" >/dev/null && grep -q "sent 409600 probes" "$TMP/err" &&
	! grep -q "fewer queues" "$TMP/err"; then
	# (A dry run receives nothing: it has no receive threads to be short of.)
	result "dry run without a file counts every probe, and says nothing of queues" 0
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

DRY_LOUD=("${RUN[@]}" "$SALVO" --dryrun -b /dev/null -S 198.18.0.1 -G 02:00:00:00:00:02)
DRY=("${DRY_LOUD[@]}" -q)
"${DRY[@]}" -r 0 -p 1-10 -n 100 -o "$TMP/n.pcap" 198.18.1.0/24
read -r n _ <<<"$(pcap_stats "$TMP/n.pcap")"
check "-n 100 sends exactly 100 probes" '[ "$n" = 100 ]' "$n"
# -n P% is ZMap's: P percent of 2^32 addresses times the ports, truncated.
"${DRY[@]}" -r 0 -p 1-10 -n 0.0001% -T 3 -o "$TMP/n.pcap" 198.18.0.0/16
read -r n _ <<<"$(pcap_stats "$TMP/n.pcap")"
check "-n 0.0001% of 2^32 x 10 ports sends 42949 over three threads" '[ "$n" = 42949 ]' "$n"
"${DRY[@]}" -r 0 -p 80 -n 10% -o "$TMP/n.pcap" 198.18.1.0/24
read -r n _ <<<"$(pcap_stats "$TMP/n.pcap")"
check "-n 10% of the address space covers a whole /24" '[ "$n" = 256 ]' "$n"
# -n N is for the whole scan: shards share it out, the first N mod shards one more.
total=0
for i in 0 1 2; do
	"${DRY[@]}" -r 0 -p 80,443 -n 100 --shards 3 --shard $i -T 2 -o "$TMP/n$i.pcap" \
		198.18.1.0/24
	read -r n _ <<<"$(pcap_stats "$TMP/n$i.pcap")"
	total=$((total + n))
	eval "n$i=$n"
done
check "-n 100 over 3 shards sends 34, 33, 33" '[ "$n0 $n1 $n2" = "34 33 33" ]' "$n0 $n1 $n2"
# -t is a time, the thing under test, and the monitor checks it once a second, later on a loaded
# machine: at 200 pps a second is 200 probes; up to 350 (1.75 s) and 6 s in all are allowed,
# where the whole scan would take 2560 probes and 12.8 s.
start=$(date +%s.%N)
"${DRY[@]}" -r 200 -p 1-10 -t 1 -o "$TMP/t.pcap" 198.18.1.0/24
took=$(echo "$(date +%s.%N) - $start" | bc -l)
read -r n _ <<<"$(pcap_stats "$TMP/t.pcap")"
check "-t 1 stops sending after a second" \
	'[ "$n" -ge 150 ] && [ "$n" -le 350 ] && [ "$(echo "$took < 6" | bc -l)" = 1 ]' \
	"$n probes in ${took}s"
# 58-byte frames take 60 + 24 = 84 bytes on the wire: 1 Mbit/s is 1488 frames a second.  The
# rate -B sets is exact, said in salvo's first line; the pacing, from the pcap's times, gets
# +-10 % (140 ms over the 1.4 s run) for a loaded machine.
"${DRY_LOUD[@]}" -B 1M -p 1-8 -o "$TMP/b.pcap" 198.18.1.0/24 2>"$TMP/err"
set_rate=$(sed -n 's/^salvo: scanning .*; rate \([0-9]*\) pps;.*/\1/p' "$TMP/err")
check "-B 1M makes the rate of 58-byte SYNs 1488 pps" '[ "$set_rate" = 1488 ]' \
	"rate ${set_rate:-not said} pps"
read -r n secs <<<"$(pcap_stats "$TMP/b.pcap")"
pps=$(echo "($n - 1) / $secs" | bc -l)
check "-B 1M paces them at 1488 pps (+-10%)" \
	'[ "$(echo "$pps > 1339 && $pps < 1637" | bc -l)" = 1 ]' "$pps pps"
# No target: ZMap's dry run of the whole space less its blocklist (here the built-in one: no
# -b).  2000 probes, every destination outside the reserved ranges, and the scan's size said.
# A real scan with no target still refuses, and sends nothing.
"${RUN[@]}" "$SALVO" --dryrun -r 0 -S 198.18.0.1 -G 02:00:00:00:00:02 -p 80 -n 2000 \
	-o "$TMP/all.pcap" 2>"$TMP/err"
read -r n _ <<<"$(pcap_stats "$TMP/all.pcap")"
blocked=$(tcpdump -nn -r "$TMP/all.pcap" 2>/dev/null | awk '{ print $5 }' | sed 's/\.[0-9]*:$//' |
	python3 -c 'import ipaddress, sys
nets = [ipaddress.ip_network(n) for n in ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
        "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15",
        "224.0.0.0/4", "240.0.0.0/4")]
print(sum(any(ipaddress.ip_address(a.strip()) in n for n in nets) for a in sys.stdin))')
check "--dryrun with no target probes the whole space less the blocklist" \
	'[ "$n" = 2000 ] && [ "$blocked" = 0 ] && grep -q "scanning 3702258432 addresses" "$TMP/err"' \
	"$n probes, $blocked in blocked ranges: $(head -1 "$TMP/err")"
"${RUN[@]}" "$SALVO" -b /dev/null -S 198.18.0.1 -G 02:00:00:00:00:02 -p 80 -n 10 2>"$TMP/err"
status=$?
check "a scan with no target (no --dryrun) is still refused" \
	'[ $status = 1 ] && grep -q "^salvo: no targets" "$TMP/err"' "exit $status: $(cat "$TMP/err")"
# Module arguments are syntax: a malformed payload is the error even where the built-in
# blocklist would refuse every target too.
"${RUN[@]}" "$SALVO" -M udp --probe-args=hex:zz -p 53 198.18.1.0/24 2>"$TMP/err"
status=$?
check "a malformed --probe-args is the error before the blocklist" \
	'[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "probe-args.*zz" "$TMP/err"' \
	"exit $status: $(cat "$TMP/err")"
# ZMap's output options: --no-header-row leaves the csv header out (a dry run writes the
# header and no record to a file; on stdout, none); --notes goes into the metadata;
# --disable-syslog is accepted.  (--pcap, so that stdout holds only what the output writes.)
"${DRY[@]}" -p 80 -n 3 --pcap "$TMP/h.pcap" -o "$TMP/with.csv" 198.18.1.0/24 >"$TMP/stdout"
"${DRY[@]}" --no-header-row --disable-syslog --notes 'week 48, "eu" run' -m "$TMP/m.json" \
	-p 80 -n 3 --pcap "$TMP/h.pcap" -o "$TMP/without.csv" 198.18.1.0/24 2>/dev/null
notes=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["config"]["notes"])' \
	"$TMP/m.json" 2>&1)
check "--no-header-row drops the csv header" \
	'[ "$(cat "$TMP/with.csv")" = saddr ] && [ ! -s "$TMP/without.csv" ]' \
	"with: $(head -c 40 "$TMP/with.csv"), without: $(head -c 40 "$TMP/without.csv")"
check "a dry run puts no csv header on stdout" '[ ! -s "$TMP/stdout" ]' "$(head -c 40 "$TMP/stdout")"
check "--notes is in the metadata as given" '[ "$notes" = "week 48, \"eu\" run" ]' "$notes"
# -I, ZMap's list of single addresses: 3 shards of a dry run over 700 scattered addresses
# (some twice, comments, blanks) together probe each listed address once and no other; -n
# takes exactly that many of the list; a block in the file is one error line.
python3 -c 'import random
r = random.Random(15)
a = ["198.%d.%d.%d" % (r.choice((18, 19)), r.randrange(256), r.randrange(256)) for _ in range(700)]
print("# targets"); print("\n".join(a + a[:50])); print(""); print(a[0] + "  # again")' >"$TMP/ips.txt"
for i in 0 1 2; do
	"${DRY[@]}" -r 0 -p 443 -I "$TMP/ips.txt" --shards 3 --shard $i -e 5 -o "$TMP/i$i.pcap"
done
for i in 0 1 2; do tcpdump -nn -r "$TMP/i$i.pcap" 2>/dev/null; done | awk '{ print $5 }' |
	sed 's/\.443:$//' | sort >"$TMP/i.sent"
grep -v '^#' "$TMP/ips.txt" | sed 's/ *#.*//' | grep . | sort -u >"$TMP/i.want"
check "-I: 3 shards probe each listed address exactly once" \
	'[ "$(wc -l <"$TMP/i.sent")" = "$(wc -l <"$TMP/i.want")" ] && diff -q "$TMP/i.sent" "$TMP/i.want" >/dev/null' \
	"$(wc -l <"$TMP/i.sent") probes for $(wc -l <"$TMP/i.want") addresses"
"${DRY[@]}" -r 0 -p 443 -I "$TMP/ips.txt" -n 100 -o "$TMP/in.pcap"
read -r n _ <<<"$(pcap_stats "$TMP/in.pcap")"
bad=$(tcpdump -nn -r "$TMP/in.pcap" 2>/dev/null | awk '{ print $5 }' | sed 's/\.443:$//' | sort |
	comm -23 - "$TMP/i.want" | wc -l)
check "-I with -n 100: 100 of the listed addresses" '[ "$n" = 100 ] && [ "$bad" = 0 ]' \
	"$n probes, $bad not listed"
echo 198.18.7.0/24 >>"$TMP/ips.txt"
"${DRY[@]}" -p 443 -I "$TMP/ips.txt" 2>"$TMP/err" >/dev/null
status=$?
check "-I: a block in the list is one error naming the line" \
	'[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q ":754: 198.18.7.0/24: expected one address a line" "$TMP/err"' \
	"exit $status: $(cat "$TMP/err")"
# --probe-ttl: every probe of each module carries it; 255 without it, as ZMap.
ttls=""
for m in tcp_synscan udp; do
	"${DRY[@]}" -r 0 -M $m -p 53 -n 20 --probe-ttl 7 -o "$TMP/ttl.pcap" 198.18.1.0/24
	ttls+=" $m:$(tcpdump -nn -v -r "$TMP/ttl.pcap" 2>/dev/null | grep -o 'ttl [0-9]*' | sort | uniq -c | tr -s ' ')"
done
"${DRY[@]}" -r 0 -p 53 -n 20 -o "$TMP/ttl.pcap" 198.18.1.0/24
ttls+=" default:$(tcpdump -nn -v -r "$TMP/ttl.pcap" 2>/dev/null | grep -o 'ttl [0-9]*' | sort | uniq -c | tr -s ' ')"
check "--probe-ttl sets every probe's TTL" \
	'[ "$ttls" = " tcp_synscan: 20 ttl 7 udp: 20 ttl 7 default: 20 ttl 255" ]' "$ttls"
# --user-metadata: JSON carried into the metadata as given; anything else one error line.
"${DRY[@]}" -p 80 -n 1 -m "$TMP/um.json" --user-metadata '{"team": "eu", "runs": [1, 2.5e3, null]}' \
	198.18.1.0/24 >/dev/null 2>&1
um=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]["user_metadata"], sort_keys=True))' \
	"$TMP/um.json" 2>&1)
"${DRY[@]}" -p 80 -n 1 --user-metadata '{"team": eu}' 198.18.1.0/24 >/dev/null 2>"$TMP/err"
status=$?
check "--user-metadata goes into the metadata; bad JSON is one error" \
	'[ "$um" = "{\"runs\": [1, 2500.0, null], \"team\": \"eu\"}" ] && [ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ]' \
	"$um; exit $status: $(cat "$TMP/err")"
# The validation PRF is said in the metadata: AES-128 where the CPU has AES-NI (x86-64, the
# aes flag in /proc/cpuinfo), SipHash-2-4 elsewhere.
prf=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["config"]["validation_prf"])' \
	"$TMP/um.json" 2>&1)
want=siphash-2-4
[ "$(uname -m)" = x86_64 ] && grep -qw aes /proc/cpuinfo && want=aes-128
check "the metadata names the validation PRF, AES-128 where the CPU has AES-NI" \
	'[ "$prf" = "$want" ]' "$prf (want $want)"
# --cores: sender threads (named salvo-send0, -1) pinned in turn to the CPUs listed, as ZMap
# pins its send threads; read from /proc while a slow dry run sends.
last=$(($(nproc) - 1))
"${DRY[@]}" -T 2 --cores "$last" -p 80 -r 200 -n 600 198.18.1.0/24 >/dev/null 2>&1 &
pid=$!
pinned=""
for _ in $(seq 50); do
	pinned=$(for t in /proc/$pid/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "${t##*/}" ] && continue
		echo "$(cat "$t/comm" 2>/dev/null):$(sed -n 's/^Cpus_allowed_list:\t*//p' "$t/status" 2>/dev/null)"
	done | grep '^salvo-send' | sort | tr '\n' ' ')
	[ -n "$pinned" ] && break
	sleep 0.1
done
wait $pid
check "--cores pins the sender threads" \
	'[ "$pinned" = "salvo-send0:$last salvo-send1:$last " ]' "threads: ${pinned:-none seen}"
# Messages at ZMap's levels (-v) and into a log (-l, -L): the start and end lines are news
# (level 3); -v 2 leaves them out; -l moves them to the file; an error that ends the run is
# on stderr whatever the log, and in it too.
LOGD=("${RUN[@]}" "$SALVO" -d -b /dev/null -S 198.18.0.1 -G 02:00:00:00:00:02 -p 80 -n 3 --pcap /dev/null)
"${LOGD[@]}" 198.18.1.0/24 2>"$TMP/v3"
"${LOGD[@]}" -v 2 198.18.1.0/24 2>"$TMP/v2"
"${LOGD[@]}" -l "$TMP/run.log" 198.18.1.0/24 2>"$TMP/l.err"
mkdir -p "$TMP/logs" && chmod 777 "$TMP/logs"
"${LOGD[@]}" -L "$TMP/logs" 198.18.1.0/24 2>"$TMP/L.err"
"${LOGD[@]}" -l "$TMP/fail.log" --resume --checkpoint-file "$TMP/nosuch.cp" 198.18.1.0/24 \
	2>"$TMP/fail.err"
status=$?
check "-v 2 leaves out the start and end lines; -v 3 (default) has them" \
	'[ "$(grep -c "^salvo: \(scanning\|done in\)" "$TMP/v3")" = 2 ] && [ ! -s "$TMP/v2" ]' \
	"default: $(wc -l <"$TMP/v3") lines, -v 2: $(wc -l <"$TMP/v2")"
check "-l and -L move the messages to a file" \
	'[ ! -s "$TMP/l.err" ] && [ "$(grep -c "^salvo: \(scanning\|done in\)" "$TMP/run.log")" = 2 ] &&
	 [ ! -s "$TMP/L.err" ] && [ "$(cat "$TMP"/logs/salvo-*.log | grep -c "^salvo: done in")" = 1 ]' \
	"stderr $(wc -l <"$TMP/l.err") lines, log: $(cat "$TMP/run.log" 2>&1 | head -c 60); -L: $(ls "$TMP/logs")"
check "an error that ends the run is on stderr with -l too, and in the log" \
	'[ $status = 1 ] && grep -q "^salvo: --resume: .*nosuch.cp" "$TMP/fail.err" &&
	 grep -q "^salvo: --resume: .*nosuch.cp" "$TMP/fail.log"' "exit $status: $(cat "$TMP/fail.err")"
# --dryrun without a file prints each probe as ZMap's dry run does (the layout itself, byte
# for byte, is a unit test): 50 probes of each module, each block in ZMap's format with this
# scan's addresses, ports and MACs, and 54 dashes after each, and nothing else: no csv
# header before the first block (ZMap's has none).
for m in tcp_synscan udp icmp_echoscan; do
	p="-p 443"
	[ $m = icmp_echoscan ] && p=""
	"${RUN[@]}" "$SALVO" -d -q -b /dev/null -S 198.18.0.1 -G 02:00:00:00:00:02 \
		--source-mac 02:00:00:00:00:01 -M $m $p -n 50 -r 0 198.18.1.0/24 >"$TMP/text.$m" 2>&1
done
layout=$(python3 - "$TMP" <<'PY'
import re, sys
l4 = {"tcp_synscan": r"tcp \{ source: \d+ \| dest: 443 \| seq: \d+ \| checksum: (0X[0-9A-F]{2,4}|0000) \}",
      "udp": r"udp \{ source: \d+ \| dest: 443 \| checksum: (0X[0-9A-F]{2,4}|0000) \}",
      "icmp_echoscan": r"icmp \{ type: 8 \| code: 0 \| checksum: (0X[0-9A-F]{2,4}|0000) \| id: \d+ \| seq: \d+ \}"}
ip = r"ip \{ saddr: 198\.18\.0\.1 \| daddr: 198\.18\.1\.\d+ \| checksum: (0X[0-9A-F]{2,4}|0000) \}"
eth = r"eth \{ shost: 02:00:00:00:00:01 \| dhost: 02:00:00:00:00:02 \}"
out = []
for m, first in l4.items():
    lines = open("%s/text.%s" % (sys.argv[1], m)).read().split("\n")
    assert lines[-1] == "", lines[-1]
    body = lines[:-1]
    blocks = [body[i:i + 4] for i in range(0, len(body), 4)]
    good = sum(1 for b in blocks if len(b) == 4 and re.fullmatch(first, b[0]) and
               re.fullmatch(ip, b[1]) and re.fullmatch(eth, b[2]) and b[3] == "-" * 54)
    out.append("%s %d/%d" % (m, good, len(blocks)))
print(" ".join(out))
PY
)
check "--dryrun prints each probe in ZMap's layout" \
	'[ "$layout" = "tcp_synscan 50/50 udp 50/50 icmp_echoscan 50/50" ]' "$layout"

# -X: no Ethernet header goes out, so none is printed, and a pcap of the probes is raw IP.
"${DRY[@]}" -X -p 443 -n 20 -r 0 198.18.1.0/24 >"$TMP/x.txt"
"${DRY[@]}" -X -p 443 -n 20 -r 0 --pcap "$TMP/x.pcap" 198.18.1.0/24 >/dev/null
x_blocks=$(grep -c '^ip { saddr: 198.18.0.1 ' "$TMP/x.txt")
x_eth=$(grep -c '^eth {' "$TMP/x.txt")
x_raw=$(tcpdump -nn -r "$TMP/x.pcap" 2>&1 | grep -c "link-type RAW")
x_syns=$(tcpdump -nn -r "$TMP/x.pcap" 'tcp[tcpflags] == tcp-syn and dst port 443' 2>/dev/null | wc -l)
check "-X prints no eth block and writes raw IP pcap" \
	'[ "$x_blocks $x_eth $x_raw $x_syns" = "20 0 1 20" ]' "$x_blocks $x_eth $x_raw $x_syns"
"${RUN[@]}" "$SALVO" -X --io-engine=af_xdp -p 80 198.18.1.0/24 >/dev/null 2>"$TMP/x.err"
status=$?
check "-X with af_xdp is refused before anything opens" \
	'[ $status = 1 ] && grep -q "^salvo: --iplayer: .*af_xdp" "$TMP/x.err"' "$status $(cat "$TMP/x.err")"

# --fast-dryrun: six bytes a probe, destination address and port in network order, every
# (address, port) of the scan exactly once, and nothing else on stdout (ZMap's stream: no
# header, with one port or several).  tests/cli/test_fastdry_check.sh checks larger spaces.
"${DRY[@]}" --fast-dryrun -p 80,443 -r 0 198.18.1.0/26 >"$TMP/fast.bin"
fast=$(python3 - "$TMP/fast.bin" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
pairs = [(data[i:i + 4], int.from_bytes(data[i + 4:i + 6], "big")) for i in range(0, len(data), 6)]
want = {(bytes([198, 18, 1, h]), p) for h in range(64) for p in (80, 443)}
print(len(data) % 6, len(pairs), int(set(pairs) == want))
PY
)
check "--fast-dryrun writes each probe as its six bytes" '[ "$fast" = "0 128 1" ]' "$fast"
"${DRY[@]}" --fast-dryrun -p 80 -r 0 -T 2 198.18.1.0/28 >"$TMP/fast1.bin"
fast1=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
print(len(d), sorted(d[i + 3] for i in range(0, len(d), 6)) == list(range(16)),
      all(d[i:i + 3] == bytes([198, 18, 1]) and d[i + 4:i + 6] == bytes([0, 80])
          for i in range(0, len(d), 6)))' "$TMP/fast1.bin")
check "--fast-dryrun of one port: 6 bytes a probe from the first byte, as with several" \
	'[ "$fast1" = "96 True True" ]' "$fast1"

# --batch N: at most N probes go to the engine between looks at the rate.  The dry run stamps
# each hand-over with one time, so probes sharing a time stamp are one batch (or, when the
# sender was held up and catches up, a few back to back): at 20,000 a second the default
# hands over 10 at a time, --batch 4 four, 200 us apart.  Reported: the most common group of
# probes sharing a stamp, and whether every group but the last is a whole number of batches.
batches() {
	"${DRY[@]}" -p 80 -r 20000 "$@" --pcap "$TMP/batch.pcap" 198.18.0.0/22 >/dev/null
	tcpdump -tt -nn -r "$TMP/batch.pcap" 2>/dev/null | awk '{ print $1 }' | uniq -c |
		awk -v b="${2:-0}" '{ n[NR] = $1; count[$1]++ }
		END { for (s in count) if (count[s] > best) { best = count[s]; mode = s }
		      whole = 1; if (b) for (i = 1; i < NR; i++) if (n[i] % b) whole = 0
		      print mode, whole }'
}
b_auto=$(batches)
b_4=$(batches --batch 4)
check "--batch 4 hands the engine four probes at a time" \
	'[ "$b_4" = "4 1" ] && [ "${b_auto% *}" -gt 4 ]' "batch 4: $b_4, default: $b_auto"

# ZMap's behaviours its own tests rely on.  The same seed gives the same order, another seed
# another order of the same probes.
seed_run() { "${DRY[@]}" --fast-dryrun -T 1 -p 80,443 -e "$1" 198.18.1.0/24; }
s1=$(seed_run 42 | md5sum)
s2=$(seed_run 42 | md5sum)
s3=$(seed_run 43 | md5sum)
sort1=$(seed_run 42 | xxd -p -c 6 | sort | md5sum)
sort3=$(seed_run 43 | xxd -p -c 6 | sort | md5sum)
check "same seed, same order; another seed, another order of the same probes" \
	'[ "$s1" = "$s2" ] && [ "$s1" != "$s3" ] && [ "$sort1" = "$sort3" ]' "$s1 $s2 $s3"
# -s (a port or a range), -S, --source-mac and -G are in every probe; -w and -b choose exactly
# the addresses they say.
printf '198.18.1.0/28\n198.18.2.5-198.18.2.9\n' >"$TMP/allow.txt"
printf '198.18.1.4/30\n198.18.2.7\n' >"$TMP/block.txt"
"${RUN[@]}" "$SALVO" --dryrun -q -r 0 -p 22 -s 4000 -S 198.18.0.9 --source-mac 02:00:00:00:00:0a \
	-G 02:00:00:00:00:0b -w "$TMP/allow.txt" -b "$TMP/block.txt" --pcap "$TMP/fields.pcap" >/dev/null
"${RUN[@]}" "$SALVO" --dryrun -q -r 0 -p 22 -s 5000-5009 -S 198.18.0.9 -b /dev/null \
	--pcap "$TMP/range.pcap" 198.18.1.0/26 >/dev/null
fields=$(python3 - "$TMP/fields.pcap" "$TMP/range.pcap" <<'PY'
import socket, struct, sys
def frames(path):
    data = open(path, "rb").read()
    at = 24
    while at + 16 <= len(data):
        n = struct.unpack("<I", data[at + 8:at + 12])[0]
        yield data[at + 16:at + 16 + n]
        at += 16 + n
f = list(frames(sys.argv[1]))
macs = all(x[0:6] == bytes.fromhex("02000000000b") and x[6:12] == bytes.fromhex("02000000000a")
           for x in f)
src = all(x[26:30] == socket.inet_aton("198.18.0.9") for x in f)
sport = all(x[34:36] == struct.pack("!H", 4000) for x in f)
got = sorted(socket.inet_ntoa(x[30:34]) for x in f)
want = sorted(["198.18.1.%d" % i for i in range(16) if not 4 <= i <= 7] +
              ["198.18.2.%d" % i for i in (5, 6, 8, 9)])
r = list(frames(sys.argv[2]))
in_range = {struct.unpack("!H", x[34:36])[0] for x in r}
print(int(macs), int(src), int(sport), int(got == want), len(r),
      int(in_range <= set(range(5000, 5010)) and len(in_range) > 1))
PY
)
check "-s, -S, --source-mac and -G in every probe; -w and -b choose exactly; -s P-Q spreads" \
	'[ "$fields" = "1 1 1 1 64 1" ]' "$fields"

# -S a range or a list, as ZMap's: every probe's source is one of them, the same for every
# probe to one target (its ports, its -P repeats), each source used, and every IPv4 header
# and TCP, UDP and ICMP checksum right (summed here, apart from salvo), for each kind of
# module; the list form with duplicates and out of order is the same set.
for spec in "198.18.0.10-198.18.0.17" "198.18.0.17,198.18.0.10-198.18.0.13,198.18.0.14-198.18.0.16,198.18.0.12"; do
	rm -f "$TMP"/src-*.pcap
	for m in tcp_synscan udp icmp_echoscan dns; do
		ports=(-p 53,80)
		[ $m = icmp_echoscan ] && ports=()
		"${RUN[@]}" "$SALVO" --dryrun -q -r 0 -b /dev/null -S "$spec" -G 02:00:00:00:00:02 \
			-M $m "${ports[@]}" -P 2 -T 2 --pcap "$TMP/src-$m.pcap" 198.18.1.0/24 >/dev/null
	done
	sources=$(python3 - "$TMP"/src-*.pcap <<'PY'
import collections, socket, struct, sys
def frames(path):
    data = open(path, "rb").read()
    at = 24
    while at + 16 <= len(data):
        n = struct.unpack("<I", data[at + 8:at + 12])[0]
        yield data[at + 16:at + 16 + n]
        at += 16 + n
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s
want = {socket.inet_aton("198.18.0.%d" % i) for i in range(10, 18)}
ok, lines = True, []
for path in sys.argv[1:]:
    src_of, used, n, bad = {}, collections.Counter(), 0, 0
    for f in frames(path):
        ip = f[14:34]
        l4 = f[34:14 + struct.unpack("!H", ip[2:4])[0]]
        pseudo = ip[12:20] + struct.pack("!BBH", 0, ip[9], len(l4))
        good = csum(ip) == 0xFFFF and ip[12:16] in want and \
            (csum(l4) if ip[9] == 1 else csum(pseudo + l4)) == 0xFFFF
        bad += not good
        if src_of.setdefault(ip[16:20], ip[12:16]) != ip[12:16]:
            bad += 1
        used[ip[12:16]] += 1
        n += 1
    ok = ok and bad == 0 and set(used) == want and len(src_of) == 256 and n in (512, 1024)
    lines.append("%s: %d probes, %d targets, %d sources (%d-%d each), %d wrong" % (
        path.rsplit("src-", 1)[1], n, len(src_of), len(used), min(used.values()),
        max(used.values()), bad))
print("; ".join(lines))
sys.exit(0 if ok and len(lines) == 4 else 1)
PY
	)
	status=$?
	check "-S $spec: every source used, one per target, every checksum right" \
		'[ $status = 0 ]' "$sources"
	echo "    $sources"
done

# --ignore-blocklist-errors: a bad line of -w or -b is skipped with a warning naming it (the
# flag may come after the files), where without it the bad line is the error, exit 1.
printf '198.18.1.0/30\nbogus\n198.18.1.8\n' >"$TMP/wl.txt"
printf '198.18.1.1\n10.0.0.0/40\n' >"$TMP/bl.txt"
"${RUN[@]}" "$SALVO" --fast-dryrun -S 198.18.0.1 -p 80 -w "$TMP/wl.txt" \
	-b "$TMP/bl.txt" --ignore-blocklist-errors >"$TMP/ign.bin" 2>"$TMP/ign.err"
status=$?
ign=$(python3 -c 'import sys, socket; d = open(sys.argv[1], "rb").read()
print(" ".join(sorted(socket.inet_ntoa(d[i:i + 4]) for i in range(0, len(d), 6))))' "$TMP/ign.bin")
check "--ignore-blocklist-errors skips bad lines of -w and -b with a warning" \
	'[ $status = 0 ] && [ "$ign" = "198.18.1.0 198.18.1.2 198.18.1.3 198.18.1.8" ] &&
	 grep -q "allowlist-file: .*1 bad line skipped.*:2: bogus" "$TMP/ign.err" &&
	 grep -q "blocklist-file: .*1 bad line skipped.*:2: 10.0.0.0/40" "$TMP/ign.err"' \
	"$status [$ign] $(cat "$TMP/ign.err")"
"${RUN[@]}" "$SALVO" --dryrun -S 198.18.0.1 -p 80 -w "$TMP/wl.txt" -b /dev/null \
	>/dev/null 2>"$TMP/ign.err"
status=$?
check "without it a bad line of -w is the error" \
	'[ $status = 1 ] && grep -q "^salvo: --allowlist-file: .*wl.txt:2: bogus" "$TMP/ign.err"' \
	"$status $(cat "$TMP/ign.err")"
finish
