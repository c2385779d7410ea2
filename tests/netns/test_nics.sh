# Namespace tests of network discovery on a host with two NICs, set up as multi-NIC hosts are
# (runner.sh's setup_two_nics: sv0 routed by the main table, sv1 by a rule on its source
# address 198.18.2.1, the targets 198.18.1.0/24 behind both), with no static neighbour entry
# anywhere: salvo finds the route the kernel would (the lookup carries the source and the
# interface) and asks the next hop's MAC itself (ARP; Neighbor Discovery for IPv6).  dpdk runs
# on its virtual device on each NIC with that NIC's addresses (its port is no kernel interface:
# no route to look up, its own ARP).  Run by runner.sh once per engine.

ALL_TESTS="test_pinned_rule_routed_nic_finds_the_open_set
test_pinned_rule_routed_nic_finds_the_ipv6_open_set
test_gateway_that_never_answers_arp_is_one_error
test_source_range_and_list_every_source_answered_open_set_exact
test_one_process_on_both_nics_open_set_exact_each_nic_half
test_one_process_on_both_nics_interrupt_and_resume_exact
test_one_process_on_both_nics_bad_interfaces_are_one_error"
# What happens before any engine opens (the kernel's routes and neighbours): the kernel's
# engines alone.
case $ENGINE in dpdk:*) ;; *)
	ALL_TESTS="$ALL_TESTS
test_source_address_alone_picks_the_rule_routed_nic
test_on_link_target_is_asked_for_its_own_mac
test_many_on_link_targets_are_one_error
test_dryrun_asks_no_neighbour
test_an_interface_that_does_not_exist_is_one_error
test_one_process_on_both_nics_takes_replies_by_the_other_nic" ;;
esac

# The services the scans open, IPv6 (within 2001:2:0:1::/120).
NIC_OPEN_SET6="2001:2:0:1::5:80 2001:2:0:1::9:443 2001:2:0:1::c8:22 2001:2:0:1::5:8080"

# salvo_on_both ARGS...: salvo with the engine under test inside the scanner namespace of
# setup_two_nics, one process sending through both NICs: -i sv0,sv1; for dpdk a virtual device
# on each as --dpdk-port 0,1, each port with its own -S and --gateway-ip (PORT=VALUE).
# both_cmd sets BOTH to that command line without ARGS, for a process run in the background
# (whose pid must be salvo's own for a signal).
both_cmd() {
	case $ENGINE in
	dpdk:*)
		local d=${ENGINE#dpdk:}
		BOTH=(ip netns exec "$S" "$SALVO" --io-engine=dpdk --dpdk-port 0,1
			"--dpdk-eal-args=--vdev=net_${d}0,iface=sv0 --vdev=net_${d}1,iface=sv1 --no-huge -m 512 --no-pci"
			-S 0=198.18.0.1 -S 1=198.18.2.1 --gateway-ip 0=198.18.0.2,1=198.18.2.2)
		;;
	*) BOTH=(ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -i sv0,sv1) ;;
	esac
}
salvo_on_both() {
	both_cmd
	"${BOTH[@]}" "$@"
}

# merge_syns OUT A B: the SYN counts of two count_syns files (one per NIC) summed into OUT.
merge_syns() {
	python3 - "$@" <<'PY'
import collections, json, sys
total = collections.Counter()
for f in sys.argv[2:]:
    total.update(json.load(open(f)))
json.dump(dict(total), open(sys.argv[1], "w"))
PY
}

# nic_tx IF: frames the scanner's IF has sent so far.
nic_tx() { ip netns exec "$S" cat "/sys/class/net/$1/statistics/tx_packets"; }

# nic_rx IF: frames the target's IF has received so far.
nic_rx() { ip netns exec "$T" cat "/sys/class/net/$1/statistics/rx_packets"; }

# expect_cold: the scanner's neighbour tables are empty (no entry a test or a kernel made).
expect_cold() {
	local entries
	entries=$(ip -n "$S" neigh show; ip -n "$S" -6 neigh show)
	[ -z "$entries" ] || { log "the scanner's neighbour tables are not cold: $entries"; return 1; }
}

