# Namespace tests of IPv6 scans; run by runner.sh once per engine that scans IPv6 (an engine
# without IO_CAP_IPV6 is skipped).  The target namespace answers for a whole /64 ("ip -6 route
# add local 2001:2:0:1::/64 dev lo": SYN-ACK where something listens, RST elsewhere), reached
# from the scanner through 2001:2::2.  Neither side has a static neighbour entry: salvo learns
# the next hop's MAC by Neighbor Discovery, and the target learns salvo's from the scanner
# namespace's kernel, or with dpdk from salvo's own advertisements.  Every address is in
# 2001:2::/48 (RFC 5180) or 198.18.0.0/15 (RFC 2544).

ALL_TESTS="test_ipv6_hitlist_finds_exactly_the_open_set
test_ipv6_and_ipv4_in_one_scan_find_both_sets
test_ipv6_forged_synacks_are_not_reported
test_ipv6_shards_partition_a_hitlist
test_ipv6_udp_finds_the_services_and_counts_port_unreachables_closed
test_ipv6_dns_finds_exactly_the_servers_and_their_answers
test_ipv6_synackscan_every_address_answers_with_a_rst
test_ipv6_icmp6_echoscan_finds_exactly_the_live_list
test_ipv6_icmp_echo_time_gives_the_live_list_with_round_trip_times
test_ipv6_interrupt_and_resume_send_each_probe_once
test_ipv6_icmp_prescan_probes_only_live_addresses
test_ipv6_target_learns_our_mac_from_neighbor_discovery
test_ipv6_gateway_that_never_answers_ndp_is_one_error"
# -X is af_packet's alone (af_xdp and dpdk refuse it at parse time).
case $ENGINE in af_packet*)
	ALL_TESTS="$ALL_TESTS
test_ipv6_iplayer_scans_through_a_tun_device" ;;
esac

OPEN_SET6="2001:2:0:1::5:80 2001:2:0:1::9:443 2001:2:0:1::c8:22 2001:2:0:1::5:8080 2001:2:0:1:abcd::77:443"

# ipv6_testbed NAME: the IPv4 test bed with IPv6 on (testbed.sh's testbed_ipv6_*): 2001:2::1/64
# (scanner) and 2001:2::2/64 (target) on the veth, the target answering for 2001:2:0:1::/64, no
# neighbour entries.
# dpdk: the scanner's side keeps IPv6 off and sv0 without the address (its kernel would answer
# Neighbor Discovery for salvo): salvo is 2001:2::1 itself (--ipv6-source-ip), asks 2001:2::2
# for its MAC (--gateway-ipv6) and answers the target's solicitations.
ipv6_testbed() {
	setup_testbed "$1" || return 1
	testbed_ipv6_target "$T" || return 1
	case $ENGINE in
	dpdk:*)
		ENGINE_ARGS+=(--ipv6-source-ip 2001:2::1 --gateway-ipv6 2001:2::2)
		return 0
		;;
	esac
	testbed_ipv6_scanner "$S"
}

# ipv6_skip_unless_scanned: 77 when the engine under test does not scan IPv6 yet (it says so
# at parse time; an engine that does fails later, on the interface that is not there, or for
# dpdk on the source address not given: no scan starts).
ipv6_skip_unless_scanned() {
	skip_if_not_root || return
	if ip netns exec "$S" "$SALVO" --io-engine="$ENGINE_NAME" -b /dev/null -p 80 \
		-i salvo-none0 2001:2:0:1::1 2>&1 | grep -q "not scanned by this engine"; then
		log "$ENGINE does not scan IPv6 yet"
		return $SKIP_CODE
	fi
}

# ipv6_await_target_neighbour: wait (10 s at most) until the target has a MAC for 2001:2::1.
ipv6_await_target_neighbour() {
	for _ in $(seq 200); do
		ip -n "$T" -6 neigh show 2001:2::1 dev tv0 | grep -q lladdr && return 0
		sleep 0.05
	done
	log "the target never learned a MAC for 2001:2::1"
	return 1
}

