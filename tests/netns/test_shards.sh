# Scale-out: contrib/kubernetes/indexed-job.yaml checked field by field, and its very arguments
# run as the pods of the Indexed Job would, one process per completion index, in the namespace
# test bed: the shards together are exactly one unsharded scan, with no probe sent twice, and
# scripts/merge-results turns their outputs into the unsharded scan's output.  Run by runner.sh.

ALL_TESTS="test_kubernetes_manifest_has_what_an_indexed_job_needs
test_indexed_job_shards_together_equal_one_scan"

MANIFEST=$ROOT/contrib/kubernetes/indexed-job.yaml

# manifest_get WHAT: facts from the manifest, via python3-yaml.
manifest_get() { python3 "$HELPER" manifest-get "$MANIFEST" "$1"; }

test_kubernetes_manifest_has_what_an_indexed_job_needs() {
	python3 "$HELPER" check-manifest "$MANIFEST"
}

test_indexed_job_shards_together_equal_one_scan() {
	skip_if_not_root || return
	setup_testbed shards || return 1
	start_listeners $OPEN_SET || return 1
	local shards i pids=() args=()
	shards=$(manifest_get shards)
	mkdir -p "$TMP/etc" "$TMP/results" && manifest_get conf >"$TMP/etc/scan.conf" || return 1
	mapfile -t args < <(manifest_get args)
	# The test bed's network on the command line, which overrides the config file's.
	local lab=(-b /dev/null -p 22,80,443,8080,1000-1019 -r 1000 --cooldown-time 1 198.18.1.0/24)
	count_syns "$TMP/syns.json" || return 1
	# The pods run at once, each on its own node; here the nodes share one interface, which
	# af_packet allows, but af_xdp gives to one scanner at a time: its shards run in turn.
	for ((i = 0; i < shards; i++)); do
		local a=("${args[@]//\$(JOB_COMPLETION_INDEX)/$i}")
		a=("${a[@]//\/etc\/salvo\//$TMP/etc/}")
		a=("${a[@]//\/results\//$TMP/results/}")
		ip netns exec "$S" "$SALVO" "${ENGINE_ARGS[@]}" "${a[@]}" "${lab[@]}" 2>"$TMP/err$i" &
		if [[ $ENGINE == af_xdp* ]]; then
			wait $! || { log "shard $i failed: $(cat "$TMP/err$i")"; return 1; }
		else
			pids+=($!)
		fi
	done
	log "$shards shards: $SALVO ${a[*]} ${lab[*]}"
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { log "shard $i failed: $(cat "$TMP/err$i")"; return 1; }
	done
	stop_counting
	expect_syns "$TMP/syns.json" 198.18.1.0/24 22,80,443,8080,1000-1019 1 || return 1
	# No result in two shards, and merged they are what one unsharded scan writes.
	local overlap
	overlap=$(cat "$TMP"/results/shard-*.csv | grep -v '^saddr' | sort | uniq -d | wc -l)
	log "results per shard: $(for f in "$TMP"/results/shard-*.csv; do echo -n "$(($(wc -l <"$f") - 1)) "; done)(overlap $overlap)"
	[ "$overlap" = 0 ] || return 1
	"$ROOT/scripts/merge-results" "$TMP"/results/shard-*.csv >"$TMP/merged.csv" || return 1
	check_run salvo_in_scanner --config "$TMP/etc/scan.conf" -q -o "$TMP/whole.csv" \
		"${lab[@]}" -r 20000 || return 1
	"$ROOT/scripts/merge-results" "$TMP/whole.csv" >"$TMP/whole.sorted" || return 1
	expect_same_lines "merged shards vs one scan" "$TMP/whole.sorted" "$TMP/merged.csv" || return 1
	[ "$(tail -n +2 "$TMP/merged.csv" | wc -l)" = 5 ]
}