# count_both OUT: count the SYNs at the target on each NIC, into OUT0 (tv0) and OUT1 (tv1).
count_both() {
	count_syns "${1}0" tv0 || return 1
	SNIFF0=$SNIFF_PID
	count_syns "${1}1" tv1 || return 1
	SNIFF1=$SNIFF_PID
}

stop_both() {
	kill -TERM "$SNIFF0" "$SNIFF1"
	wait "$SNIFF0" "$SNIFF1"
}

# The second NIC pinned with -i alone, nothing else given: its source is its own address, the
# route the one its rule gives (table 102, via 198.18.2.2), the gateway's MAC asked with ARP.
# Every probe leaves by sv1 exactly once, none by sv0, and the open set is found.
test_pinned_rule_routed_nic_finds_the_open_set() {
	skip_if_not_root || return
	setup_two_nics nicpin || return 1
	start_listeners $OPEN_SET || return 1
	expect_cold || return 1
	count_both "$TMP/syns" || return 1
	check_run salvo_on_nic sv1 -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-o "$TMP/out.csv" 198.18.1.0/24 || return 1
	stop_both
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the open set through sv1" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns1" 198.18.1.0/24 22,80,443,8080 1 || return 1
	log "SYNs through sv0: $(cat "$TMP/syns0.total")"
	[ "$(cat "$TMP/syns0.total")" = 0 ]
}

# The same over IPv6: -i sv1, its address 2001:2:2::1, the rule's table and its gateway
# 2001:2:2::2, whose MAC Neighbor Discovery finds.
test_pinned_rule_routed_nic_finds_the_ipv6_open_set() {
	skip_if_not_root || return
	setup_two_nics nicpin6 || return 1
	case $ENGINE in
	dpdk:*) testbed_two_nics_ipv6 "" "$T" || return 1 ;;
	*) testbed_two_nics_ipv6 "$S" "$T" || return 1 ;;
	esac
	start_listeners $NIC_OPEN_SET6 || return 1
	count_both "$TMP/syns" || return 1
	NIC_IPV6=1 check_run salvo_on_nic sv1 -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-o "$TMP/out.csv" 2001:2:0:1::/120 || return 1
	stop_both
	for p in $NIC_OPEN_SET6; do echo "${p%:*},${p##*:}"; done | sort >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the IPv6 open set through sv1" "$TMP/expected" "$TMP/got" || return 1
	expect_syns "$TMP/syns1" 2001:2:0:1::/120 22,80,443,8080 1 || return 1
	[ "$(cat "$TMP/syns0.total")" = 0 ]
}

# -S 198.18.2.1 and no -i: the lookup from that source follows its rule to sv1.
test_source_address_alone_picks_the_rule_routed_nic() {
	skip_if_not_root || return
	setup_two_nics nicsrc || return 1
	start_listeners $OPEN_SET || return 1
	local tx0 tx1
	tx0=$(nic_tx sv0) tx1=$(nic_tx sv1)
	check_run ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -S 198.18.2.1 -q -b /dev/null \
		-p 22,80,443,8080 -c 1 -r 20000 -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the open set from 198.18.2.1" "$TMP/expected" "$TMP/got" || return 1
	tx0=$(($(nic_tx sv0) - tx0)) tx1=$(($(nic_tx sv1) - tx1))
	log "frames sent: sv0 $tx0, sv1 $tx1 (1024 probes)"
	[ "$tx1" -ge 1024 ] && [ "$tx0" -lt 10 ]
}

