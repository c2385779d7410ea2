#!/usr/bin/env bash
# The io-engine dispatch matrix and bad-input errors, run as an unprivileged user in an
# empty network namespace when we are root: every case must be decided at parse time,
# with one line on stderr and nothing on stdout, before any socket could be opened.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"

# expect NAME STATUS STDOUT_PATTERN STDERR_PATTERN ARGS...
expect() {
	local name=$1 want=$2 outpat=$3 errpat=$4 status out err
	shift 4
	out=$("${RUN[@]}" "$SALVO" "$@" 2>/tmp/salvo-cli-err.$$)
	status=$?
	err=$(cat /tmp/salvo-cli-err.$$)
	rm -f /tmp/salvo-cli-err.$$
	local ok=1
	[ "$status" = "$want" ] || ok=0
	if [ "$want" = 1 ]; then
		[ -z "$out" ] || ok=0
		[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || ok=0
		[[ $err == salvo:\ * ]] || ok=0
	fi
	[ -z "$outpat" ] || grep -qE -- "$outpat" <<<"$out" || ok=0
	[ -z "$errpat" ] || grep -qF -- "$errpat" <<<"$err" || ok=0
	result "$name" $((1 - ok))
	[ $ok = 1 ] || printf '      salvo %s -> status %s\n      stdout: %s\n      stderr: %s\n' \
		"$*" "$status" "$out" "$err"
}

T=198.18.1.0/24
# Every engine the table has, built or not (salvo --list-io-engines): a new engine is covered
# without this file naming it.
all=$("$SALVO" --list-io-engines | awk '{ printf "%s%s", n++ ? ", " : "", $1 }')
expect "bogus engine" 1 "" "Unknown --io-engine 'bogus' (choose: $all)" --io-engine=bogus -p 80 $T
while read -r name built rest; do
	if [ "$built" = "no:" ]; then
		expect "$name not built" 1 "" "--io-engine: $rest" --io-engine="$name" -p 80 $T
	else
		# Built in: the engine is accepted and the next problem (the blocklist) is reported.
		expect "$name built in" 1 "" "built-in blocklist" --io-engine="$name" -p 80 $T
	fi
done < <("$SALVO" --list-io-engines)
# The dpdk engine's own options: checked at parse time, only with their engine; its port
# needs -S (no route to ask).  A build without it says "not built in" even when its options
# are given, as the orchestrator's adapter gives them.
if "$SALVO" --list-io-engines | grep -q "^dpdk  *yes"; then
	expect "--dpdk-port bad" 1 "" "--dpdk-port: 'x': expected a whole number from 0 to" \
		--io-engine=dpdk --dpdk-port x -p 80 $T
	expect "--dpdk-num-txq 0" 1 "" "--dpdk-num-txq: '0': expected a whole number from 1 to 64" \
		--io-engine=dpdk --dpdk-num-txq 0 -p 80 $T
	expect "--gateway-ip bad" 1 "" "--gateway-ip: '300.1.1.1': expected an IPv4 address" \
		--io-engine=dpdk --gateway-ip 300.1.1.1 -p 80 $T
	expect "dpdk options need dpdk" 1 "" "--dpdk-port: only with --io-engine=dpdk" \
		--dpdk-port 1 -p 80 $T
	expect "dpdk needs -S" 1 "" "--io-engine=dpdk: give -S/--source-ip" \
		--io-engine=dpdk -b /dev/null -p 80 $T
	# Several ports (one scan through each): each named once, each with its -S; PORT=VALUE
	# items name ports of the list; -i is no way to name them.
	expect "--dpdk-port twice" 1 "" "--dpdk-port: 0: given twice" \
		--io-engine=dpdk --dpdk-port 0,0 -p 80 $T
	expect "--gateway-ip of no port" 1 "" \
		"--gateway-ip: '0=198.18.0.2,2=198.18.2.2': 2 is not one of --dpdk-port's ports" \
		--io-engine=dpdk --dpdk-port 0,1 --gateway-ip 0=198.18.0.2,2=198.18.2.2 -p 80 $T
	expect "-S of no port" 1 "" \
		"--source-ip: 2=...: 2 is not one of the interfaces the scan sends through (0, 1)" \
		--io-engine=dpdk --dpdk-port 0,1 -S 2=198.18.0.1 -p 80 $T
	expect "a port without -S" 1 "" "--io-engine=dpdk: give -S/--source-ip for port 1 (or 1=ADDR)" \
		--io-engine=dpdk --dpdk-port 0,1 -S 0=198.18.0.1 -b /dev/null -p 80 $T
	expect "-i with several ports" 1 "" "--interface: --io-engine=dpdk sends through the ports" \
		--io-engine=dpdk --dpdk-port 0,1 -i sv0 -p 80 $T
else
	expect "dpdk options, dpdk not built" 1 "" "dpdk not built in (make USE_DPDK=1" \
		--io-engine=dpdk --dpdk-eal-args=--no-huge --dpdk-port 0 -p 80 $T
fi
# af_packet's TX path: one of three words, and only with af_packet.
expect "--af-packet-tx bad" 1 "" "--af-packet-tx: 'mmap': expected auto, ring or sendmmsg" \
	--af-packet-tx=mmap -p 80 $T
if "$SALVO" --list-io-engines | grep -q "^af_xdp  *yes"; then
	expect "--af-packet-tx needs af_packet" 1 "" \
		"--af-packet-tx: only with --io-engine=af_packet" \
		--io-engine=af_xdp --af-packet-tx=ring -p 80 $T
	expect "--xdp-mode bad" 1 "" "--xdp-mode: 'fast'" --io-engine=af_xdp --xdp-mode=fast -p 80 $T
fi
expect "dryrun is not an --io-engine" 1 "" "Unknown --io-engine 'dryrun'" --io-engine=dryrun -p 80 $T
expect "icmp_echoscan takes no ports" 1 "" "--target-ports: 80: icmp_echoscan probes addresses, not ports" \
	-M icmp_echoscan -p 80 $T
expect "--pcap needs --dryrun" 1 "" "--pcap: x.pcap: only with --dryrun" --pcap x.pcap -p 80 $T
expect "--list-output-modules" 0 "^list " "" --list-output-modules
expect "--list-output-fields" 0 "^timestamp +string" "" --list-output-fields
expect "--list-probe-modules" 0 "^tcp_synscan " "" --list-probe-modules
expect "--dialect bad" 1 "" "--dialect: 'x': expected zmap or anyscan" --dialect=x -p 80 $T
expect "af_packet --help" 0 "usage: salvo" "" --io-engine=af_packet --help
expect "--version lists engines" 0 "io engines: af_packet" "" --version
expect "-V" 0 "^salvo [0-9]" "" -V
expect "no target" 1 "" "no targets" -p 80
expect "no ports" 1 "" "no ports" $T
expect "port 70000" 1 "" "'70000': expected ports from 0 to 65535" -p 70000 $T
expect "range 80-20" 1 "" "'80-20'" -p 80-20 $T
expect "/33" 1 "" "'198.18.1.0/33'" -p 80 198.18.1.0/33
expect "300.1.1.1" 1 "" "'300.1.1.1'" -p 80 300.1.1.1
expect "rate abc" 1 "" "--rate: 'abc'" -p 80 -r abc $T
expect "bad MAC" 1 "" "--gateway-mac: '00:11:22:33:44'" -p 80 -G 00:11:22:33:44 $T
# -S takes ZMap's ranges and lists, of IPv4 addresses, up to salvo's limit of 256.
expect "-S of IPv6" 1 "" "--source-ip: '2001:2::1': '2001:2::1': an IPv6 address (IPv6 sources are --ipv6-source-ip)" \
	-p 80 -S 2001:2::1 $T
expect "-S list with IPv6" 1 "" "'2001:2::1': an IPv6 address" -p 80 -S 198.18.0.1,2001:2::1 $T
expect "-S over the limit" 1 "" "--source-ip: '198.18.0.0-198.18.1.0': more than 256 addresses: salvo sends from 256 at most" \
	-p 80 -S 198.18.0.0-198.18.1.0 $T
expect "-S list over the limit" 1 "" "more than 256 addresses" \
	-p 80 -S 198.18.0.0-198.18.0.200,198.18.2.0-198.18.2.99 $T
expect "-S range backwards" 1 "" "'198.18.0.9-198.18.0.1': the range ends before it starts" \
	-p 80 -S 198.18.0.9-198.18.0.1 $T
expect "-S CIDR" 1 "" "'198.18.0.0/29': expected an IPv4 address or a range" -p 80 -S 198.18.0.0/29 $T
expect "-S empty item" 1 "" "'': expected an IPv4 address or range" -p 80 -S 198.18.0.1,,198.18.0.2 $T
expect "missing list file" 1 "" "--allowlist-file: /nonexistent/list" -p 80 -w /nonexistent/list
expect "directory as list file" 1 "" "--blocklist-file: /" -p 80 -b / $T
expect "unknown field" 1 "" "'nosuch': unknown field" -p 80 -f saddr,nosuch $T
expect "unknown output module" 1 "" "--output-module: 'xml'" -p 80 -O xml $T
expect "unknown probe module" 1 "" "--probe-module: 'bogus'" -p 80 -M bogus $T
expect "shard >= shards" 1 "" "--shard: 2: expected a shard from 0 to 1" --shards 2 --shard 2 -p 80 $T
expect "unknown option" 1 "" "--frobnicate: unknown option" --frobnicate -p 80 $T
expect "reserved target blocked by default" 1 "" "built-in blocklist" -p 80 $T
finish