# ipv6_hitlist FILE N [ADDR:PORT...]: N addresses of 2001:2:0:1::/64 (those of the open set
# given, default OPEN_SET6, among them, each listed twice), one a line, and a comment.
ipv6_hitlist() {
	local file=$1 n=$2
	shift 2
	[ $# = 0 ] && set -- $OPEN_SET6
	python3 - "$file" "$n" "$@" <<'EOF'
import random, sys
random.seed(16)
path, n, opens = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
addrs = {a.rsplit(":", 1)[0] for a in opens}
while len(addrs) < n:
    addrs.add("2001:2:0:1:%x:%x:%x:%x" % tuple(random.randrange(1 << 16) for _ in range(4)))
with open(path, "w") as f:
    f.write("# test hitlist\n")
    for a in sorted(addrs):
        f.write(a + "\n")
    for a in sorted({a.rsplit(":", 1)[0] for a in opens}):
        f.write(a + "  # listed twice\n")
EOF
}

# ipv6_icmp_unlimited: the target sends every ICMPv6 error a scan draws (the kernel's rate
# limits would drop some, and the test would count them missing).
ipv6_icmp_unlimited() {
	ip netns exec "$T" sysctl -qw net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
		net.ipv4.icmp_msgs_burst=1000000
}

# ipv6_target_answers_for PREFIX...: the target answers for these prefixes only, not the whole
# of 2001:2:0:1::/64; its other addresses are unreachable.
ipv6_target_answers_for() {
	local p
	ip -n "$T" -6 route del local 2001:2:0:1::/64 dev lo || return 1
	for p; do ip -n "$T" -6 route add local "$p" dev lo || return 1; done
}

# repeats_allowed OPEN: how many repeated replies (the metadata's duplicates) a scan finding
# OPEN open ports may count.  Under af_packet the scanner's kernel answers every SYN-ACK with
# an RST: none.  An engine that takes the replies from the kernel (af_xdp) sends no RST, and
# the target retransmits each SYN-ACK (net.ipv4.tcp_synack_retries, 5 by default, also for
# IPv6): at most five repeats per open port.
repeats_allowed() {
	case $ENGINE in af_packet*) echo 0 ;; *) echo $(($1 * 5)) ;; esac
}

# expected_rows6: the csv rows (saddr,sport) OPEN_SET6 gives, RFC 5952 text, sorted.
expected_rows6() {
	for p in $OPEN_SET6; do echo "${p%:*},${p##*:}"; done | sort
}

test_ipv6_hitlist_finds_exactly_the_open_set() {
	ipv6_testbed v6hit || return 1
	ipv6_skip_unless_scanned || return
	start_listeners $OPEN_SET6 || return 1
	ipv6_hitlist "$TMP/hitlist" 10000
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 40000 \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/v6.csv" -m "$TMP/meta.json" || return 1
	expected_rows6 >"$TMP/expected"
	sorted_results "$TMP/v6.csv" >"$TMP/got"
	expect_same_lines "IPv6 open set" "$TMP/expected" "$TMP/got" || return 1
	# The closed ports answered too (RST): the target saw every probe and answered each once,
	# and only open ports' SYN-ACKs came again (see repeats_allowed).
	python3 - "$TMP/meta.json" "$(repeats_allowed 5)" <<'EOF' || return 1
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print("    sent %d, valid replies %d (repeats %d, at most %s), successes %d"
      % (c["sent"], c["valid"], c["duplicates"], sys.argv[2], c["successes"]))
sys.exit(0 if c["sent"] == 40000 and c["successes"] + c["failures"] == 40000 and
         c["successes"] == 5 and c["duplicates"] <= int(sys.argv[2]) else 1)
EOF
}