# Nobody at the gateway's address: three ARP requests a second apart reach the target's side,
# then one line naming the gateway and the interface, exit 1, no probe sent.  The kernel's
# engines have the route via 198.18.2.3 (table 102); dpdk is told --gateway-ip 198.18.2.3.
test_gateway_that_never_answers_arp_is_one_error() {
	skip_if_not_root || return
	setup_two_nics nicnogw || return 1
	local before after status start elapsed gw=()
	case $ENGINE in
	dpdk:*) gw=(--gateway-ip 198.18.2.3) ;;
	*) ip -n "$S" route replace default via 198.18.2.3 dev sv1 table 102 || return 1 ;;
	esac
	count_both "$TMP/syns" || return 1
	before=$(nic_rx tv1)
	start=$(date +%s%N)
	salvo_on_nic sv1 "${gw[@]}" -q -b /dev/null -p 80 198.18.1.0/24 >"$TMP/out" 2>"$TMP/err"
	status=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	after=$(nic_rx tv1)
	stop_both
	log "exit $status after $elapsed ms: $(cat "$TMP/err")"
	log "frames at tv1: $((after - before)); SYNs: $(cat "$TMP/syns0.total") + $(cat "$TMP/syns1.total")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] || return 1
	grep -q "gateway 198.18.2.3 .*did not answer 3 ARP requests" "$TMP/err" || return 1
	[ "$(cat "$TMP/syns0.total")" = 0 ] && [ "$(cat "$TMP/syns1.total")" = 0 ] || return 1
	# The kernel's engines: the three requests, nothing else, over about three seconds.
	case $ENGINE in dpdk:*) return 0 ;; esac
	grep -q "on sv1" "$TMP/err" && [ $((after - before)) = 3 ] && [ "$elapsed" -ge 2900 ]
}

# A single target on sv0's own subnet, with no gateway on the way (sv1's subnet goes through
# table 102's gateway, as the kernel routes it): salvo asks the target itself for its MAC,
# and finds its open ports.
test_on_link_target_is_asked_for_its_own_mac() {
	skip_if_not_root || return
	setup_two_nics niclink || return 1
	start_listeners 198.18.0.2:22 198.18.0.2:8080 || return 1
	expect_cold || return 1
	check_run salvo_on_nic sv0 -q -b /dev/null -p 22,80,443,8080 -c 1 -r 1000 \
		-o "$TMP/out.csv" 198.18.0.2 || return 1
	printf '198.18.0.2,22\n198.18.0.2,8080\n' >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the on-link target's open ports" "$TMP/expected" "$TMP/got"
}

# Many targets on the link: every probe would need its own destination MAC, which salvo does
# not ask for: one line saying so and what would work, exit 1, nothing sent.
test_many_on_link_targets_are_one_error() {
	skip_if_not_root || return
	setup_two_nics nicmany || return 1
	local before status
	before=$(nic_rx tv0)
	salvo_on_nic sv0 -q -b /dev/null -p 80 198.18.0.0/28 >"$TMP/out" 2>"$TMP/err"
	status=$?
	log "exit $status: $(cat "$TMP/err"); frames at tv0: $(($(nic_rx tv0) - before))"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "198.18.0.0 is on-link on sv0 .*give -G/--gateway-mac" "$TMP/err" &&
		[ "$(nic_rx tv0)" = "$before" ]
}

# A dry run sends nothing, not even to learn a MAC.  IPv4 with the tables cold: no frame at
# all reaches the target's side.  IPv6: the links say things of their own once it is on
# (multicast listener reports), so what is checked is that nobody was asked: the scanner's
# neighbour tables stay empty (a dry run used to have the kernel solicit the next hop).
test_dryrun_asks_no_neighbour() {
	skip_if_not_root || return
	setup_two_nics nicdry || return 1
	local before0 before1 nic
	before0=$(nic_rx tv0) before1=$(nic_rx tv1)
	for nic in "" "-i sv1"; do
		# shellcheck disable=SC2086
		check_run ip netns exec "$S" "$SALVO" --dryrun -q $nic -b /dev/null -p 80 \
			-o /dev/null 198.18.1.0/30 >/dev/null || return 1
	done
	log "frames at the target: tv0 $(($(nic_rx tv0) - before0)), tv1 $(($(nic_rx tv1) - before1))"
	[ "$(nic_rx tv0)" = "$before0" ] && [ "$(nic_rx tv1)" = "$before1" ] || return 1
	testbed_two_nics_ipv6 "$S" "$T" || return 1
	for nic in "" "-i sv1"; do
		# shellcheck disable=SC2086
		check_run ip netns exec "$S" "$SALVO" --dryrun -q $nic -b /dev/null -p 80 \
			-o /dev/null 2001:2:0:1::/126 >/dev/null || return 1
	done
	sleep 0.5 # an answer to a solicitation would be in by now
	expect_cold
}

