#!/usr/bin/env bash
# The io-engine dispatch matrix and bad-input errors, run as an unprivileged user in an
# empty network namespace when we are root: every case must be decided at parse time,
# with one line on stderr and nothing on stdout, before any socket could be opened.
set -u
BUILD=${BUILD:-build}
SALVO=${SALVO:-$(cd "$(dirname "$0")/../.." && pwd)/$BUILD/salvo}
pass=0
fail=0

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null; then
	RUN=(unshare --net setpriv --reuid=65534 --regid=65534 --clear-groups)
else
	RUN=()
fi

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
	if [ $ok = 1 ]; then
		echo "PASS: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name: salvo $* -> status $status"
		echo "      stdout: $out"
		echo "      stderr: $err"
		fail=$((fail + 1))
	fi
}

T=198.18.1.0/24
expect "bogus engine" 1 "" "Unknown --io-engine 'bogus' (choose: af_packet, af_xdp, pfring_zc)" \
	--io-engine=bogus -p 80 $T
expect "pfring_zc not built" 1 "" "pfring_zc not built in (make USE_PFRING_ZC=1" \
	--io-engine=pfring_zc -p 80 $T
if "$SALVO" --version | grep -q af_xdp; then
	# Built in: the engine is accepted and the next problem (the blocklist) is reported.
	expect "af_xdp built in" 1 "" "built-in blocklist" --io-engine=af_xdp -p 80 $T
	expect "--xdp-mode bad" 1 "" "--xdp-mode: 'fast'" --io-engine=af_xdp --xdp-mode=fast -p 80 $T
else
	expect "af_xdp not built" 1 "" "af_xdp not built in (needs libxdp; make USE_AF_XDP=1)" \
		--io-engine=af_xdp -p 80 $T
fi
expect "dryrun is not an --io-engine" 1 "" "Unknown --io-engine 'dryrun'" --io-engine=dryrun -p 80 $T
expect "icmp_echoscan takes no ports" 1 "" "--target-ports: 80: icmp_echoscan probes addresses, not ports" \
	-M icmp_echoscan -p 80 $T
expect "--pcap needs --dryrun" 1 "" "--pcap: x.pcap: only with --dryrun" --pcap x.pcap -p 80 $T
expect "--list-output-modules" 0 "^list " "" --list-output-modules
expect "--list-output-fields" 0 "^timestamp +string" "" --list-output-fields
expect "--list-probe-modules" 0 "^tcp_synscan " "" --list-probe-modules
expect "dpdk is named as not built in" 1 "" "dpdk not built in" --io-engine=dpdk -p 80 $T
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
expect "missing list file" 1 "" "--allowlist-file: /nonexistent/list" -p 80 -w /nonexistent/list
expect "directory as list file" 1 "" "--blocklist-file: /" -p 80 -b / $T
expect "unknown field" 1 "" "'nosuch': unknown field" -p 80 -f saddr,nosuch $T
expect "unknown output module" 1 "" "--output-module: 'xml'" -p 80 -O xml $T
expect "unknown probe module" 1 "" "--probe-module: 'bogus'" -p 80 -M bogus $T
expect "shard >= shards" 1 "" "--shard: 2: expected a shard from 0 to 1" --shards 2 --shard 2 -p 80 $T
expect "unknown option" 1 "" "--frobnicate: unknown option" --frobnicate -p 80 $T
expect "reserved target blocked by default" 1 "" "built-in blocklist" -p 80 $T
echo "$pass passed, $fail failed"
[ $fail = 0 ]
