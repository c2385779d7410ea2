# The documentation's examples that send packets (tests/examples.py sorts them: README.md,
# doc/*.md, contrib/*/README.md, the man page), run on the test bed as tests/examples.py maps
# them: in the scanner namespace, the documentation ranges replaced by the test bed's
# (198.18.1.0/24, 2001:2:0:1::/64), "-b /dev/null -c 1" after each salvo.  Each must exit 0 and
# its probes must reach the target namespace.  tests/cli/test_examples.sh runs the rest and
# parse-checks these.  Run by runner.sh.

ALL_TESTS="test_sending_examples_run_on_the_test_bed"

test_sending_examples_run_on_the_test_bed() {
	skip_if_not_root || return
	setup_testbed examples || return 1
	testbed_ipv6_target "$T" || return 1
	testbed_ipv6_scanner "$S" || return 1
	start_listeners $OPEN_SET 2001:2:0:1::9:443 2001:2:0:1:abcd::77:443 || return 1
	python3 "$ROOT/tests/examples.py" list "$ROOT" testbed >"$TMP/list" || return 1
	local where kind cmd n=0 bad=0 status before after
	mkdir -p "$TMP/scratch"
	python3 "$ROOT/tests/examples.py" fixtures "$TMP/scratch" testbed || return 1
	ln -s "$ROOT/$BUILD" "$TMP/scratch/build"
	while IFS=$'\t' read -r where kind cmd; do
		case $kind in
		send) ;;
		error)
			log "BAD: $where: $cmd"
			bad=$((bad + 1))
			continue
			;;
		*) continue ;;
		esac
		n=$((n + 1))
		before=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
		(cd "$TMP/scratch" && HOME=$TMP/scratch PATH="$ROOT/$BUILD:$PATH" \
			ip netns exec "$S" bash -o pipefail -c "$cmd") >"$TMP/out" 2>"$TMP/err" </dev/null
		status=$?
		after=$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)
		log "$where: \$ $cmd -> $status, $((after - before)) frames at the target"
		if ! { [ $status = 0 ] || { [ $status = 141 ] && [[ $cmd == *"|"* ]]; }; } ||
			[ "$after" -le "$before" ]; then
			log "BAD: $where: $(grep -v '^salvo: [0-9]*:[0-9]* ' "$TMP/err" | head -3)"
			bad=$((bad + 1))
		fi
	done <"$TMP/list"
	log "$n sending examples on the test bed, $bad bad"
	[ $bad = 0 ] && [ $n -ge 8 ]
}