test_ipv6_and_ipv4_in_one_scan_find_both_sets() {
	ipv6_testbed v6mix || return 1
	ipv6_skip_unless_scanned || return
	start_listeners $OPEN_SET6 $OPEN_SET || return 1
	printf '%s\n' 2001:2:0:1::/120 2001:2:0:1:abcd::77 >"$TMP/mixed"
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-w "$TMP/mixed" 198.18.1.0/24 -o "$TMP/mix.csv" || return 1
	{ expected_rows6; expected_rows; } | sort >"$TMP/expected"
	sorted_results "$TMP/mix.csv" >"$TMP/got"
	expect_same_lines "IPv4 and IPv6 open sets" "$TMP/expected" "$TMP/got"
}

# SYN-ACKs from the target namespace to the scanner's ports that answer no probe: forged
# acknowledgement numbers, and from addresses the scan did not probe.  None is reported.
test_ipv6_forged_synacks_are_not_reported() {
	ipv6_testbed v6forge || return 1
	ipv6_skip_unless_scanned || return
	start_listeners 2001:2:0:1::5:80 || return 1
	salvo_in_scanner -q -b /dev/null -p 80,443 -c 3 -r 200 -o "$TMP/forged.csv" \
		-m "$TMP/meta.json" 2001:2:0:1::/124 &
	local pid=$!
	# The forgeries go once the target knows salvo's MAC (the scanner's kernel, or dpdk,
	# solicited 2001:2::2 with it): dpdk's port takes a while to start, and what the target
	# queued for an unresolved neighbour meanwhile would be cut short.
	ipv6_await_target_neighbour || return 1
	sleep 0.5
	ip netns exec "$T" python3 - <<'EOF'
import random, socket, struct
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
dst = socket.inet_pton(socket.AF_INET6, "2001:2::1")
sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_TCP)
sock.setsockopt(socket.IPPROTO_IPV6, 78, 1)  # IPV6_FREEBIND: send from any address of the /64
random.seed(7)
for i in range(600):
    src_text = "2001:2:0:1::%x" % random.choice([5, 9, 0x77, 0x1234])
    src = socket.inet_pton(socket.AF_INET6, src_text)
    tcp = struct.pack("!HHIIBBHHH", random.choice([80, 443]), random.randrange(32768, 61000),
                      random.getrandbits(32), random.getrandbits(32), 5 << 4, 0x12, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!IxxxB", len(tcp), 6)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.setsockopt(socket.IPPROTO_IPV6, 78, 1)
    s.bind((src_text, 0))
    s.sendto(tcp, ("2001:2::1", 0))
    s.close()
EOF
	wait $pid || { log "salvo failed"; return 1; }
	echo "2001:2:0:1::5,80" >"$TMP/expected"
	sorted_results "$TMP/forged.csv" >"$TMP/got"
	expect_same_lines "only the real open port" "$TMP/expected" "$TMP/got" || return 1
	# The forgeries did reach salvo's receive path (so their refusal is what was tested): it
	# took the 600 and the 32 real replies, and validated only the real ones (and the open
	# port's repeated SYN-ACKs, see repeats_allowed).
	python3 - "$TMP/meta.json" "$(repeats_allowed 1)" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print("    rx frames %d, valid %d (repeats %d, at most %s)"
      % (c["rx_frames"], c["valid"], c["duplicates"], sys.argv[2]))
sys.exit(0 if c["rx_frames"] >= 632 and c["successes"] + c["failures"] == 32 and
         c["duplicates"] <= int(sys.argv[2]) else 1)
EOF
}

test_ipv6_shards_partition_a_hitlist() {
	ipv6_testbed v6shard || return 1
	ipv6_skip_unless_scanned || return
	start_listeners $OPEN_SET6 || return 1
	ipv6_hitlist "$TMP/hitlist" 3000
	for i in 0 1 2; do
		check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 40000 \
			--shards 3 --shard $i -e 5 --ipv6-target-file "$TMP/hitlist" \
			-o "$TMP/shard$i.csv" || return 1
	done
	expected_rows6 >"$TMP/expected"
	for i in 0 1 2; do tail -n +2 "$TMP/shard$i.csv"; done | sort >"$TMP/got"
	expect_same_lines "three shards' union" "$TMP/expected" "$TMP/got"
}

