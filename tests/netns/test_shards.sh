# Scale-out: contrib/kubernetes/indexed-job.yaml checked field by field, and its very arguments
# run as the pods of the Indexed Job would, one process per completion index, in the namespace
# test bed: the shards together are exactly one unsharded scan, with no probe sent twice, and
# scripts/merge-results turns their outputs into the unsharded scan's output.  Run by runner.sh.

ALL_TESTS="test_kubernetes_manifest_has_what_an_indexed_job_needs
test_indexed_job_shards_together_equal_one_scan"

MANIFEST=$ROOT/contrib/kubernetes/indexed-job.yaml

# manifest_get WHAT: facts from the manifest, via python3-yaml.
manifest_get() {
	python3 - "$MANIFEST" "$1" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
job = next(d for d in docs if d["kind"] == "Job")
cm = next(d for d in docs if d["kind"] == "ConfigMap")
c = job["spec"]["template"]["spec"]["containers"][0]
what = sys.argv[2]
if what == "args":
    print("\n".join(c["args"]))
elif what == "conf":
    print(cm["data"]["scan.conf"], end="")
elif what == "shards":
    print(job["spec"]["completions"])
PY
}

test_kubernetes_manifest_has_what_an_indexed_job_needs() {
	python3 - "$MANIFEST" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
kinds = sorted(d["kind"] for d in docs)
job = next(d for d in docs if d["kind"] == "Job")
cm = next(d for d in docs if d["kind"] == "ConfigMap")
spec = job["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
args = c["args"]
def after(flag):
    return args[args.index(flag) + 1] if flag in args else None
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
volumes = {v["name"]: v for v in pod["volumes"]}
conf = dict(l.split(None, 1) for l in cm["data"]["scan.conf"].splitlines() if l.strip())
checks = [
    ("a ConfigMap and a Job", kinds == ["ConfigMap", "Job"]),
    ("apiVersion batch/v1", job["apiVersion"] == "batch/v1"),
    ("completionMode Indexed", spec.get("completionMode") == "Indexed"),
    ("completions == parallelism == --shards",
     spec["completions"] == spec["parallelism"] == int(after("--shards"))),
    ("--shard is the completion index", after("--shard") == "$(JOB_COMPLETION_INDEX)"),
    ("one output file per index", "$(JOB_COMPLETION_INDEX)" in after("--output-file")),
    ("one checkpoint per index", "$(JOB_COMPLETION_INDEX)" in (after("--checkpoint-file") or "")),
    ("outputs on the results volume", after("--output-file").startswith(mounts.get("results", "?") + "/")),
    ("results volume is a claim shared by all pods", "persistentVolumeClaim" in volumes.get("results", {})),
    ("the config file from the ConfigMap", after("--config") == mounts.get("config", "?") + "/scan.conf"
     and volumes["config"]["configMap"]["name"] == cm["metadata"]["name"]),
    ("one seed for every shard", conf.get("seed", "").strip().isdigit() and "--seed" not in args),
    ("targets and ports in the config", "target-range" in conf and "target-ports" in conf),
    ("the salvo binary", c["command"] == ["/usr/bin/salvo"]),
    ("NET_RAW, NET_ADMIN, BPF added, all else dropped",
     set(c["securityContext"]["capabilities"]["add"]) == {"NET_RAW", "NET_ADMIN", "BPF"}
     and c["securityContext"]["capabilities"]["drop"] == ["ALL"]),
    ("host network (raw frames leave through the node)", pod.get("hostNetwork") is True),
    ("pods are not restarted in place", pod["restartPolicy"] in ("Never", "OnFailure")),
    ("one pod per node (anti-affinity on the pods' own label, by hostname)",
     any(t["topologyKey"] == "kubernetes.io/hostname"
         and t["labelSelector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
         for t in pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"])),
]
bad = [name for name, ok in checks if not ok]
for name, ok in checks:
    print("    %s: %s" % ("ok" if ok else "NOT MET", name))
sys.exit(1 if bad else 0)
PY
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
	start_sniffer "$TMP/syns.json" "$([[ $ENGINE == af_xdp* ]] && echo 14 || echo 5)" || return 1
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
	wait "$SNIFF_PID"
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
