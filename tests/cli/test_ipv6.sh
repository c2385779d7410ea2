#!/usr/bin/env bash
# IPv6 targets on the command line, checked through --dryrun (which sends nothing): probes
# written to pcap, read back by tcpdump (which checks every TCP checksum over the IPv6
# pseudo-header), must cover every (address, port) exactly -P times across sender threads,
# shards, mixed families, hitlist files and blocklists; bad IPv6 input is one line, exit 1.
# Runs unprivileged in an empty network namespace when we are root.  Test addresses are in
# 2001:2::/48 (RFC 5180) and 198.18.0.0/15 (RFC 2544).
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/salvo-ipv6.XXXXXX)
chmod 777 "$TMP"
trap 'rm -rf "$TMP"' EXIT
if ! command -v tcpdump >/dev/null; then
	echo "SKIP: tcpdump missing"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
SRC6=--ipv6-source-ip=2001:2::1

# coverage NAME PROBES SHARDS SALVO_ARGS...: dry-run each shard, then check the union.
coverage() {
	local name=$1 probes=$2 shards=$3 i
	shift 3
	rm -f "$TMP"/*.pcap
	for ((i = 0; i < shards; i++)); do
		if ! "${RUN[@]}" "$SALVO" --dryrun -q -r 0 -S 198.18.0.1 "$SRC6" \
			-G 02:00:00:00:00:02 --source-mac 02:00:00:00:00:01 -P "$probes" \
			--shards "$shards" --shard $i -e 11 -o "$TMP/shard$i.pcap" "$@" 2>"$TMP/err"; then
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

for t in 1 3; do
	coverage "IPv6 prefix, -T $t: every pair once, every checksum right" 1 1 -T $t \
		-b /dev/null -p 80,443 2001:2:0:1::/120
done
coverage "IPv6 prefix and range, 3 shards: a partition" 1 3 -T 2 -b /dev/null -p 22,80,443 \
	2001:2:0:1::/121 2001:2:0:7::ff00-2001:2:0:7::ff3f
coverage "IPv6 -P 2: every pair twice" 2 1 -b /dev/null -p 80 2001:2:0:1::/122
coverage "IPv4 and IPv6 in one scan: both sets, each pair once" 1 2 -T 2 -b /dev/null \
	-p 80,8080 198.18.1.0/25 2001:2:0:1::/121 198.18.3.7 2001:2:0:9::1

# A hitlist of 10,000 addresses (some repeated, comments, blank lines) from
# --ipv6-target-file, in three shards: each address probed once.
python3 - "$TMP/hitlist" <<'EOF'
import random, sys
random.seed(6)
addrs = ["2001:2:0:%x::%x:%x" % (random.randrange(1 << 16), random.randrange(1 << 16),
                                 random.randrange(1 << 16)) for _ in range(10000)]
with open(sys.argv[1], "w") as f:
    f.write("# a hitlist\n\n")
    for i, a in enumerate(addrs):
        f.write(a + ("  # again\n" + a if i % 97 == 0 else "") + "\n")
EOF
coverage "--ipv6-target-file hitlist of 10,000, 3 shards: each once" 1 3 -T 2 -b /dev/null -p 443 \
	--ipv6-target-file "$TMP/hitlist"
# -w takes both families; -b takes both, and what it lists is not probed.
printf '198.18.5.0/28\n2001:2:0:5::/124\n' >"$TMP/allow"
printf '198.18.5.3\n2001:2:0:5::4-2001:2:0:5::6\n# comment\n' >"$TMP/block"
coverage "-w and -b with both families" 1 1 -b "$TMP/block" -p 80 -w "$TMP/allow"
# -I, ZMap's list of single addresses, takes IPv6 ones too.
printf '198.18.6.1\n2001:2:0:6::1\n198.18.6.9\n2001:2:0:6::abc\n' >"$TMP/singles"
coverage "-I with both families" 1 1 -b /dev/null -p 80,443 -I "$TMP/singles"

# -n is exact over an IPv6 hitlist, across threads and shards.
n_total=0
for i in 0 1; do
	"${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -G 02:00:00:00:00:02 -T 2 \
		--shards 2 --shard $i -n 777 -p 443 --ipv6-target-file "$TMP/hitlist" \
		-o "$TMP/n$i.pcap" 2>"$TMP/err"
	n_total=$((n_total + $(tcpdump -nn -r "$TMP/n$i.pcap" 2>/dev/null | grep -c 'Flags \[S\]')))
done
result "-n 777 over an IPv6 hitlist in 2 shards: $n_total probes" $([ "$n_total" = 777 ] && echo 0 || echo 1)

# The text layout: a tcp block, then ip6 and eth, per probe.
"${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -G 02:00:00:00:00:02 \
	--source-mac 02:00:00:00:00:01 -p 80 2001:2:0:1::a 2001:2:0:1::b >"$TMP/text" 2>&1
lines=$(grep -c '^ip6 { saddr: 2001:2::1 | daddr: 2001:2:0:1::[ab] | hop_limit: 255 }$' "$TMP/text")
tcps=$(grep -c '^tcp { source: [0-9]* | dest: 80 | seq: [0-9]* | checksum: 0X[0-9A-F]* }$' "$TMP/text")
result "--dryrun text: an ip6 block per IPv6 probe ($lines, $tcps)" \
	$([ "$lines" = 2 ] && [ "$tcps" = 2 ] && echo 0 || echo 1)
# Every module that probes IPv6 (the list is the table's) prints its transport block, ip6 and
# eth per probe; --icmp-prescan's ICMPv6 echo requests too.
# (A module without IPv6 probes must say so; one that probes no ports gets no -p.)
for m in $("$SALVO" --list-probe-modules | awk '{print $1}'); do
	ports=(-p 53)
	"$SALVO" --dryrun -q -b /dev/null "$SRC6" -M "$m" -p 53 2001:2:0:1::a 2>&1 |
		grep -q "probes addresses, not ports" && ports=()
	if ! "${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -G 02:00:00:00:00:02 -M "$m" \
		"${ports[@]}" 2001:2:0:1::a 2001:2:0:1::b >"$TMP/text" 2>"$TMP/err"; then
		grep -q "$m has no IPv6 probe" "$TMP/err"
		st=$?
		result "--dryrun of $m over IPv6 refused: $(cat "$TMP/err")" $st
		continue
	fi
	lines=$(grep -c '^ip6 { saddr: 2001:2::1 | daddr: 2001:2:0:1::[ab] | hop_limit: 255 }$' "$TMP/text")
	blocks=$(grep -c '^[a-z0-9]* { .*checksum: 0X[0-9A-F]*' "$TMP/text")
	result "--dryrun text of $m over IPv6: $lines ip6 blocks, $blocks transport blocks" \
		$([ "$lines" = 2 ] && [ "$blocks" = 2 ] && echo 0 || echo 1)
done
"${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -G 02:00:00:00:00:02 --icmp-prescan \
	-p 80 2001:2:0:1::a >"$TMP/text" 2>&1
grep -q '^icmp6 { type: 128 | code: 0 | checksum: 0X[0-9A-F]* | id: [0-9]* | seq: [0-9]* }$' \
	"$TMP/text"
result "--dryrun --icmp-prescan over IPv6: an ICMPv6 echo request" $?
# -X: bare IPv6 packets, so no eth block in the text and raw IP in the pcap.
"${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -X -p 80 2001:2:0:1::a >"$TMP/text" 2>&1
"${RUN[@]}" "$SALVO" --dryrun -q -b /dev/null "$SRC6" -X -p 80 2001:2:0:1::a \
	-o "$TMP/x.pcap" 2>/dev/null
grep -q '^ip6 { saddr: 2001:2::1 | daddr: 2001:2:0:1::a | hop_limit: 255 }$' "$TMP/text" &&
	! grep -q '^eth ' "$TMP/text" &&
	tcpdump -nn -r "$TMP/x.pcap" 2>/dev/null | grep -q 'IP6 2001:2::1\.[0-9]* > 2001:2:0:1::a\.80: Flags \[S\]'
result "--dryrun -X over IPv6: an ip6 block and no eth; raw IPv6 in the pcap" $?
# --fast-dryrun: 16 bytes of address and 2 of port per IPv6 probe.
"${RUN[@]}" "$SALVO" --fast-dryrun -q -b /dev/null "$SRC6" -p 80,443 2001:2:0:1::/126 \
	>"$TMP/fast" 2>/dev/null
python3 - "$TMP/fast" <<'EOF'
import ipaddress, sys
b = open(sys.argv[1], "rb").read()
got = {(str(ipaddress.IPv6Address(b[i:i + 16])), int.from_bytes(b[i + 16:i + 18], "big"))
       for i in range(0, len(b), 18)}
want = {(str(a), p) for a in ipaddress.ip_network("2001:2:0:1::/126") for p in (80, 443)}
sys.exit(0 if len(b) == 8 * 18 and got == want else 1)
EOF
result "--fast-dryrun: 18 bytes an IPv6 probe, address and port" $?

# The default blocklist holds the IANA IPv6 special-purpose registry: 2001:2::/48 among it.
out=$("${RUN[@]}" "$SALVO" --dryrun -q "$SRC6" -p 80 2001:2:0:1::5 ff02::1 2>&1)
status=$?
result "default blocklist: 2001:2::5 and ff02::1 blocked ($status: $out)" \
	$([ $status = 1 ] && grep -q "no targets left after the built-in blocklist" <<<"$out" &&
		echo 0 || echo 1)

# bad_input NAME PATTERN ARGS...: exit 1, one line on stderr matching PATTERN, nothing out.
bad_input() {
	local name=$1 pattern=$2 out err status
	shift 2
	out=$("${RUN[@]}" "$SALVO" "$@" 2>"$TMP/err")
	status=$?
	err=$(cat "$TMP/err")
	if [ $status = 1 ] && [ -z "$out" ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q -- "$pattern" "$TMP/err"; then
		result "bad input: $name" 0
	else
		result "bad input: $name (exit $status, stderr: $err)" 1
	fi
}
bad_input "a /64 is over the guard" "2001:2::/64: 2^64 addresses, over the guard of 2^32" \
	--dryrun -b /dev/null -p 80 2001:2::/64
bad_input "--target-range over the guard" "2001:2::/96: 2^32 addresses, over the guard of 2^16" \
	--dryrun -b /dev/null -p 80 --target-range 2001:2::/96 --max-v6-prefix-size 65536
bad_input "a hitlist line over the guard" "hitlist6:2: 2001:2:1::/64: 2^64 addresses" \
	--dryrun -b /dev/null -p 80 --ipv6-target-file "$(printf '2001:2::1\n2001:2:1::/64\n' >"$TMP/hitlist6" && echo "$TMP/hitlist6")"
bad_input "malformed address" "2001:2::zz: expected an IPv6 address" \
	--dryrun -b /dev/null -p 80 2001:2::zz
bad_input "prefix length 129" "2001:2::/129: expected a prefix length from 0 to 128" \
	--dryrun -b /dev/null -p 80 2001:2::/129
bad_input "--ipv6-source-ip of the wrong family" "--ipv6-source-ip: '198.18.0.1': expected one IPv6 address" \
	--dryrun -b /dev/null -p 80 --ipv6-source-ip 198.18.0.1 2001:2::1
bad_input "--max-v6-prefix-size 0" "--max-v6-prefix-size: '0': expected a whole number" \
	--dryrun -b /dev/null -p 80 --max-v6-prefix-size 0 2001:2::1
bad_input "a module without IPv6 probes" "bacnet has no IPv6 probe" \
	--dryrun -b /dev/null -M bacnet -p 47808 2001:2::1
printf '2001:2::1\n2001:2::/126\n' >"$TMP/notsingle"
bad_input "an IPv6 prefix in -I" "--list-of-ips-file: .*:2: 2001:2::/126: expected one address a line" \
	--dryrun -b /dev/null -p 80 -I "$TMP/notsingle"
if "$SALVO" --list-io-engines | grep -q "^af_xdp  *yes"; then
	bad_input "af_xdp takes IPv6 targets (no route: an empty namespace)" \
		"no IPv6 route to 2001:2::1" --io-engine=af_xdp -b /dev/null -p 80 2001:2::1
fi
# dpdk's port is no kernel interface: the IPv6 source is given, as -S is for IPv4, and that is
# said before EAL starts; its --gateway-ipv6 is one unicast IPv6 address.
if "$SALVO" --list-io-engines | grep -q "^dpdk  *yes"; then
	bad_input "dpdk needs --ipv6-source-ip" "--io-engine=dpdk: give --ipv6-source-ip: its port is not a kernel interface" \
		--io-engine=dpdk -b /dev/null -p 80 2001:2::1
	bad_input "dpdk, IPv4 and IPv6 targets: -S too" "--io-engine=dpdk: give -S/--source-ip" \
		--io-engine=dpdk -b /dev/null -p 80 --ipv6-source-ip 2001:2::1 2001:2::5 198.18.0.5
	bad_input "--gateway-ipv6 of the wrong family" "--gateway-ipv6: '198.18.0.2': expected a unicast IPv6 address" \
		--io-engine=dpdk -b /dev/null -p 80 --gateway-ipv6 198.18.0.2 2001:2::1
	bad_input "--gateway-ipv6 multicast" "--gateway-ipv6: 'ff02::2': expected a unicast IPv6 address" \
		--io-engine=dpdk -b /dev/null -p 80 --gateway-ipv6 ff02::2 2001:2::1
fi
bad_input "no IPv6 route (an empty namespace)" "no IPv6 route to 2001:2::1: Network is unreachable" \
	-b /dev/null -p 80 2001:2::1
bad_input "an IPv4 line in --ipv6-target-file" "v4only:1: 198.18.0.1: expected an IPv6" \
	--dryrun -b /dev/null -p 80 --ipv6-target-file "$(echo 198.18.0.1 >"$TMP/v4only" && echo "$TMP/v4only")"
finish