# UDP over IPv6: four services answer; every other (address, port) gets the kernel's ICMPv6
# port unreachable (rate limits lifted), which validates through its quote and counts closed.
test_ipv6_udp_finds_the_services_and_counts_port_unreachables_closed() {
	ipv6_testbed v6udp || return 1
	ipv6_skip_unless_scanned || return
	ipv6_icmp_unlimited || return 1
	local open="2001:2:0:1::5:53 2001:2:0:1::9:123 2001:2:0:1::77:161 2001:2:0:1::5:9999"
	start_udp_listeners $open || return 1
	ipv6_hitlist "$TMP/hitlist" 256 $open
	check_run salvo_in_scanner -q -b /dev/null -M udp -p 53,123,161,9999 -c 1 -r 2000 \
		-f saddr,sport,classification -m "$TMP/meta.json" -o "$TMP/udp.csv" \
		--ipv6-target-file "$TMP/hitlist" || return 1
	for p in $open; do echo "${p%:*},${p##*:},udp"; done | sort >"$TMP/expected"
	sorted_results "$TMP/udp.csv" >"$TMP/got"
	expect_same_lines "UDP services" "$TMP/expected" "$TMP/got" || return 1
	python3 "$HELPER" check-udp-counts "$TMP/meta.json"
}

# dns over IPv6: dns_server.py answers on three addresses of the /64; the rest of a hitlist is
# the kernel's, which answers with ICMPv6 port unreachables (closed, not a success).
test_ipv6_dns_finds_exactly_the_servers_and_their_answers() {
	ipv6_testbed v6dns || return 1
	ipv6_skip_unless_scanned || return
	ipv6_icmp_unlimited || return 1
	local servers="2001:2:0:1::5:53 2001:2:0:1::9:53 2001:2:0:1:abcd::77:53" s queries=()
	# shellcheck disable=SC2086
	start_dns_server $servers || return 1
	ipv6_hitlist "$TMP/hitlist" 500 $servers
	check_run salvo_in_scanner -q -b /dev/null -M dns --probe-args=A,example.test -p 53 -c 1 \
		-r 2000 -f saddr,classification,success,dns_answers -m "$TMP/meta.json" \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/dns.csv" || return 1
	for s in $servers; do
		s=${s%:*}
		echo "$s,dns,1,example.test A 198.18.200.$((16#${s##*:} & 255))"
	done | sort >"$TMP/expected"
	awk -F, 'NR > 1 && $3 == 1' "$TMP/dns.csv" | sort >"$TMP/got"
	expect_same_lines "dns servers and answers" "$TMP/expected" "$TMP/got" || return 1
	for s in $servers; do queries+=("${s%:*} A example.test"); done
	expect_queries "${queries[@]}" || return 1
	python3 - "$TMP/meta.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print("    sent %d, successes %d, failures (port unreachable) %d"
      % (c["sent"], c["successes"], c["failures"]))
sys.exit(0 if c["sent"] == 500 and c["successes"] == 3 and c["failures"] == 497 else 1)
EOF
}

# tcp_synackscan over IPv6: a SYN-ACK belongs to no connection, so the target's kernel answers
# every one with a RST, listening or not: every probe is a success (as in ZMap), none twice.
test_ipv6_synackscan_every_address_answers_with_a_rst() {
	ipv6_testbed v6sa || return 1
	ipv6_skip_unless_scanned || return
	start_listeners 2001:2:0:1::5:80 || return 1
	ipv6_hitlist "$TMP/hitlist" 300 2001:2:0:1::5:80
	check_run salvo_in_scanner -q -b /dev/null -M tcp_synackscan -p 80,443 -c 1 -r 2000 \
		-f saddr,sport,classification -m "$TMP/meta.json" --ipv6-target-file "$TMP/hitlist" \
		-o "$TMP/sa.csv" || return 1
	python3 - "$TMP/meta.json" "$TMP/sa.csv" <<'EOF'
import csv, json, sys
c = json.load(open(sys.argv[1]))["counts"]
rows = list(csv.DictReader(open(sys.argv[2])))
pairs = {(r["saddr"], r["sport"]) for r in rows}
kinds = {r["classification"] for r in rows}
print("    sent %d, successes %d, rows %d (%d pairs), classifications %s"
      % (c["sent"], c["successes"], len(rows), len(pairs), sorted(kinds)))
sys.exit(0 if c["sent"] == 600 and c["successes"] == 600 and len(rows) == 600 and
         len(pairs) == 600 and kinds == {"rst"} else 1)
EOF
}