# -S a range, then a list with gaps (ZMap's forms), on sv0: the target sees every probe once,
# each target always from the same source; it asks each source's MAC with ARP (answered by
# the scanner's kernel, which has the addresses, or by dpdk itself, which has none of them)
# and answers every probe (SYN-ACK or RST); salvo takes the replies to every source (each
# engine's filter: af_packet's cBPF span, the XDP program's span and, for the list, its map),
# and only at the source its target was probed from.  The open set is exact.
test_source_range_and_list_every_source_answered_open_set_exact() {
	skip_if_not_root || return
	setup_two_nics nicsrcs || return 1
	local spec addrs a i mac
	case $ENGINE in
	dpdk:*) ;;
	*) for i in $(seq 10 17) 20; do ip -n "$S" addr add "198.18.0.$i/24" dev sv0 || return 1; done ;;
	esac
	mac=$(testbed_mac "$S" sv0)
	start_listeners $OPEN_SET || return 1
	for spec in 198.18.0.10-198.18.0.17 198.18.0.10,198.18.0.13,198.18.0.20; do
		addrs=${spec//,/ }
		[ "$spec" = 198.18.0.10-198.18.0.17 ] && addrs=$(seq -f "198.18.0.%g" 10 17)
		count_syns "$TMP/syns.json" || return 1
		check_run salvo_on_nic sv0 -S "$spec" -q -b /dev/null -p 22,80,443,8080 -c 2 \
			-r 10000 -f saddr,sport,daddr,success --output-filter "repeat = 0" \
			-o "$TMP/out.csv" 198.18.1.0/24 || return 1
		stop_counting
		expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080 1 || return 1
		# shellcheck disable=SC2086
		python3 - "$TMP/out.csv" "$(echo $addrs)" $OPEN_SET <<'PY' || return 1
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
src_of = collections.defaultdict(set)
for r in rows:
    src_of[r["saddr"]].add(r["daddr"])
sources = collections.Counter(r["daddr"] for r in rows)
opened = sorted("%s:%s" % (r["saddr"], r["sport"]) for r in rows if r["success"] == "1")
print("    %d replies (1024 probes) to %d sources (%s), %d targets with more than one source; "
      "open: %d" % (len(rows), len(sources), " ".join("%s:%d" % kv for kv in
      sorted(sources.items())), sum(len(v) > 1 for v in src_of.values()), len(opened)))
sys.exit(0 if len(rows) == 1024 and sorted(sources) == sorted(sys.argv[2].split()) and
         all(len(v) == 1 for v in src_of.values()) and opened == sorted(sys.argv[3:]) else 1)
PY
		for a in $addrs; do
			ip -n "$T" neigh show "$a" dev tv0 | grep -q "lladdr $mac" ||
				{ log "the target has no MAC for $a"; return 1; }
		done
	done
}

# -i naming no interface: one line naming it, exit 1, before anything is sent on either NIC.
test_an_interface_that_does_not_exist_is_one_error() {
	skip_if_not_root || return
	setup_two_nics nicnone || return 1
	local before0 before1 status
	before0=$(nic_rx tv0) before1=$(nic_rx tv1)
	salvo_on_nic salvo-none0 -q -b /dev/null -p 80 198.18.1.0/24 >"$TMP/out" 2>"$TMP/err"
	status=$?
	log "exit $status: $(cat "$TMP/err")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "^salvo: --interface: salvo-none0: no such interface" "$TMP/err" &&
		[ "$(nic_rx tv0)" = "$before0" ] && [ "$(nic_rx tv1)" = "$before1" ]
}

