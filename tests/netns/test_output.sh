# Namespace tests of an output that cannot keep up: a reader that pauses, reads slowly or goes
# away, and a disk that fills.  Every probe of 198.18.1.0/24 x a port range is answered by the
# target kernel's RST, kept with --output-filter 'classification = "rst" && repeat = 0': the
# expected result set is every (address, port) pair, each once.  Run by runner.sh once per
# engine.

ALL_TESTS="test_a_paused_reader_loses_no_result
test_a_full_disk_stops_the_scan_and_resume_completes_it
test_a_reader_that_goes_away_ends_the_scan_quietly
test_a_second_signal_abandons_a_stalled_reader
test_a_kill_while_the_reader_is_paused_loses_nothing
test_a_slow_reader_sets_the_pace"
# Through dpdk the receive path is the engine's own; the output side is the same code.
case $ENGINE in dpdk:*) ALL_TESTS="test_a_paused_reader_loses_no_result" ;; esac

RST_FILTER='classification = "rst" && repeat = 0'

# every_pair LAST_PORT: the rows a scan of 198.18.1.0/24 x ports 1-LAST_PORT keeps, sorted.
every_pair() {
	awk -v last="$1" 'BEGIN { for (a = 0; a < 256; a++) for (p = 1; p <= last; p++)
		print "198.18.1." a "," p }' | sort
}

# expect_every_pair_once NAME LAST_PORT FILE...: the files' rows (csv headers dropped) hold
# every pair exactly once, and nothing else.
expect_every_pair_once() {
	local name=$1 last=$2
	shift 2
	every_pair "$last" >"$TMP/want"
	cat "$@" | grep -v '^saddr' | sort >"$TMP/got"
	local dups
	dups=$(uniq -d "$TMP/got" | wc -l)
	[ "$dups" -eq 0 ] || { log "$name: $dups rows more than once"; return 1; }
	expect_same_lines "$name" "$TMP/want" "$TMP/got"
}

