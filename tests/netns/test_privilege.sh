# Namespace tests of least privilege: salvo keeps only the capabilities it still needs once its
# sockets are open, runs as --user, works unprivileged with file capabilities, and runs the way
# contrib/systemd/salvo@.service starts it (ambient capabilities, a config file).  Run by
# runner.sh, once per engine.

ALL_TESTS="test_capabilities_are_dropped_after_setup
test_user_option_scans_as_that_user
test_file_capabilities_without_root
test_systemd_unit_runs_with_ambient_capabilities_and_a_config_file"

# The capability mask each engine keeps (CapEff in /proc): af_xdp keeps CAP_NET_ADMIN (12)
# to detach its program at exit; af_packet keeps nothing.
kept_mask() {
	case $ENGINE in
	af_xdp*) echo 0000000000001000 ;;
	*) echo 0000000000000000 ;;
	esac
}

# expect_open_set FILE: FILE (csv, saddr,sport) holds exactly OPEN_SET.
expect_open_set() {
	expected_rows >"$TMP/expected"
	sorted_results "$1" >"$TMP/got"
	expect_same_lines "results" "$TMP/expected" "$TMP/got"
}

# target_rx: the frames tv0, the target's end, has received so far.
target_rx() { ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets; }

# await_sending BEFORE: wait until the target has received 10 frames more than BEFORE (at most
# 30 s).  Once salvo's SYNs arrive, its sender threads run: every thread has been started, and
# the privileges were dropped before the first of them.
await_sending() {
	ip netns exec "$T" python3 "$HELPER" wait-count /sys/class/net/tv0/statistics/rx_packets \
		$(($1 + 10))
}

# A directory the unprivileged user can write.
shared_dir() {
	mkdir -p "$TMP/shared" && chmod 0777 "$TMP/shared" && chmod 0755 "$TMP"
}

