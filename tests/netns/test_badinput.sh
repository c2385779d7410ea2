# The bad-input matrix: every option of salvo with malformed values (empty, negative, overflow,
# junk suffix, wrong kind, a directory or a missing, unreadable or huge file where a file is
# due) must exit 1 with one line on stderr that names the option, print nothing on stdout,
# never crash, and send nothing: the test bed's veth counts every frame.  README.md's count of
# the values tried is this test's.  Run by runner.sh.

ALL_TESTS="test_every_option_refuses_bad_values_and_sends_nothing"

frames() {
	echo "$(ip netns exec "$S" cat /sys/class/net/sv0/statistics/tx_packets)" \
		"$(ip netns exec "$T" cat /sys/class/net/tv0/statistics/rx_packets)"
}

test_every_option_refuses_bad_values_and_sends_nothing() {
	skip_if_not_root || return
	skip_if_missing setpriv || return
	setup_testbed badinput || return 1
	local dir=$TMP/dir huge=$TMP/huge.txt secret=$TMP/private/list.txt zeros=$TMP/zeros.txt
	mkdir -p "$dir" "$TMP/private" && chmod 0755 "$TMP" && chmod 0700 "$TMP/private"
	echo 198.18.1.1 >"$secret"
	# 64 MiB on one line, and a sparse file of NUL bytes.
	head -c 67108864 /dev/zero | tr '\0' '1' >"$huge"
	truncate -s 1G "$zeros"
	local num=("" "-1" "99999999999999999999999" "12abc" "abc" "0x" " 7" "1e9")
	local addr=("" "-1" "198.18.1" "1.2.3.4.5" "300.1.1.1" "198.18.1.1/33" "junk" "1.2.3.4junk")
	local mac=("" "-1" "00:11:22:33:44" "00:11:22:33:44:55:66" "zz:11:22:33:44:55" "0011.2233.4455x")
	local name=("" "-1" "bogus" "$(printf 'x%.0s' {1..300})")
	local rfile=("" "/nonexistent/file" "$dir" "$huge" "$zeros")
	local wfile=("" "/nonexistent/dir/file" "$dir")
	local cases=() v
	for v in "${num[@]}"; do
		cases+=("--rate|$v" "--cooldown-time|$v" "--probes|$v" "--seed|$v" "--shards|$v"
			"--shard|$v" "--sender-threads|$v" "--receivers|$v" "--max-targets|$v"
			"--max-results|$v" "--max-runtime|$v" "--max-sendto-failures|$v"
			"--min-hitrate|$v" "--bandwidth|$v" "--source-port|$v" "--target-ports|$v"
			"--retries|$v" "--batch|$v" "--output-buffer|$v")
	done
	cases+=("--rate-min|abc|--rate-mode=aimd" "--rate-max|-1|--rate-mode=aimd" "--probes|0"
		"--probes|256" "--sender-threads|0" "--sender-threads|65" "--min-hitrate|101"
		"--source-port|70000" "--source-port|9-3" "--target-ports|1-" "--target-ports|80,,81"
		"--max-targets|101%" "--max-targets|0.0000000001%" "--shard|5|--shards=2"
		"--batch|0" "--batch|1025" "--retries|1001" "--output-args|x"
		"--validate-source-port|maybe" "--iplayer||--io-engine=af_xdp")
	for v in "${addr[@]}"; do cases+=("--source-ip|$v" "--target-range|$v"); done
	for v in "${mac[@]}"; do cases+=("--gateway-mac|$v" "--source-mac|$v"); done
	for v in "${name[@]}"; do
		cases+=("--interface|$v" "--io-engine|$v" "--probe-module|$v" "--output-module|$v"
			"--xdp-mode|$v" "--status-format|$v" "--dialect|$v" "--interrupt|$v" "--rate-mode|$v"
			"--user|$v")
	done
	for v in "${rfile[@]}"; do
		cases+=("--allowlist-file|$v" "--blocklist-file|$v" "--config|$v")
	done
	cases+=("--allowlist-file|$secret|nobody" "--blocklist-file|$secret|nobody"
		"--config|$secret|nobody" "--probe-args|file:$secret|nobody --probe-module=udp")
	for v in "${wfile[@]}"; do
		cases+=("--output-file|$v" "--metadata-file|$v" "--status-updates-file|$v"
			"--checkpoint-file|$v" "--control|$v")
	done
	cases+=("--pcap|$TMP/x.pcap" "--pcap||--dryrun" "--pcap|/nonexistent/dir/x.pcap|--dryrun"
		"--resume|" "--checkpoint-file|$huge|--resume" "--checkpoint-file|$zeros|--resume"
		"--checkpoint-file|/nonexistent/cp|--resume"
		"--output-fields|" "--output-fields|nosuch" "--output-fields|saddr,,sport"
		"--output-fields|saddr," "--output-filter|" "--output-filter|(" "--output-filter|ttl <"
		"--output-filter|ttl < abc" "--output-filter|nosuch = 1" "--output-filter|saddr = 300.1.1.1"
		"--probe-args|bogus" "--probe-args|hex:zz|--probe-module=udp"
		"--probe-args|hex:abc|--probe-module=udp" "--probe-args|file:$dir|--probe-module=udp"
		"--probe-args|file:/nonexistent|--probe-module=udp" "--probe-args|x|--probe-module=udp"
		"--icmp-prescan||--probe-module=icmp_echoscan" "--dryrun=yes|" "--quiet=1|"
		"--frobnicate|1" "--bandwidth|1M|--rate=5" "--output-buffer|64K" "--output-buffer|2T"
		"--output-buffer|256MiBs" "--output-buffer|256iB")
	local before after total=0 bad=0 c opt val extra status lines err out base=(-q -c 0 -b /dev/null -p 80 198.18.1.0/24)
	before=$(frames)
	for c in "${cases[@]}"; do
		IFS='|' read -r opt val extra <<<"$c"
		local run=(ip netns exec "$S")
		local args=()
		if [ "${extra%% *}" = nobody ]; then
			run+=(setpriv --reuid=65534 --regid=65534 --clear-groups)
			extra=${extra#nobody}
		fi
		read -r -a args <<<"$extra"
		case $opt in
		--resume | --dryrun=yes | --quiet=1 | --icmp-prescan | --iplayer) args+=("$opt") ;;
		--target-range) base=(-q -c 0 -b /dev/null -p 80) && args+=("$opt" "$val") ;;
		*) args+=("$opt" "$val") ;;
		esac
		# The option under test last: given twice, the later value is the one that counts.
		out=$("${run[@]}" "$SALVO" "${ENGINE_ARGS[@]}" "${base[@]}" "${args[@]}" 2>"$TMP/err")
		status=$?
		base=(-q -c 0 -b /dev/null -p 80 198.18.1.0/24)
		err=$(cat "$TMP/err")
		lines=$(wc -l <"$TMP/err")
		total=$((total + 1))
		local want=${opt%%=*}
		# A checkpoint that --resume cannot read is reported as --resume's.
		[[ " ${args[*]} " == *" --resume "* ]] && want=--resume
		# The line names the option (or, for a positional target, the value).
		if [ $status != 1 ] || [ -n "$out" ] || [ "$lines" != 1 ] || [[ $err != "salvo: "* ]] ||
			{ [[ $err != *"$want"* ]] && [[ $err != *"-${want:2:1}"* || ${#want} -lt 3 ]]; }; then
			log "BAD: ${args[*]:0:4} -> exit $status, $lines lines: $(head -c 300 "$TMP/err")"
			bad=$((bad + 1))
		fi
	done
	after=$(frames)
	log "$total bad inputs, $bad handled wrongly; frames sent/received by the test bed: $before -> $after"
	# README says how many bad values this matrix tries: this count.
	local said
	said=$(tr -s ' \n' ' ' <"$ROOT/README.md" |
		sed -n 's/.*test_badinput\.sh` tries \([0-9]*\) bad values.*/\1/p')
	log "README says ${said:-no number of} bad values"
	[ $bad = 0 ] && [ "$before" = "$after" ] && [ "$said" = "$total" ]
}