# One salvo on both NICs (-i sv0,sv1, no -S, no -G, cold neighbour tables): each NIC's source
# is its own address, its next hop the one its route gives (sv1's by its source rule), asked
# with ARP.  One permutation over them: every probe leaves once, by one NIC, each NIC carries
# half (one sender thread each: -T is at least one per NIC), and the open set is exact; the
# interfaces' TX counters, the SYNs at the target and the metadata's per-NIC counts agree.
test_one_process_on_both_nics_open_set_exact_each_nic_half() {
	skip_if_not_root || return
	setup_two_nics nicboth || return 1
	start_listeners $OPEN_SET || return 1
	expect_cold || return 1
	count_both "$TMP/syns" || return 1
	local tx0 tx1
	tx0=$(nic_tx sv0) tx1=$(nic_tx sv1)
	check_run salvo_on_both -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 -m "$TMP/meta.json" \
		-o "$TMP/out.csv" 198.18.1.0/24 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
	stop_both
	tx0=$(($(nic_tx sv0) - tx0)) tx1=$(($(nic_tx sv1) - tx1))
	grep -E "^salvo: scanning|sv0 [0-9]+ sent" "$TMP/err" | tail -2 | sed 's/^/    /'
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "the open set through sv0 and sv1" "$TMP/expected" "$TMP/got" || return 1
	merge_syns "$TMP/syns.json" "$TMP/syns0" "$TMP/syns1" || return 1
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080 1 || return 1
	log "frames sent: sv0 $tx0, sv1 $tx1; SYNs at tv0 $(cat "$TMP/syns0.total"), tv1 $(cat "$TMP/syns1.total") (1024 probes)"
	# Half each: the slices of two threads, 512 probes, and a few ARP frames beside them.
	[ "$tx0" -ge 512 ] && [ "$tx0" -le 530 ] && [ "$tx1" -ge 512 ] && [ "$tx1" -le 530 ] || return 1
	[ "$(cat "$TMP/syns0.total")" = 512 ] && [ "$(cat "$TMP/syns1.total")" = 512 ] || return 1
	python3 - "$TMP/meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
nics = [(n["interface"], n["source_ips"], n["sent"], n["sender_threads"]) for n in m["nics"]]
print("    metadata: %s; sent %d" % (nics, m["counts"]["sent"]))
want_src = [["198.18.0.1"], ["198.18.2.1"]]
sys.exit(0 if [n[1] for n in nics] == want_src and [n[2] for n in nics] == [512, 512] and
         m["counts"]["sent"] == 1024 and m["config"]["sender_threads"] == 2 else 1)
PY
}

# SIGINT in the middle, then --resume, both through both NICs: the checkpoint's per-thread
# positions (one thread per NIC) continue each NIC's slice exactly: every probe once, the open
# set exact, and the resumed process sends through both NICs again.
test_one_process_on_both_nics_interrupt_and_resume_exact() {
	skip_if_not_root || return
	setup_two_nics nicresume || return 1
	start_listeners $OPEN_SET || return 1
	count_both "$TMP/syns" || return 1
	local pid status at tx0 tx1
	both_cmd
	"${BOTH[@]}" -q -b /dev/null -p 22,80,443,8080 -c 1 -r 400 --checkpoint-file "$TMP/cp" \
		-o "$TMP/out.csv" 198.18.1.0/24 &
	pid=$!
	at=$(python3 "$HELPER" random-int 120 380)
	await_syns "$TMP/syns0" "$at" || { kill -KILL $pid; return 1; }
	kill -INT $pid
	wait $pid
	status=$?
	log "SIGINT after $at SYNs through sv0: exit $status; SYNs $(cat "$TMP/syns0.total") + $(cat "$TMP/syns1.total"); $(grep -c next "$TMP/cp") threads in the checkpoint"
	[ $status -eq 0 ] || return 1
	tx0=$(nic_tx sv0) tx1=$(nic_tx sv1)
	check_run salvo_on_both -q -b /dev/null -p 22,80,443,8080 -c 1 -r 3000 --resume \
		--checkpoint-file "$TMP/cp" -o "$TMP/out.csv" 198.18.1.0/24 || return 1
	stop_both
	tx0=$(($(nic_tx sv0) - tx0)) tx1=$(($(nic_tx sv1) - tx1))
	log "the resumed process sent: sv0 $tx0, sv1 $tx1 frames"
	expected_rows >"$TMP/expected"
	sorted_results "$TMP/out.csv" >"$TMP/got"
	expect_same_lines "SIGINT + resume" "$TMP/expected" "$TMP/got" || return 1
	merge_syns "$TMP/syns.json" "$TMP/syns0" "$TMP/syns1" || return 1
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080 1 || return 1
	[ "$tx0" -gt 0 ] && [ "$tx1" -gt 0 ]
}