test_capabilities_are_dropped_after_setup() {
	skip_if_not_root || return
	setup_testbed caps || return 1
	start_listeners $OPEN_SET || return 1
	local before
	before=$(target_rx)
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 -r 400 \
		-c 1 -o "$TMP/out.csv" 198.18.1.0/24 2>"$TMP/err" &
	local pid=$! task bad=0 want
	want=$(kept_mask)
	await_sending "$before" || { kill $pid; return 1; }
	# Every thread: capabilities are per thread, so each one is checked.
	for task in /proc/$pid/task/*; do
		local eff prm
		eff=$(awk '/^CapEff/ {print $2}' "$task/status")
		prm=$(awk '/^CapPrm/ {print $2}' "$task/status")
		[ "$eff" = "$want" ] && [ "$prm" = "$want" ] || bad=1
		log "thread $(basename "$task") $(cat "$task/comm"): CapPrm $prm CapEff $eff (want $want)"
	done
	wait $pid
	local status=$?
	log "exit $status: $(tail -1 "$TMP/err")"
	[ $bad = 0 ] && [ $status = 0 ] && expect_open_set "$TMP/out.csv" && no_xdp_left
}

test_user_option_scans_as_that_user() {
	skip_if_not_root || return
	setup_testbed user || return 1
	start_listeners $OPEN_SET || return 1
	shared_dir || return 1
	local before
	before=$(target_rx)
	ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 -r 400 \
		-c 1 --user nobody --checkpoint-file "$TMP/shared/cp" -o "$TMP/out.csv" \
		198.18.1.0/24 2>"$TMP/err" &
	local pid=$! uid status
	await_sending "$before" || { kill $pid; return 1; }
	uid=$(awk '/^Uid/ {print $2, $3, $4, $5}' "/proc/$pid/status")
	log "Uid: $uid; CapEff $(awk '/^CapEff/ {print $2}' "/proc/$pid/status")"
	wait $pid
	status=$?
	log "exit $status: $(tail -1 "$TMP/err"); checkpoint owned by $(stat -c %U "$TMP/shared/cp")"
	[ "$uid" = "65534 65534 65534 65534" ] && [ $status = 0 ] || return 1
	[ "$(stat -c %U "$TMP/shared/cp")" = nobody ] || return 1
	expect_open_set "$TMP/out.csv" && no_xdp_left
}

# salvo copied with file capabilities cap_net_raw,cap_net_admin,cap_bpf+ep, run as nobody.
test_file_capabilities_without_root() {
	skip_if_not_root || return
	skip_if_missing setcap setpriv || return
	setup_testbed fcaps || return 1
	start_listeners $OPEN_SET || return 1
	shared_dir || return 1
	cp "$SALVO" "$TMP/salvo-fcaps" && chmod 0755 "$TMP/salvo-fcaps" || return 1
	check_run setcap cap_net_raw,cap_net_admin,cap_bpf+ep "$TMP/salvo-fcaps" || return 1
	check_run ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TMP/salvo-fcaps" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 22,80,443,8080 -r 20000 -c 1 \
		-o "$TMP/shared/out.csv" 198.18.1.0/24 || return 1
	expect_open_set "$TMP/shared/out.csv" || return 1
	no_xdp_left || return 1
	# The same binary without its file capabilities names what it lacks.
	setcap -r "$TMP/salvo-fcaps" || return 1
	ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/salvo-fcaps" \
		"${ENGINE_ARGS[@]}" -q -b /dev/null -p 80 -c 1 -o "$TMP/shared/no.csv" 198.18.1.0/24 \
		2>"$TMP/err"
	local status=$?
	log "without file capabilities: exit $status: $(cat "$TMP/err")"
	[ $status = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "CAP_NET_RAW" "$TMP/err"
}

# The unit's ExecStart, User, AmbientCapabilities, read from the file and run with setpriv as
# systemd would (nobody stands in for the salvo user; the config lives under $TMP).
test_systemd_unit_runs_with_ambient_capabilities_and_a_config_file() {
	skip_if_not_root || return
	skip_if_missing setpriv || return
	local unit=$ROOT/contrib/systemd/salvo@.service exec caps user
	exec=$(sed -n 's/^ExecStart=//p' "$unit")
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$unit")
	user=$(sed -n 's/^User=//p' "$unit")
	log "ExecStart=$exec; AmbientCapabilities=$caps; User=$user"
	[ "$user" = salvo ] && [ "$caps" = "CAP_NET_RAW CAP_NET_ADMIN CAP_BPF" ] || return 1
	[[ $exec == "/usr/bin/salvo --config /etc/salvo/%i.conf"* ]] || return 1
	setup_testbed unit || return 1
	start_listeners $OPEN_SET || return 1
	shared_dir || return 1
	local engine=${ENGINE%% *} mode=""
	[[ $ENGINE == *--xdp-mode=* ]] && mode="xdp-mode ${ENGINE##*--xdp-mode=}"
	mkdir -p "$TMP/etc/salvo" && cat >"$TMP/etc/salvo/lab.conf" <<-CONF
	# the lab network
	target-ports 22,80,443,8080
	target-range 198.18.1.0/24
	blocklist-file /dev/null
	rate 20000
	cooldown-time 1
	io-engine $engine
	$mode
	output-file $TMP/shared/results.csv
	checkpoint-file $TMP/shared/checkpoint
	CONF
	local setcaps
	setcaps=$(tr ' ' '\n' <<<"$caps" | sed 's/^CAP_/+/' | tr 'A-Z' 'a-z' | paste -sd,)
	read -r -a argv <<<"${exec//%i/lab}"
	argv=("${argv[@]/\/etc\/salvo\//$TMP/etc/salvo/}")
	argv[0]=$SALVO
	check_run ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps="$setcaps" --ambient-caps="$setcaps" "${argv[@]}" || return 1
	expect_open_set "$TMP/shared/results.csv" && [ -s "$TMP/shared/checkpoint" ] && no_xdp_left
}
