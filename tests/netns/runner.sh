#!/usr/bin/env bash
# Namespace test runner: owns set-up and teardown of the test networks.
#
# Each test gets two fresh namespaces joined by a veth pair:
#   scanner  salvo-<test>-<pid>-s  sv0 198.18.0.1/30, route 198.18.1.0/24 via 198.18.0.2,
#                                   a static neighbour entry for the gateway
#   target   salvo-<test>-<pid>-t  tv0 198.18.0.2/30, "local 198.18.1.0/24 dev lo", so the
#                                   kernel answers for a whole /24 (RST when closed)
# salvo always runs inside the scanner namespace, whose only link is the veth: nothing
# it sends can reach a real interface.  Namespaces are removed on every exit path.
#
# usage: runner.sh TEST_FILE [TEST...]   prints PASS/SKIP/FAIL per test and a count line.
#        SKIP_TESTS="NAME..." leaves those tests of the file out.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build}
SALVO=${SALVO:-$ROOT/$BUILD/salvo}
HELPER=$HERE/helper.py
SKIP_CODE=77

NS_LIST=()
BG_PIDS=()
TMP=""

log() { printf '    %s\n' "$*"; }

# Run a command, echoing it and its exit status.
check_run() {
	local status
	"$@"
	status=$?
	log "\$ $* -> $status"
	return $status
}

skip_if_not_root() { [ "$(id -u)" = 0 ] || { log "needs root"; return $SKIP_CODE; }; }
skip_if_missing() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null || { log "missing $c"; return $SKIP_CODE; }; done
}

cleanup() {
	local p ns
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ns in "${NS_LIST[@]}"; do ip netns del "$ns" 2>/dev/null; done
	BG_PIDS=()
	NS_LIST=()
	# A test's own file systems (a small tmpfs as a full disk) go before its directory.
	[ -n "$TMP" ] && findmnt -rn -o TARGET | grep "^$TMP/" | xargs -r -n1 umount -l
	[ -n "$TMP" ] && rm -rf "$TMP"
	TMP=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# shellcheck source=tests/netns/testbed.sh
source "$HERE/testbed.sh"

# setup_testbed NAME [QUEUES]: sets S, T (namespace names, unique per test and run) and TMP.
# For dpdk: one queue each way (net_af_xdp binds one, and replies the veth put on another
# would pass it by), sv0 without an address (the kernel would answer ARP and reset
# connections for salvo) and no neighbour entry for salvo at the target: it learns salvo's
# MAC from salvo's own ARP reply.
setup_testbed() {
	S="salvo-$1-$$-s"
	T="salvo-$1-$$-t"
	TMP=$(mktemp -d /tmp/salvo-netns.XXXXXX)
	NS_LIST+=("$S" "$T")
	case $ENGINE in
	dpdk:*)
		testbed_create "$S" "$T" 1 || return 1
		ip -n "$S" addr flush dev sv0 || return 1
		ip -n "$T" neigh del 198.18.0.1 dev tv0
		;;
	*) testbed_create "$S" "$T" "${2:-2}" ;;
	esac
}

# setup_two_nics NAME [QUEUES]: the two-NIC test bed (testbed.sh's testbed_two_nics) in
# namespaces named as setup_testbed's; sets S, T and TMP.  For dpdk, as setup_testbed: one
# queue each way and no address on sv0 and sv1 (salvo is 198.18.0.1 and 198.18.2.1 itself).
setup_two_nics() {
	S="salvo-$1-$$-s"
	T="salvo-$1-$$-t"
	TMP=$(mktemp -d /tmp/salvo-netns.XXXXXX)
	NS_LIST+=("$S" "$T")
	case $ENGINE in
	dpdk:*)
		testbed_two_nics "$S" "$T" 1 || return 1
		ip -n "$S" addr flush dev sv0 || return 1
		ip -n "$S" addr flush dev sv1
		;;
	*) testbed_two_nics "$S" "$T" "${2:-2}" ;;
	esac
}

# salvo_on_nic IF ARGS...: salvo with the engine under test inside the scanner namespace of
# setup_two_nics, sending through IF alone: -i IF; for dpdk its virtual device on IF, with the
# NIC's own addresses (-S, --gateway-ip; --ipv6-source-ip, --gateway-ipv6 with NIC_IPV6=1).
salvo_on_nic() {
	local nic=$1 net
	shift
	case $ENGINE in
	dpdk:*)
		net=$([ "$nic" = sv0 ] && echo 0 || echo 2)
		local args=(--io-engine=dpdk -S "198.18.$net.1" --gateway-ip "198.18.$net.2"
			"--dpdk-eal-args=--vdev=net_${ENGINE#dpdk:}0,iface=$nic --no-huge -m 512 --no-pci")
		[ "${NIC_IPV6:-0}" = 1 ] && net=$([ "$nic" = sv0 ] && echo "" || echo 2:) &&
			args+=(--ipv6-source-ip "2001:2:${net}:1" --gateway-ipv6 "2001:2:${net}:2")
		ip netns exec "$S" "$SALVO" "${args[@]}" "$@"
		;;
	*) ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -i "$nic" "$@" ;;
	esac
}

