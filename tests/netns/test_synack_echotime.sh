# Namespace tests of ZMap's tcp_synackscan and icmp_echo_time modules, and of -M ipip refused;
# run by runner.sh once per engine.  Each test function sets up its own test bed and returns
# 0 (pass), 77 (skip) or other (fail).  Every address is in 198.18.0.0/15.

ALL_TESTS="test_tcp_synackscan_finds_every_address
test_icmp_echo_time_finds_exactly_the_live_hosts_with_their_rtt"
# What happens before any engine is opened runs once, with the default engine.
if [ "$ENGINE" = af_packet ]; then
	ALL_TESTS="$ALL_TESTS
test_ipip_is_refused_as_a_zmap_module"
fi

# The target's kernel answers an unexpected SYN-ACK with a RST for every address of the /24,
# whether something listens on the port (OPEN_SET) or not: every (address, port) is found
# once, as "rst", a success.
test_tcp_synackscan_finds_every_address() {
	skip_if_not_root || return
	setup_testbed synack || return 1
	start_listeners $OPEN_SET || return 1
	check_run salvo_in_scanner -q -b /dev/null -M tcp_synackscan -p 22,80,443,8080 -c 1 \
		-r 20000 -f saddr,sport,classification,success -o "$TMP/synack.csv" 198.18.1.0/24 ||
		return 1
	[ "$(head -1 "$TMP/synack.csv")" = "saddr,sport,classification,success" ] ||
		{ log "bad header: $(head -1 "$TMP/synack.csv")"; return 1; }
	for i in $(seq 0 255); do
		for port in 22 80 443 8080; do echo "198.18.1.$i,$port,rst,1"; done
	done | sort >"$TMP/expected"
	sorted_results "$TMP/synack.csv" >"$TMP/synack.sorted"
	expect_same_lines "every address and port, rst" "$TMP/expected" "$TMP/synack.sorted" &&
		no_xdp_left
}

# Only 198.18.1.0/26 and 198.18.1.200 answer (as test_icmp_echoscan_finds_exactly_the_live_hosts
# in test_scan.sh); each is found once, and its time fields, read back from JSON, are
# plausible: sent during the scan, a round trip of 0 to 3 s, dst_raw the address as ZMap
# prints it.
test_icmp_echo_time_finds_exactly_the_live_hosts_with_their_rtt() {
	skip_if_not_root || return
	setup_testbed echotime || return 1
	ip -n "$T" route del local 198.18.1.0/24 dev lo || return 1
	ip -n "$T" route add local 198.18.1.0/26 dev lo || return 1
	ip -n "$T" route add local 198.18.1.200/32 dev lo || return 1
	local start end
	start=$(date +%s)
	check_run salvo_in_scanner -q -b /dev/null -M icmp_echo_time -c 1 -r 2000 -O json \
		-f saddr,classification,type,code,icmp_id,seq,sent_timestamp_ts,sent_timestamp_us,dst_raw,rtt_us \
		-o "$TMP/echotime.json" 198.18.1.0/24 || return 1
	end=$(date +%s)
	{ for i in $(seq 0 63) 200; do echo "198.18.1.$i"; done; } | sort >"$TMP/expected"
	python3 - "$TMP/echotime.json" "$start" "$end" >"$TMP/echotime.sorted" 2>"$TMP/bad" <<'PY'
import ipaddress, json, sys
start, end = int(sys.argv[2]), int(sys.argv[3])
rtts = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["saddr"])
    raw = int.from_bytes(ipaddress.IPv4Address(r["saddr"]).packed, "little")
    if (r["classification"] != "echoreply" or r["type"] != 0 or r["code"] != 0 or
            not 0 <= r["icmp_id"] < 65536 or not 0 <= r["seq"] < 65536 or
            not start <= r["sent_timestamp_ts"] <= end or
            not 0 <= r["sent_timestamp_us"] < 1000000 or r["dst_raw"] != raw or
            not 0 <= r["rtt_us"] < 3000000):
        print("implausible: %s" % line.strip(), file=sys.stderr)
    rtts.append(r["rtt_us"])
if rtts:
    print("rtt_us from %d to %d" % (min(rtts), max(rtts)), file=sys.stderr)
PY
	local status=$?
	sort -o "$TMP/echotime.sorted" "$TMP/echotime.sorted"
	while read -r l; do log "$l"; done <"$TMP/bad"
	[ $status -eq 0 ] && ! grep -q implausible "$TMP/bad" &&
		expect_same_lines "live hosts" "$TMP/expected" "$TMP/echotime.sorted" && no_xdp_left
}

# -M ipip: one line saying it is ZMap's and why salvo has none, exit 1, nothing sent.
test_ipip_is_refused_as_a_zmap_module() {
	skip_if_not_root || return
	setup_testbed ipip || return 1
	local before after status
	before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	salvo_in_scanner -b /dev/null -M ipip -p 80 198.18.1.0/24 >"$TMP/out" 2>"$TMP/err"
	status=$?
	after=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
	log "exit $status: $(cat "$TMP/err")"
	[ $status -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "^salvo: --probe-module: 'ipip': a ZMap module salvo does not have: " "$TMP/err" &&
		[ "$before" = "$after" ] && [ ! -s "$TMP/out" ]
}