# -i with an interface that does not exist after one that does, or one interface twice: one
# line naming it, exit 1, nothing sent on either NIC (the first is not asked for its next hop).
test_one_process_on_both_nics_bad_interfaces_are_one_error() {
	skip_if_not_root || return
	setup_two_nics nicbad || return 1
	local before0 before1 status list want
	before0=$(nic_rx tv0) before1=$(nic_rx tv1)
	for list in sv0,salvo-none0 sv1,sv0,sv1; do
		case $list in
		*none*) want="^salvo: --interface: salvo-none0: no such interface" ;;
		*) want="^salvo: --interface: sv1: given twice" ;;
		esac
		case $ENGINE in dpdk:*) # its ports are not interfaces: -i is refused with several
			[ $list = sv0,salvo-none0 ] || continue
			want="^salvo: --interface: --io-engine=dpdk sends through the ports of its own" ;;
		esac
		case $ENGINE in
		dpdk:*) salvo_on_both -i sv0,salvo-none0 -q -b /dev/null -p 80 198.18.1.0/24 ;;
		*) salvo_on_nic "$list" -q -b /dev/null -p 80 198.18.1.0/24 ;;
		esac >"$TMP/out" 2>"$TMP/err"
		status=$?
		log "-i $list: exit $status: $(cat "$TMP/err")"
		[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "$want" "$TMP/err" ||
			return 1
	done
	log "frames at the target: tv0 $(($(nic_rx tv0) - before0)), tv1 $(($(nic_rx tv1) - before1))"
	[ "$(nic_rx tv0)" = "$before0" ] && [ "$(nic_rx tv1)" = "$before1" ]
}

# Replies that come back by the other NIC count: the target routes its answers to sv1's
# address 198.18.2.1 through tv0, so they reach salvo on sv0, whose engine takes replies to
# every source of the scan and checks them with sv1's probes.  Every probe is answered (RST
# or SYN-ACK), half of them to 198.18.2.1, all by sv0; the open set is exact.
test_one_process_on_both_nics_takes_replies_by_the_other_nic() {
	skip_if_not_root || return
	setup_two_nics nicother || return 1
	ip -n "$T" route add 198.18.2.1/32 via 198.18.0.1 dev tv0 || return 1
	start_listeners $OPEN_SET || return 1
	local rx1 to1
	rx1=$(ip netns exec "$S" cat /sys/class/net/sv1/statistics/rx_packets)
	check_run salvo_on_both -q -b /dev/null -p 22,80,443,8080 -c 1 -r 20000 \
		-f saddr,sport,daddr,success --output-filter "repeat = 0" -o "$TMP/out.csv" \
		198.18.1.0/24 || return 1
	rx1=$(($(ip netns exec "$S" cat /sys/class/net/sv1/statistics/rx_packets) - rx1))
	to1=$(grep -c ',198.18.2.1,' "$TMP/out.csv")
	log "replies: $(($(wc -l <"$TMP/out.csv") - 1)) of 1024, $to1 to 198.18.2.1; frames sv1 received: $rx1"
	grep ',1$' "$TMP/out.csv" | cut -d, -f1,2 | sort >"$TMP/got"
	expected_rows >"$TMP/expected"
	expect_same_lines "the open set, sv1's by sv0" "$TMP/expected" "$TMP/got" || return 1
	[ "$(wc -l <"$TMP/out.csv")" = 1025 ] && [ "$to1" = 512 ] && [ "$rx1" -lt 10 ]
}
