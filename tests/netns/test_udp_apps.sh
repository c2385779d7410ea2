# Namespace tests of the UDP modules with a fixed request (ZMap's ntp, upnp and bacnet); run by
# runner.sh once per engine.  Responders (udp_apps_server.py) in the target namespace answer
# well-formed requests only, on a few 198.18.1.x addresses; every other address of the /24
# answers with an ICMP port unreachable (rate limits lifted).  Each scan writes every first
# reply (--output-filter 'repeat = 0'), so the rows show both that exactly the responders
# succeed, with the field the responder chose, and that the others are closed.

ALL_TESTS="test_ntp_scan_finds_exactly_the_ntp_servers
test_upnp_scan_finds_exactly_the_upnp_devices
test_bacnet_scan_finds_exactly_the_bacnet_devices"

# start_udp_apps KIND:ADDR:PORT:VALUE...: the responders, once they are bound.
start_udp_apps() {
	rm -f "$TMP/apps.ready"
	ip netns exec "$T" python3 "$HERE/udp_apps_server.py" "$TMP/apps.ready" "$@" &
	BG_PIDS+=($!)
	for _ in $(seq 100); do [ -e "$TMP/apps.ready" ] && return 0; sleep 0.05; done
	log "udp_apps_server.py did not start"
	return 1
}

# udp_apps_testbed NAME: the test bed, with the target's ICMP rate limits lifted.
udp_apps_testbed() {
	setup_testbed "$1" || return 1
	ip netns exec "$T" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
		net.ipv4.icmp_msgs_burst=1000000
}

# expected_rows_for CLOSED ADDR=ROW...: one row per address of 198.18.1.0/24, sorted: ROW
# for the addresses given, CLOSED for the others.
expected_rows_for() {
	local closed=$1 i a row
	shift
	for i in $(seq 0 255); do
		row="198.18.1.$i,$closed"
		for a in "$@"; do [ "${a%%=*}" = "198.18.1.$i" ] && row="198.18.1.$i,${a#*=}"; done
		echo "$row"
	done | sort
}

test_ntp_scan_finds_exactly_the_ntp_servers() {
	skip_if_not_root || return
	udp_apps_testbed ntp || return 1
	start_udp_apps ntp:198.18.1.5:123:2 ntp:198.18.1.9:123:1 ntp:198.18.1.200:123:3 || return 1
	check_run salvo_in_scanner -q -b /dev/null -M ntp -p 123 -c 1 -r 2000 \
		-f saddr,classification,success,stratum --output-filter 'repeat = 0' \
		-o "$TMP/ntp.csv" 198.18.1.0/24 || return 1
	expected_rows_for icmp,0,null 198.18.1.5=ntp,1,2 198.18.1.9=ntp,1,1 \
		198.18.1.200=ntp,1,3 >"$TMP/expected"
	sorted_results "$TMP/ntp.csv" >"$TMP/ntp.sorted"
	expect_same_lines ntp "$TMP/expected" "$TMP/ntp.sorted" || return 1
	# As JSON, every line parses; the servers' 64-bit transmit times are now (NTP era 0).
	check_run salvo_in_scanner -q -b /dev/null -M ntp -p 123 -c 1 -r 2000 -O json \
		-f saddr,stratum,precision,transmit_timestamp --output-filter 'repeat = 0' \
		-o "$TMP/ntp.json" 198.18.1.0/24 || return 1
	python3 - "$TMP/ntp.json" <<'EOF'
import json, sys, time
rows = [json.loads(line) for line in open(sys.argv[1])]
servers = {r["saddr"]: r for r in rows if r["stratum"] is not None}
now = time.time() + 2208988800
print("    %d json lines, servers %s" % (len(rows), sorted(servers)))
ok = len(rows) == 256 and sorted(servers) == ["198.18.1.200", "198.18.1.5", "198.18.1.9"]
ok = ok and all(r["precision"] == 236 and abs((r["transmit_timestamp"] >> 32) - now) < 60
                for r in servers.values())
sys.exit(0 if ok else 1)
EOF
}

test_upnp_scan_finds_exactly_the_upnp_devices() {
	skip_if_not_root || return
	udp_apps_testbed upnp || return 1
	# A device that answers 404 is not a UPnP device (ZMap's no-http-header).
	start_udp_apps "ssdp:198.18.1.5:1900:salvo-test/1.0 UPnP/1.1 device-5" \
		"ssdp:198.18.1.77:1900:salvo-test/1.0 UPnP/1.1 device-77" \
		"ssdp-404:198.18.1.9:1900:salvo-test/1.0 not-a-device" || return 1
	check_run salvo_in_scanner -q -b /dev/null -M upnp -p 1900 -c 1 -r 2000 \
		-f saddr,classification,success,server,st --output-filter 'repeat = 0' \
		-o "$TMP/upnp.csv" 198.18.1.0/24 || return 1
	expected_rows_for icmp-unreach,0,, \
		"198.18.1.5=upnp,1,salvo-test/1.0 UPnP/1.1 device-5,upnp:rootdevice" \
		"198.18.1.77=upnp,1,salvo-test/1.0 UPnP/1.1 device-77,upnp:rootdevice" \
		"198.18.1.9=no-http-header,0,," >"$TMP/expected"
	sorted_results "$TMP/upnp.csv" >"$TMP/upnp.sorted"
	expect_same_lines upnp "$TMP/expected" "$TMP/upnp.sorted"
}

test_bacnet_scan_finds_exactly_the_bacnet_devices() {
	skip_if_not_root || return
	udp_apps_testbed bacnet || return 1
	start_udp_apps bacnet:198.18.1.7:47808:1007 bacnet:198.18.1.150:47808:4000000 || return 1
	check_run salvo_in_scanner -q -b /dev/null -M bacnet -p 47808 -c 1 -r 2000 \
		-f saddr,classification,success,device_instance --output-filter 'repeat = 0' \
		-o "$TMP/bacnet.csv" 198.18.1.0/24 || return 1
	expected_rows_for icmp,0,null 198.18.1.7=bacnet,1,1007 198.18.1.150=bacnet,1,4000000 \
		>"$TMP/expected"
	sorted_results "$TMP/bacnet.csv" >"$TMP/bacnet.sorted"
	expect_same_lines bacnet "$TMP/expected" "$TMP/bacnet.sorted"
}
