# The sandbox network used by the namespace tests and by `make demo`; source it.
#
# testbed_create SCANNER_NS TARGET_NS [QUEUES] builds (veth queues each way: default 2):
#   scanner ns: sv0 198.18.0.1/30, route 198.18.1.0/24 via 198.18.0.2, static neighbour entry
#   target ns:  tv0 198.18.0.2/30, "local 198.18.1.0/24 dev lo": the kernel answers for the
#               whole /24 (SYN-ACK where something listens, RST elsewhere)
# All addresses are in 198.18.0.0/15 (RFC 2544).  IPv6 is off so nothing else is chatty.
# testbed_link SCANNER_NS TARGET_NS SIF TIF SADDR TADDR NET [QUEUES] adds one more such pair:
#   SIF SADDR/30 in the scanner ns with NET routed via TADDR; TIF TADDR/30 answering for NET;
#   QUEUES queues each way (default 2).
# testbed_two_nics SCANNER_NS TARGET_NS [QUEUES] builds a host with a NIC per subnet, set up
# as multi-NIC hosts are (a route table per NIC, chosen by a rule on the source address), and
# no static neighbour entry anywhere: each side learns the other's MAC when it needs it.
#   scanner ns: sv0 198.18.0.1/24, 198.18.1.0/24 via 198.18.0.2 (main table)
#               sv1 198.18.2.1/24, "rule from 198.18.2.1 table 102", table 102: default via
#               198.18.2.2 dev sv1
#   target ns:  tv0 198.18.0.2/24, tv1 198.18.2.2/24, "local 198.18.1.0/24 dev lo": the
#               targets are behind both NICs
# testbed_two_nics_ipv6 SCANNER_NS TARGET_NS adds IPv6 the same way (without a scanner
# namespace, the target's side only):
#   scanner ns: sv0 2001:2::1/64, 2001:2:0:1::/64 via 2001:2::2
#               sv1 2001:2:2::1/64, "rule from 2001:2:2::1 table 102", table 102: default
#               via 2001:2:2::2 dev sv1
#   target ns:  tv0 2001:2::2/64, tv1 2001:2:2::2/64, "local 2001:2:0:1::/64 dev lo"
# testbed_destroy SCANNER_NS TARGET_NS removes both (and with them the veth pair).

testbed_mac() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

testbed_create() {
	local s=$1 t=$2 q=${3:-2}
	ip netns add "$s" || return 1
	ip netns exec "$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$s" link set lo up || return 1
	ip netns add "$t" || return 1
	testbed_link "$s" "$t" sv0 tv0 198.18.0.1 198.18.0.2 198.18.1.0/24 "$q"
}

testbed_link() {
	local s=$1 t=$2 sif=$3 tif=$4 saddr=$5 taddr=$6 net=$7 q=${8:-2}
	ip netns exec "$t" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$t" link set lo up || return 1
	# Two queues each way by default, so that two sender threads can each own a queue (af_xdp).
	ip link add "$sif" netns "$s" numtxqueues "$q" numrxqueues "$q" type veth peer name "$tif" \
		netns "$t" numtxqueues "$q" numrxqueues "$q" || return 1
	ip -n "$s" addr add "$saddr/30" dev "$sif" || return 1
	ip -n "$t" addr add "$taddr/30" dev "$tif" || return 1
	ip -n "$s" link set "$sif" up || return 1
	ip -n "$t" link set "$tif" up || return 1
	ip -n "$t" route add local "$net" dev lo || return 1
	ip -n "$s" route add "$net" via "$taddr" || return 1
	ip -n "$s" neigh replace "$taddr" lladdr "$(testbed_mac "$t" "$tif")" dev "$sif" \
		nud permanent || return 1
	ip -n "$t" neigh replace "$saddr" lladdr "$(testbed_mac "$s" "$sif")" dev "$tif" nud permanent
}