# icmp6_echoscan over a hitlist: the target answers for 2001:2:0:1::/120 and one more address
# only; for the rest it has no route and says so (ICMPv6 destination unreachable): alive is
# exactly the local ones.
test_ipv6_icmp6_echoscan_finds_exactly_the_live_list() {
	ipv6_testbed v6echo || return 1
	ipv6_skip_unless_scanned || return
	ipv6_icmp_unlimited || return 1
	ipv6_target_answers_for 2001:2:0:1::/120 2001:2:0:1:abcd::77/128 || return 1
	ipv6_hitlist "$TMP/hitlist" 2000
	printf '2001:2:0:1::%x\n' $(seq 0 255) >>"$TMP/hitlist"
	check_run salvo_in_scanner -q -b /dev/null -M icmp6_echoscan -c 1 -r 4000 \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/echo.csv" -m "$TMP/meta.json" || return 1
	{ echo 2001:2:0:1::; printf '2001:2:0:1::%x\n' $(seq 1 255); echo 2001:2:0:1:abcd::77; } | sort >"$TMP/expected"
	sorted_results "$TMP/echo.csv" >"$TMP/got"
	expect_same_lines "live addresses" "$TMP/expected" "$TMP/got" || return 1
	# The others were answered too, as unreachable (failures), through the quote.
	python3 - "$TMP/meta.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print("    sent %d, alive %d, unreachable %d" % (c["sent"], c["successes"], c["failures"]))
sys.exit(0 if c["successes"] == 257 and c["failures"] == c["sent"] - 257 and c["failures"] > 1500 else 1)
EOF
}

# icmp_echo_time over IPv6: the live addresses of a hitlist, each with its send time and a
# plausible round trip time; the others unreachable through ICMPv6 errors quoting the request.
test_ipv6_icmp_echo_time_gives_the_live_list_with_round_trip_times() {
	ipv6_testbed v6etime || return 1
	ipv6_skip_unless_scanned || return
	ipv6_icmp_unlimited || return 1
	ipv6_target_answers_for 2001:2:0:1::/120 || return 1
	ipv6_hitlist "$TMP/hitlist" 500 2001:2:0:1::5:0
	printf '2001:2:0:1::%x\n' $(seq 0 99) >>"$TMP/hitlist"
	local start end
	start=$(date +%s)
	check_run salvo_in_scanner -q -b /dev/null -M icmp_echo_time -c 1 -r 4000 -O json \
		-f saddr,classification,type,code,sent_timestamp_ts,sent_timestamp_us,dst_raw,rtt_us \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/echotime.json" -m "$TMP/meta.json" || return 1
	end=$(date +%s)
	{ echo 2001:2:0:1::; printf '2001:2:0:1::%x\n' $(seq 1 99); } | sort >"$TMP/expected"
	python3 - "$TMP/echotime.json" "$start" "$end" "$TMP/meta.json" >"$TMP/got" 2>"$TMP/bad" <<'PY'
import json, sys
start, end = int(sys.argv[2]), int(sys.argv[3])
rtts, bad = [], 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["saddr"])
    if (r["classification"] != "echoreply" or r["type"] != 129 or r["code"] != 0 or
            not start <= r["sent_timestamp_ts"] <= end or
            not 0 <= r["sent_timestamp_us"] < 1000000 or r["dst_raw"] is not None or
            not 0 <= r["rtt_us"] < 3000000):
        print("implausible: %s" % line.strip(), file=sys.stderr)
        bad += 1
    rtts.append(r["rtt_us"])