# The services the scan tests open in the target namespace, as address:port.
OPEN_SET="198.18.1.5:80 198.18.1.9:443 198.18.1.200:22 198.18.1.5:8080 198.18.1.77:443"

# start_helper COMMAND ADDR:PORT...: a helper.py server in the target namespace (or in
# $HELPER_NS), once ready.
start_helper() {
	local cmd=$1
	shift
	rm -f "$TMP/$cmd.ready"
	ip netns exec "${HELPER_NS:-$T}" python3 "$HELPER" "$cmd" "$TMP/$cmd.ready" "$@" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do [ -e "$TMP/$cmd.ready" ] && return 0; sleep 0.05; done
	log "$cmd did not start"
	return 1
}

# start_tun_answer ADDR NET ADDR:PORT...: tun0 in the scanner namespace with our ADDR (IPv4 or
# IPv6) as salvo's only route to NET, and tun-answer attached to it, answering each SYN as a
# stack would (SYN-ACK from the open ADDR:PORTs).  stop_tun_answer stops it, and sets TUN_SYNS
# to the number of SYNs it saw (not in a subshell: it waits for the helper).
start_tun_answer() {
	local addr=$1 net=$2 len=32 nodad=
	shift 2
	case $addr in *:*) len=128 nodad=nodad ;; esac
	ip -n "$S" tuntap add mode tun dev tun0 || return 1
	# Thousands of SYNs at 20,000 pps: a queue that outlasts a helper descheduled on a loaded
	# machine (the default 500 frames is 25 ms).
	ip -n "$S" link set tun0 txqueuelen 10000 || return 1
	ip -n "$S" addr add "$addr/$len" dev tun0 $nodad || return 1
	ip -n "$S" link set tun0 up || return 1
	ip -n "$S" route replace "$net" dev tun0 src "$addr" || return 1
	HELPER_NS=$S start_helper tun-answer tun0 "$TMP/tun-syns" "$@" || return 1
	TUN_PID=${BG_PIDS[-1]}
}

stop_tun_answer() {
	kill -TERM "$TUN_PID"
	wait "$TUN_PID"
	TUN_SYNS=$(cat "$TMP/tun-syns")
}

# start_listeners ADDR:PORT...: TCP listeners in the target namespace.
start_listeners() { start_helper listen "$@"; }

# start_udp_listeners ADDR:PORT...: UDP responders ("pong") in the target namespace.
start_udp_listeners() { start_helper udp-listen "$@"; }

# start_dns_server ADDR:PORT...: dns_server.py in the target namespace (IPv4 or IPv6
# addresses), once it is bound; what it answered goes to $TMP/dns.log ("ADDR TYPE NAME" a line).
start_dns_server() {
	rm -f "$TMP/dns.ready"
	: >"$TMP/dns.log"
	ip netns exec "$T" python3 "$HERE/dns_server.py" "$TMP/dns.ready" "$TMP/dns.log" "$@" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do [ -e "$TMP/dns.ready" ] && return 0; sleep 0.05; done
	log "dns_server.py did not start"
	return 1
}

# expect_queries EXPECTED_LINES...: the server answered exactly these queries, once each.
expect_queries() {
	printf '%s\n' "$@" | sort >"$TMP/queries.want"
	sort "$TMP/dns.log" >"$TMP/queries.got"
	expect_same_lines "queries the server answered" "$TMP/queries.want" "$TMP/queries.got"
}

# count_syns OUT [IF]: count the SYNs arriving at the target (on tv0, or IF) per address:port
# from now on; OUT.total holds the number so far, OUT (json) the counts once stop_counting has
# ended the count.
count_syns() {
	start_helper count-syns "${2:-tv0}" "$1" || return 1
	SNIFF_PID=${BG_PIDS[-1]}
}

# stop_counting: end count_syns once the scan is over.  Not a fixed time: it ends once no SYN
# has come for half a second, so what was still on its way is counted too.
stop_counting() {
	kill -TERM "$SNIFF_PID"
	wait "$SNIFF_PID"
}

# await_syns OUT N: wait until count_syns has counted N SYNs (at most 30 s).
await_syns() { python3 "$HELPER" wait-count "$1.total" "$2"; }

# await_target_rx N: wait until tv0, the target's end, has received N frames in all (30 s).
await_target_rx() {
	ip netns exec "$T" python3 "$HELPER" wait-count /sys/class/net/tv0/statistics/rx_packets "$1"
}

# expect_syns COUNTS NETS PORTS TIMES [AGAIN]: the sniffer's counts hold every (address of
# the comma-separated CIDRs NETS, port of PORTS) pair TIMES times, with at most AGAIN SYNs sent
# once more (none three times), and nothing else.
expect_syns() { python3 "$HELPER" expect-syns "$@"; }