# testbed_ipv6_target T: IPv6 on the target's side of the link: 2001:2::2/64 on tv0, answering
# for all of 2001:2:0:1::/64 (SYN-ACK where something listens, RST elsewhere), no static
# neighbour entry (the scanner's MAC is learned by Neighbor Discovery).
testbed_ipv6_target() {
	local t=$1
	# No duplicate address detection for the target's link-local address either: while it is
	# tentative the kernel sends no Neighbor Solicitation at all (ndisc_send_ns has no source),
	# so a target asked to reply to an unknown neighbour at once would stay silent a second.
	ip netns exec "$t" sysctl -qw net.ipv6.conf.tv0.accept_dad=0 \
		net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.tv0.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 || return 1
	ip -n "$t" -6 addr add 2001:2::2/64 dev tv0 nodad || return 1
	ip -n "$t" -6 route add local 2001:2:0:1::/64 dev lo || return 1
	ip -n "$t" -6 neigh flush dev tv0
}

# testbed_ipv6_scanner S: IPv6 on the scanner's side: 2001:2::1/64 on sv0, 2001:2:0:1::/64
# routed through 2001:2::2, whose MAC the scanner learns by Neighbor Discovery.
testbed_ipv6_scanner() {
	local s=$1
	ip netns exec "$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.sv0.disable_ipv6=0 || return 1
	ip -n "$s" -6 addr add 2001:2::1/64 dev sv0 nodad || return 1
	ip -n "$s" -6 route add 2001:2:0:1::/64 via 2001:2::2 dev sv0 || return 1
	ip -n "$s" -6 neigh flush dev sv0
}

testbed_two_nics() {
	local s=$1 t=$2 q=${3:-2} ns i
	ip netns add "$s" || return 1
	ip netns add "$t" || return 1
	for ns in "$s" "$t"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip -n "$ns" link set lo up || return 1
	done
	for i in 0 1; do
		ip link add "sv$i" netns "$s" numtxqueues "$q" numrxqueues "$q" type veth peer \
			name "tv$i" netns "$t" numtxqueues "$q" numrxqueues "$q" || return 1
	done
	ip -n "$s" addr add 198.18.0.1/24 dev sv0 || return 1
	ip -n "$s" addr add 198.18.2.1/24 dev sv1 || return 1
	ip -n "$t" addr add 198.18.0.2/24 dev tv0 || return 1
	ip -n "$t" addr add 198.18.2.2/24 dev tv1 || return 1
	for i in 0 1; do
		ip -n "$s" link set "sv$i" up || return 1
		ip -n "$t" link set "tv$i" up || return 1
	done
	ip -n "$t" route add local 198.18.1.0/24 dev lo || return 1
	ip -n "$s" route add 198.18.1.0/24 via 198.18.0.2 || return 1
	ip -n "$s" rule add from 198.18.2.1 table 102 || return 1
	ip -n "$s" route add default via 198.18.2.2 dev sv1 table 102
}

testbed_two_nics_ipv6() {
	local s=$1 t=$2 i
	# No duplicate address detection (see testbed_ipv6_target).
	ip netns exec "$t" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 || return 1
	for i in 0 1; do
		ip netns exec "$t" sysctl -qw "net.ipv6.conf.tv$i.accept_dad=0" \
			"net.ipv6.conf.tv$i.disable_ipv6=0" || return 1
	done
	ip -n "$t" -6 addr add 2001:2::2/64 dev tv0 nodad || return 1
	ip -n "$t" -6 addr add 2001:2:2::2/64 dev tv1 nodad || return 1
	ip -n "$t" -6 route add local 2001:2:0:1::/64 dev lo || return 1
	[ -n "$s" ] || return 0
	ip netns exec "$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 || return 1
	for i in 0 1; do
		ip netns exec "$s" sysctl -qw "net.ipv6.conf.sv$i.accept_dad=0" \
			"net.ipv6.conf.sv$i.disable_ipv6=0" || return 1
	done
	ip -n "$s" -6 addr add 2001:2::1/64 dev sv0 nodad || return 1
	ip -n "$s" -6 addr add 2001:2:2::1/64 dev sv1 nodad || return 1
	ip -n "$s" -6 route add 2001:2:0:1::/64 via 2001:2::2 dev sv0 || return 1
	ip -n "$s" -6 rule add from 2001:2:2::1 table 102 || return 1
	ip -n "$s" -6 route add default via 2001:2:2::2 dev sv1 table 102 || return 1
	ip -n "$s" -6 neigh flush dev sv0
	ip -n "$s" -6 neigh flush dev sv1
}

testbed_destroy() {
	ip netns del "$1" 2>/dev/null
	ip netns del "$2" 2>/dev/null
	return 0
}