c = json.load(open(sys.argv[4]))["counts"]
print("rtt_us from %d to %d; sent %d, alive %d, unreachable %d"
      % (min(rtts, default=-1), max(rtts, default=-1), c["sent"], c["successes"], c["failures"]),
      file=sys.stderr)
sys.exit(1 if bad or c["failures"] != c["sent"] - 100 or c["failures"] < 400 else 0)
PY
	local status=$?
	while read -r l; do log "$l"; done <"$TMP/bad"
	sort -o "$TMP/got" "$TMP/got"
	expect_same_lines "live addresses" "$TMP/expected" "$TMP/got" && [ $status = 0 ]
}

# --icmp-prescan over an IPv6 hitlist: ICMPv6 echo first; only the 256 addresses that answer
# get the port probes, each once (counted at the target), and the open set is found.
test_ipv6_icmp_prescan_probes_only_live_addresses() {
	ipv6_testbed v6pre || return 1
	ipv6_skip_unless_scanned || return
	ipv6_target_answers_for 2001:2:0:1::/120 || return 1
	local open="2001:2:0:1::5:80 2001:2:0:1::9:443 2001:2:0:1::c8:22"
	start_listeners $open || return 1
	ipv6_hitlist "$TMP/hitlist" 500 $open
	printf '2001:2:0:1::%x\n' $(seq 0 255) >>"$TMP/hitlist"
	count_syns "$TMP/syns.json" || return 1
	check_run salvo_in_scanner -b /dev/null -p 22,80,443,8080 -c 1 -r 4000 --icmp-prescan \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/prescan.csv" 2>"$TMP/err" || return 1
	log "$(tail -1 "$TMP/err")"
	stop_counting
	for p in $open; do echo "${p%:*},${p##*:}"; done | sort >"$TMP/expected"
	sorted_results "$TMP/prescan.csv" >"$TMP/got"
	expect_same_lines "prescan" "$TMP/expected" "$TMP/got" || return 1
	grep -q "prescan: 256 hosts alive" "$TMP/err" || return 1
	expect_syns "$TMP/syns.json" 2001:2:0:1::/120 22,80,443,8080 1
}

# -X over IPv6: salvo's only route to 2001:2:0:1::/64 is tun0 in the scanner namespace, and a
# helper attached to tun0 answers as a stack would; every probe goes through tun0 as a bare
# IPv6 packet, and the open set comes back.
test_ipv6_iplayer_scans_through_a_tun_device() {
	ipv6_testbed v6tun || return 1
	start_tun_answer 2001:2:2::1 2001:2:0:1::/64 $OPEN_SET6 || return 1
	ipv6_hitlist "$TMP/hitlist" 1000
	check_run salvo_in_scanner -X -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		--ipv6-target-file "$TMP/hitlist" -o "$TMP/tun.csv" || return 1
	stop_tun_answer
	expected_rows6 >"$TMP/expected"
	sorted_results "$TMP/tun.csv" >"$TMP/got"
	expect_same_lines "-X through tun0" "$TMP/expected" "$TMP/got" || return 1
	[ "$TUN_SYNS" = 4000 ] || { log "tun0 saw $TUN_SYNS SYNs, not 4000"; return 1; }
}

