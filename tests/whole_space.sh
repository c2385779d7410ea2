#!/usr/bin/env bash
# The whole IPv4 space, proven: salvo --fast-dryrun of 0.0.0.0/0 for one port with the
# built-in blocklist, read by tests/fastdry_check (a bitmap of every address): every address
# not blocklisted exactly once, none blocklisted, nothing else.  With one sender thread, with
# two, and as the union of three shards.  3,702,258,432 probes a run, 22 GB of records
# through a pipe; a few minutes each on two cores, so it runs in .ci/run (make
# check-whole-space), not in make test (tests/cli/test_fastdry_check.sh does small spaces
# there).  The seed is said, so a failure can be run again.  Sends nothing: it runs
# unprivileged in an empty network namespace when we are root.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/cli/lib.sh"
CHECK=${CHECK:-$ROOT/$BUILD/tests/fastdry_check}
SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}
PORT=443
FAST=("${RUN[@]}" "$SALVO" --fast-dryrun -q -r 0 -S 198.18.0.1 -G 02:00:00:00:00:02
	-p "$PORT" -e "$SEED")

TMP=$(mktemp -d /tmp/salvo-whole.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# whole NAME COMMAND...: COMMAND's stdout through the checker; both must succeed.
whole() {
	local name=$1 start took status
	shift
	start=$(date +%s.%N)
	"$@" 2>"$TMP/err" | "$CHECK" -p "$PORT" 0.0.0.0/0 >"$TMP/out" 2>&1
	status=("${PIPESTATUS[@]}")
	took=$(printf '%.0f' "$(echo "$(date +%s.%N) - $start" | bc -l)")
	cat "$TMP/out" "$TMP/err"
	if [ "${status[0]}" = 0 ] && [ "${status[1]}" = 0 ]; then
		result "$name: every address not blocklisted once, none blocked (${took} s)" 0
	else
		result "$name: salvo exit ${status[0]}, checker exit ${status[1]} (${took} s)" 1
	fi
}

# shards TARGET: the three shards of one scan, one after the other, as one stream.
shards() {
	local i
	for i in 0 1 2; do
		"${FAST[@]}" -T 1 --shards 3 --shard "$i" "$@" || return
	done
}

echo "seed $SEED, port $PORT (SEED=$SEED $0 runs the same permutations again)"
whole "0.0.0.0/0, one sender thread" "${FAST[@]}" -T 1 0.0.0.0/0
whole "0.0.0.0/0, two sender threads" "${FAST[@]}" -T 2 0.0.0.0/0
whole "0.0.0.0/0, the union of three shards" shards 0.0.0.0/0
finish
