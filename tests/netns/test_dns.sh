# Namespace tests of the dns probe module; run by runner.sh once per engine.  A small DNS
# server (dns_server.py, Python's standard library) answers on a few 198.18.1.x:53 in the
# target namespace; every other address of the /24 is the kernel's, which answers UDP to a
# closed port with an ICMP port unreachable (rate limits lifted).

ALL_TESTS="test_dns_scan_finds_exactly_the_servers_and_their_answers
test_dns_nxdomain_is_an_answer_and_closed_ports_are_failures
test_dns_two_questions_each_reach_every_server"

DNS_SERVERS="198.18.1.5:53 198.18.1.9:53 198.18.1.77:53 198.18.1.200:53"

# dns_testbed NAME: the test bed, ICMP errors unlimited in the target namespace.
dns_testbed() {
	setup_testbed "$1" || return 1
	ip netns exec "$T" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
		net.ipv4.icmp_msgs_burst=1000000
}


# An A query to every address: exactly the four servers answer, each with its own address,
# decoded from the reply (the answer's name is a compression pointer to the question).
test_dns_scan_finds_exactly_the_servers_and_their_answers() {
	skip_if_not_root || return
	dns_testbed dns || return 1
	start_dns_server $DNS_SERVERS || return 1
	check_run salvo_in_scanner -q -b /dev/null -M dns --probe-args=A,example.test -p 53 -c 1 \
		-r 2000 -f saddr,classification,dns_rcode,dns_ancount,dns_answers \
		-o "$TMP/dns.csv" 198.18.1.0/24 || return 1
	[ "$(head -1 "$TMP/dns.csv")" = "saddr,classification,dns_rcode,dns_ancount,dns_answers" ] ||
		{ log "bad header: $(head -1 "$TMP/dns.csv")"; return 1; }
	local s a queries=()
	for s in $DNS_SERVERS; do
		a=${s%:*}
		echo "$a,dns,0,1,example.test A 198.18.200.${a##*.}"
	done | sort >"$TMP/expected"
	for s in $DNS_SERVERS; do queries+=("${s%:*} A example.test"); done
	sorted_results "$TMP/dns.csv" >"$TMP/got"
	expect_same_lines "dns answers" "$TMP/expected" "$TMP/got" || return 1
	expect_queries "${queries[@]}" && no_xdp_left
}

# A name the servers do not have: NXDOMAIN is a reply to our question, so a success (ZMap's
# rule; not its app_success), with the zone's SOA decoded.  The 252 other addresses answer
# with ICMP port unreachable: failures, never successes, counted as such in the metadata.
test_dns_nxdomain_is_an_answer_and_closed_ports_are_failures() {
	skip_if_not_root || return
	dns_testbed dnsnx || return 1
	start_dns_server $DNS_SERVERS || return 1
	check_run salvo_in_scanner -q -b /dev/null -M dns --probe-args=A:rn,missing.test -p 53 \
		-c 1 -r 2000 --output-filter 'repeat = 0' -m "$TMP/meta.json" \
		-f saddr,classification,success,app_success,dns_rcode,dns_rd,dns_authorities \
		-o "$TMP/nx.csv" 198.18.1.0/24 || return 1
	local i s soa="missing.test SOA ns.example.test hostmaster.example.test"
	soa+=" 2026112601 7200 3600 1209600 300"
	{
		for s in $DNS_SERVERS; do echo "${s%:*},dns,1,0,3,0,$soa"; done
		for i in $(seq 0 255); do
			case " $DNS_SERVERS " in *" 198.18.1.$i:53 "*) continue ;; esac
			echo "198.18.1.$i,port-unreachable,0,0,null,null,"
		done
	} | sort >"$TMP/expected"
	sorted_results "$TMP/nx.csv" >"$TMP/got"
	expect_same_lines "NXDOMAIN and port unreachable" "$TMP/expected" "$TMP/got" || return 1
	python3 - "$TMP/meta.json" <<'PY' || return 1
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print("    sent %d, successes %d, failures %d" % (c["sent"], c["successes"], c["failures"]))
sys.exit(0 if (c["sent"], c["successes"], c["failures"]) == (256, 4, 252) else 1)
PY
	local queries=()
	for s in $DNS_SERVERS; do queries+=("${s%:*} A missing.test"); done
	expect_queries "${queries[@]}"
}

# Two questions and -P 2, as ZMap asks: every server gets both, once each (two source ports,
# one transaction id), and each reply is matched to its own question.  --dedup-method none
# writes both replies of an address.  The TXT answer's ',' and ';' come out escaped.
test_dns_two_questions_each_reach_every_server() {
	skip_if_not_root || return
	dns_testbed dns2 || return 1
	start_dns_server $DNS_SERVERS || return 1
	check_run salvo_in_scanner -q -b /dev/null -M dns -P 2 --dedup-method none \
		--probe-args='A,example.test;TXT,example.test' -p 53 -c 1 -r 2000 \
		-f saddr,dns_questions,dns_answers -o "$TMP/two.csv" 198.18.1.0/24 || return 1
	local s a queries=()
	for s in $DNS_SERVERS; do
		a=${s%:*}
		echo "$a,example.test A,example.test A 198.18.200.${a##*.}"
		echo "$a,example.test TXT,example.test TXT hello\\x2c dns\\x3b from $a"
	done | sort >"$TMP/expected"
	for s in $DNS_SERVERS; do queries+=("${s%:*} A example.test" "${s%:*} TXT example.test"); done
	sorted_results "$TMP/two.csv" >"$TMP/got"
	expect_same_lines "two questions" "$TMP/expected" "$TMP/got" || return 1
	expect_queries "${queries[@]}"
}