# SIGINT, then --resume, over an IPv6 hitlist: every (address, port) probed exactly once, as
# counted at the target, and the open set found.
test_ipv6_interrupt_and_resume_send_each_probe_once() {
	ipv6_testbed v6resume || return 1
	ipv6_skip_unless_scanned || return
	skip_if_missing tcpdump || return
	start_listeners $OPEN_SET6 || return 1
	ipv6_hitlist "$TMP/hitlist" 1000
	# SYNs without ACK to the /64: IPv6 next header TCP, flags byte 40 + 13 in.
	ip netns exec "$T" tcpdump -i tv0 -U -n -w "$TMP/syns.pcap" \
		'ip6[6] == 6 and ip6[53] & 0x12 == 2' 2>/dev/null &
	local dump=$! pid
	BG_PIDS+=($dump)
	sleep 1
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 -c 1 \
		-r 1000 --checkpoint-file "$TMP/cp" --ipv6-target-file "$TMP/hitlist" \
		-o "$TMP/out.csv" &
	pid=$!
	sleep 1.5
	kill -INT $pid
	wait $pid || { log "the interrupted scan failed"; return 1; }
	check_run salvo_in_scanner -q -b /dev/null -p 22,80,443,8080 -c 1 -r 4000 --resume \
		--checkpoint-file "$TMP/cp" --ipv6-target-file "$TMP/hitlist" -o "$TMP/out.csv" ||
		return 1
	sleep 0.5
	kill -INT $dump
	wait $dump
	expected_rows6 >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "interrupt + resume" "$TMP/expected" "$TMP/got" || return 1
	tcpdump -nn -r "$TMP/syns.pcap" 2>/dev/null | python3 -c '
import collections, re, sys
pairs = collections.Counter(re.findall(r"> (\S+)\.(\d+): Flags \[S\]", sys.stdin.read()))
twice = sum(1 for v in pairs.values() if v != 1)
print("    %d SYNs at the target for %d pairs; not once: %d" % (sum(pairs.values()), len(pairs), twice))
sys.exit(0 if len(pairs) == 4000 and twice == 0 else 1)'
}

# With -G salvo asks nobody for a MAC: the target, soliciting 2001:2::1 to answer the probes,
# learns salvo's MAC from the advertisement that answers it (salvo's own with dpdk, the
# scanner's kernel's otherwise), a solicited one: the entry is REACHABLE.
test_ipv6_target_learns_our_mac_from_neighbor_discovery() {
	ipv6_testbed v6na || return 1
	ipv6_skip_unless_scanned || return
	start_listeners 2001:2:0:1::5:80 || return 1
	check_run salvo_in_scanner -q -b /dev/null -G "$(testbed_mac "$T" tv0)" -p 80 -c 1 \
		-r 1000 -o "$TMP/out.csv" 2001:2:0:1::/120 || return 1
	echo "2001:2:0:1::5" >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the open port" "$TMP/expected" "$TMP/got" || return 1
	log "target's neighbour entry: $(ip -n "$T" -6 neigh show 2001:2::1 dev tv0)"
	ip -n "$T" -6 neigh show 2001:2::1 dev tv0 |
		grep -q "lladdr $(testbed_mac "$S" sv0) .*REACHABLE"
}

# Nobody at the IPv6 next hop's address: one line naming it, exit 1, and no probe sent to
# anyone.  af_packet asks the kernel (the route goes via 2001:2::3), dpdk asks itself
# (--gateway-ipv6 2001:2::3, the later one winning).
test_ipv6_gateway_that_never_answers_ndp_is_one_error() {
	ipv6_testbed v6nogw || return 1
	ipv6_skip_unless_scanned || return
	case $ENGINE in
	dpdk:*) ENGINE_ARGS+=(--gateway-ipv6 2001:2::3) ;;
	*) ip -n "$S" -6 route replace 2001:2:0:1::/64 via 2001:2::3 dev sv0 || return 1 ;;
	esac
	count_syns "$TMP/syns.json" || return 1
	salvo_in_scanner -q -b /dev/null -p 80 2001:2:0:1::/120 >"$TMP/out" 2>"$TMP/err"
	local status=$?
	stop_counting
	log "exit $status: $(cat "$TMP/err")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "IPv6 gateway 2001:2::3 .*did not answer" "$TMP/err" &&
		[ "$(cat "$TMP/syns.json.total")" = 0 ]
}