# scan_into_paused_reader: salvo (256 x 400 probes, -c 5, --checkpoint-file $TMP/cp) writing
# into a reader that sleeps 4 s before it reads into $TMP/first.csv; SCAN_PID is salvo itself
# (exec: ip netns exec execs it, so $! is not a subshell waiting for it).
scan_into_paused_reader() {
	mkfifo "$TMP/fifo" || return 1
	sh -c 'sleep 4; cat' <"$TMP/fifo" >"$TMP/first.csv" &
	BG_PIDS+=($!)
	(exec ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" -q -b /dev/null -p 1-400 -c 5 \
		-r 100000 --output-filter "$RST_FILTER" --checkpoint-file "$TMP/cp" \
		198.18.1.0/24) >"$TMP/fifo" 2>"$TMP/err" &
	SCAN_PID=$!
}

# resume_after_paused_reader NAME: once the reader is done, --resume into $TMP/rest.csv; what
# the reader got and what the resume wrote hold every pair once.
resume_after_paused_reader() {
	wait "${BG_PIDS[-1]}"
	check_run salvo_in_scanner -q -b /dev/null -p 1-400 -c 1 -r 100000 \
		--output-filter "$RST_FILTER" --checkpoint-file "$TMP/cp" --resume \
		-o "$TMP/rest.csv" 198.18.1.0/24 || return 1
	log "the reader got $(wc -l <"$TMP/first.csv") rows, the resumed scan wrote $(wc -l <"$TMP/rest.csv")"
	expect_every_pair_once "$1" 400 "$TMP/first.csv" "$TMP/rest.csv"
}

# The reader sleeps 5 s, then reads everything: with the default --output-buffer every result
# waits in memory (af_packet); with 1M the senders pause and go on as it drains (the summary
# says so), on every engine.
test_a_paused_reader_loses_no_result() {
	skip_if_not_root || return
	setup_testbed pausedreader || return 1
	local status
	# The whole scan's results in memory: the output side alone, the same for every engine.
	if [ "$ENGINE" = af_packet ]; then
		salvo_in_scanner -b /dev/null -p 1-400 -c 1 -r 100000 --output-filter "$RST_FILTER" \
			198.18.1.0/24 2>"$TMP/err1" | sh -c 'sleep 5; cat' >"$TMP/out1.csv"
		status=${PIPESTATUS[0]}
		log "paused reader, default buffer: exit $status; $(grep 'done in' "$TMP/err1")"
		[ "$status" = 0 ] || { cat "$TMP/err1"; return 1; }
		expect_every_pair_once "default buffer" 400 "$TMP/out1.csv" || return 1
	fi

	salvo_in_scanner -b /dev/null -p 1-400 -c 1 -r 100000 --output-filter "$RST_FILTER" \
		--output-buffer 1M 198.18.1.0/24 2>"$TMP/err2" | sh -c 'sleep 5; cat' >"$TMP/out2.csv"
	status=${PIPESTATUS[0]}
	log "paused reader, --output-buffer 1M: exit $status; $(grep 'done in' "$TMP/err2")"
	[ "$status" = 0 ] || { cat "$TMP/err2"; return 1; }
	expect_every_pair_once "1M buffer" 400 "$TMP/out2.csv" || return 1
	grep -q "the output held sending back for" "$TMP/err2" ||
		{ log "the summary does not say the output held the scan back"; return 1; }
}

# The output file is on a 1 MiB disk that fills part-way (the checkpoint is elsewhere): the
# scan stops at once with one line, and --resume into a new file completes it: the two files
# hold every result exactly once, and no half line.
test_a_full_disk_stops_the_scan_and_resume_completes_it() {
	skip_if_not_root || return
	setup_testbed diskfull || return 1
	mkdir -p "$TMP/disk" && mount -t tmpfs -o size=1m salvo-test "$TMP/disk" || return 1
	local status start end lines
	start=$(date +%s%N)
	salvo_in_scanner -q -b /dev/null -p 1-400 -c 1 -r 20000 --output-filter "$RST_FILTER" \
		--checkpoint-file "$TMP/cp" -o "$TMP/disk/out.csv" 198.18.1.0/24 2>"$TMP/err"
	status=$?
	end=$(date +%s%N)
	lines=$(wc -l <"$TMP/disk/out.csv")
	log "disk full: exit $status after $(((end - start) / 1000000)) ms, $lines lines: $(cat "$TMP/err")"
	[ "$status" = 1 ] || return 1
	[ "$(wc -l <"$TMP/err")" = 1 ] || { log "not one line"; return 1; }
	grep -q "^salvo: --output-file $TMP/disk/out.csv: No space left on device: $((lines - 1)) results written, [0-9]* not; --resume --checkpoint-file $TMP/cp" "$TMP/err" ||
		{ log "the line does not say what was written and how to resume"; return 1; }
	# All sent at 20,000 pps would take 5 s: the scan stopped, it did not run to its end.
	[ $(((end - start) / 1000000)) -lt 4500 ] || { log "the scan ran on"; return 1; }
	grep -qvE '^(saddr,sport|198\.18\.1\.[0-9]+,[0-9]+)$' "$TMP/disk/out.csv" &&
		{ log "a partial line in the full file"; return 1; }
	check_run salvo_in_scanner -q -b /dev/null -p 1-400 -c 1 -r 100000 \
		--output-filter "$RST_FILTER" --checkpoint-file "$TMP/cp" --resume \
		-o "$TMP/rest.csv" 198.18.1.0/24 || return 1
	cp "$TMP/disk/out.csv" "$TMP/first.csv" && umount "$TMP/disk" || return 1
	log "resumed into a new file: $(wc -l <"$TMP/rest.csv") lines"
	expect_every_pair_once "full disk + resume" 400 "$TMP/first.csv" "$TMP/rest.csv"
}

# salvo ... | head -5: salvo sees EPIPE, stops within a second, says nothing, leaves a
# checkpoint, and ends by SIGPIPE (status 141), as a writer in a pipeline does.
test_a_reader_that_goes_away_ends_the_scan_quietly() {
	skip_if_not_root || return
	setup_testbed readergone || return 1
	local start end status lines
	start=$(date +%s%N)
	salvo_in_scanner -q -b /dev/null -p 1-400 -c 1 -r 20000 --output-filter "$RST_FILTER" \
		--checkpoint-file "$TMP/cp" 198.18.1.0/24 2>"$TMP/err" | head -5 >"$TMP/head"
	status=${PIPESTATUS[0]}
	end=$(date +%s%N)
	lines=$(wc -l <"$TMP/head")
	log "| head -5: salvo exit $status after $(((end - start) / 1000000)) ms, head read $lines lines"
	[ "$status" = 141 ] || return 1
	[ "$lines" = 5 ] || return 1
	[ -s "$TMP/err" ] && { log "stderr: $(cat "$TMP/err")"; return 1; }
	# The scan alone would take 5 s at 20,000 pps.
	[ $(((end - start) / 1000000)) -lt 1500 ] || { log "salvo ran on"; return 1; }
	[ -s "$TMP/cp" ] || { log "no checkpoint"; return 1; }
	check_run salvo_in_scanner -q -b /dev/null -p 1-400 -c 1 -r 100000 \
		--output-filter "$RST_FILTER" --checkpoint-file "$TMP/cp" --resume \
		-o "$TMP/rest.csv" 198.18.1.0/24 || return 1
}

# The reader stalls; SIGINT during the cooldown, then a second one: salvo stops waiting for the
# reader, says how many results were not written, and --resume writes exactly those.
test_a_second_signal_abandons_a_stalled_reader() {
	skip_if_not_root || return
	setup_testbed stalled || return 1
	local status
	scan_into_paused_reader || return 1
	sleep 1.5
	kill -INT "$SCAN_PID"
	sleep 0.5
	kill -INT "$SCAN_PID"
	wait "$SCAN_PID"
	status=$?
	log "two signals: exit $status: $(cat "$TMP/err")"
	[ "$status" = 1 ] || return 1
	grep -q "^salvo: --output-file -: interrupted again while the output's reader was stalled: [0-9]* results written, [1-9][0-9]* not; --resume" "$TMP/err" ||
		{ log "the line does not say what was not written"; return 1; }
	resume_after_paused_reader "abandoned + resume"
}

# SIGKILL (the orchestrator's last word at a window's end) while the reader is paused and the
# results wait in memory: they are lost with the process, so neither the checkpoint written
# while the scan ran nor .seen may claim them.  The resumed scan sends those probes again and
# writes their results: with what the reader got, every pair once.
test_a_kill_while_the_reader_is_paused_loses_nothing() {
	skip_if_not_root || return
	setup_testbed killpaused || return 1
	local status
	scan_into_paused_reader || return 1
	sleep 2.5
	kill -KILL "$SCAN_PID"
	wait "$SCAN_PID"
	status=$?
	log "SIGKILL at 2.5 s, reader paused 4 s: exit $status"
	[ "$status" = 137 ] || { cat "$TMP/err"; return 1; }
	resume_after_paused_reader "killed + resume"
}

# A reader that takes 2,000 lines a second, through a one-page pipe: the scan's send rate
# follows the reader (the senders are held most of the time), the status line shows the
# backlog, and every result arrives once.
test_a_slow_reader_sets_the_pace() {
	skip_if_not_root || return
	setup_testbed slowreader || return 1
	local status held sent_s
	salvo_in_scanner -b /dev/null -p 1-64 -c 1 -r 100000 --output-filter "$RST_FILTER" \
		--output-buffer 1M -m "$TMP/meta.json" 198.18.1.0/24 2>"$TMP/err" |
		python3 "$HELPER" slow-reader 2000 >"$TMP/out.csv"
	status=${PIPESTATUS[0]}
	held=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["output_bound_s"])' "$TMP/meta.json")
	sent_s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_duration_s"])' "$TMP/meta.json")
	log "slow reader: exit $status; sending took ${sent_s} s, held ${held} s"
	[ "$status" = 0 ] || { cat "$TMP/err"; return 1; }
	expect_every_pair_once "slow reader" 64 "$TMP/out.csv" || return 1
	# Unheld, 16,384 probes take 0.2 s; what the buffer and pipe cannot hold waits for the
	# reader's 2,000 lines a second.
	python3 -c 'import sys; sys.exit(not (float(sys.argv[1]) >= 2.0 and float(sys.argv[2]) >= 2.0))' \
		"$sent_s" "$held" || { log "the scan did not follow the reader"; return 1; }
	grep -q "; output: [0-9.]* MB queued, held [0-9.]* s (sending waits for it)" "$TMP/err" ||
		{ log "no status line shows the held backlog"; return 1; }
}
