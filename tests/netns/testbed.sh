# The sandbox network used by the namespace tests and by `make demo`; source it.
#
# testbed_create SCANNER_NS TARGET_NS builds:
#   scanner ns: sv0 198.18.0.1/30, route 198.18.1.0/24 via 198.18.0.2, static neighbour entry
#   target ns:  tv0 198.18.0.2/30, "local 198.18.1.0/24 dev lo": the kernel answers for the
#               whole /24 (SYN-ACK where something listens, RST elsewhere)
# All addresses are in 198.18.0.0/15 (RFC 2544).  IPv6 is off so nothing else is chatty.
# testbed_destroy SCANNER_NS TARGET_NS removes both (and with them the veth pair).

testbed_mac() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

testbed_create() {
	local s=$1 t=$2 ns
	ip netns add "$s" || return 1
	ip netns add "$t" || return 1
	for ns in "$s" "$t"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip -n "$ns" link set lo up || return 1
	done
	# Two queues each way, so that two sender threads can each own a queue (af_xdp).
	ip link add sv0 netns "$s" numtxqueues 2 numrxqueues 2 type veth peer name tv0 netns "$t" \
		numtxqueues 2 numrxqueues 2 || return 1
	ip -n "$s" addr add 198.18.0.1/30 dev sv0 || return 1
	ip -n "$t" addr add 198.18.0.2/30 dev tv0 || return 1
	ip -n "$s" link set sv0 up || return 1
	ip -n "$t" link set tv0 up || return 1
	ip -n "$t" route add local 198.18.1.0/24 dev lo || return 1
	ip -n "$s" route add 198.18.1.0/24 via 198.18.0.2 || return 1
	ip -n "$s" neigh replace 198.18.0.2 lladdr "$(testbed_mac "$t" tv0)" dev sv0 nud permanent ||
		return 1
	ip -n "$t" neigh replace 198.18.0.1 lladdr "$(testbed_mac "$s" sv0)" dev tv0 nud permanent
}

testbed_destroy() {
	ip netns del "$1" 2>/dev/null
	ip netns del "$2" 2>/dev/null
	return 0
}