# The engine under test, e.g. "af_xdp --xdp-mode=skb", or dpdk:af_packet / dpdk:af_xdp: the
# dpdk engine on DPDK's virtual device of that kind on sv0 (no NIC, no hugepages).  Its port is
# no kernel interface: it needs -S, resolves the gateway itself (--gateway-ip, by ARP) and
# answers ARP for salvo; the test bed is made for that (see setup_testbed; test_ipv6.sh adds
# --ipv6-source-ip and --gateway-ipv6, for Neighbor Discovery the same way).  ENGINE_NAME is
# the engine's own name (what --io-engine and the orchestrator's io_engine take).
ENGINE=${ENGINE:-af_packet}
ENGINE_NAME=${ENGINE%% *}
case $ENGINE in
dpdk:*)
	ENGINE_NAME=dpdk
	DPDK_EAL="--vdev=net_${ENGINE#dpdk:}0,iface=sv0 --no-huge -m 512 --no-pci"
	ENGINE_ARGS=(--io-engine=dpdk "--dpdk-eal-args=$DPDK_EAL" -S 198.18.0.1
		--gateway-ip 198.18.0.2)
	# Two queue pairs where the device can, for -T 2: net_af_packet opens a socket per pair
	# in one fanout group, so frames reach both receive queues and both must be polled.
	if [ "$ENGINE" = dpdk:af_packet ]; then
		DPDK_EAL="--vdev=net_af_packet0,iface=sv0,qpairs=2 --no-huge -m 512 --no-pci"
		ENGINE_ARGS=(--io-engine=dpdk "--dpdk-eal-args=$DPDK_EAL" -S 198.18.0.1
			--gateway-ip 198.18.0.2 --receivers 2)
	fi
	# What the orchestrator's adapter adds for dpdk (anyscan_client.py passes it on).
	export SCANNER_EXTRA_ARGS="--dpdk-eal-args='$DPDK_EAL' -S 198.18.0.1 --gateway-ip 198.18.0.2"
	[ "$ENGINE" = dpdk:af_packet ] && SCANNER_EXTRA_ARGS="$SCANNER_EXTRA_ARGS --receivers 2"
	;;
*) read -r -a ENGINE_ARGS <<<"--io-engine=$ENGINE" ;;
esac

# salvo_in_scanner ARGS...: run salvo with the engine under test inside the scanner namespace
# (for dpdk with its EAL arguments, -S and --gateway-ip; a later -S or -G still wins).
salvo_in_scanner() {
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" "$@"
}

# no_xdp_left: the scanner's interface has no XDP program attached.
no_xdp_left() {
	if ip -n "$S" link show sv0 | grep -q "prog/xdp"; then
		log "an XDP program is still attached to sv0"
		return 1
	fi
}

# expected_rows: the csv rows (saddr,sport) OPEN_SET gives, sorted.
expected_rows() {
	for p in $OPEN_SET; do echo "${p%:*},${p#*:}"; done | sort
}

# sorted_results FILE: the csv rows (header dropped), sorted.
sorted_results() { tail -n +2 "$1" | sort; }

# expect_same_lines NAME EXPECTED_FILE ACTUAL_FILE
expect_same_lines() {
	if diff -u "$2" "$3" >"$TMP/diff"; then
		log "$1: $(wc -l <"$3") lines as expected"
		return 0
	fi
	log "$1 differs:"
	sed 's/^/      /' "$TMP/diff"
	return 1
}

run_tests() {
	local file=$1 pass=0 fail=0 skip=0 t status
	shift
	# shellcheck source=/dev/null
	source "$file"
	local tests=("$@") skipped
	[ ${#tests[@]} -eq 0 ] && tests=($ALL_TESTS)
	# SKIP_TESTS: names left out of this run (run-all.sh runs them under another engine).
	for skipped in ${SKIP_TESTS:-}; do
		for t in "${!tests[@]}"; do [ "${tests[$t]}" = "$skipped" ] && unset "tests[$t]"; done
	done
	for t in "${tests[@]}"; do
		echo "  $t [$ENGINE]"
		local t0=$SECONDS
		# Each test runs in a subshell that cleans up after itself on every exit path.
		( trap cleanup EXIT; trap 'exit 130' INT TERM; "$t" ) 2>&1
		status=$?
		cleanup
		case $status in
		0) echo "PASS: $t [$ENGINE] ($((SECONDS - t0)) s)"; pass=$((pass + 1)) ;;
		$SKIP_CODE) echo "SKIP: $t [$ENGINE]"; skip=$((skip + 1)) ;;
		*) echo "FAIL: $t [$ENGINE] (status $status)"; fail=$((fail + 1)) ;;
		esac
	done
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
}

run_tests "$@"
