#!/usr/bin/env bash
# Every example of the documentation runs (README.md, doc/*.md, contrib/*/README.md: their ```sh
# and ```console blocks; the man page's EXAMPLES), found and sorted by tests/examples.py:
#   run         run as written, in a scratch directory (the fixtures targets.txt and
#               hitlist.txt in it, build/ a link to the build, the build first on the PATH,
#               HOME the scratch directory), unprivileged in an empty network namespace
#   send        each salvo of it parse-checked here as a dry run (salvo --dryrun -b /dev/null
#               ARGS); tests/netns/test_examples.sh runs it on the test bed
#   shape       marked "shape only": salvo parse-checked as above, the rest bash -n
#   make        make -n TARGET in the checkout (the target exists and its recipe expands)
#   transcript  run, /usr/bin/X read as the build's X; the output lines start as shown
# An example that cannot be sorted (a program these tests do not run) fails.  Then the README's
# first screen: the set-up block is exactly make demo and make test, and the first examples
# are five that run as written, beside the line saying reserved ranges are blocked.
# Each run must exit 0 (141 too for a pipeline, whose writer a closing "head" ends).
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
W=$(mktemp -d /tmp/salvo-examples.XXXXXX)
trap 'rm -rf "$W"' EXIT
chmod 0755 "$W"

# scratch: a fresh working directory a user might paste into, writable by the unprivileged
# user RUN switches to.
scratch() {
	rm -rf "$W/scratch"
	mkdir -p "$W/scratch"
	python3 "$ROOT/tests/examples.py" fixtures "$W/scratch" cli
	# From a checkout: its build/ and scripts/ are there.
	ln -s "$ROOT/$BUILD" "$W/scratch/build"
	ln -s "$ROOT/scripts" "$W/scratch/scripts"
	chmod -R a+rwX "$W/scratch"
}

# in_scratch COMMAND: COMMAND (a shell line) as a user would run it there.
in_scratch() {
	(cd "$W/scratch" && HOME=$W/scratch PATH="$ROOT/$BUILD:$PATH" \
		"${RUN[@]}" bash -o pipefail -c "$1") >"$W/out" 2>"$W/err"
}

ok_status() { [ "$1" = 0 ] || { [ "$1" = 141 ] && [[ $2 == *"|"* ]]; }; }

python3 "$ROOT/tests/examples.py" list "$ROOT" cli >"$W/list"
declare -A count=()
scratch
while IFS=$'\t' read -r where kind cmd expect; do
	count[$kind]=$((${count[$kind]:-0} + 1))
	case $kind in
	run | send | shape)
		# A document's commands share one scratch directory, as the shell of a user who
		# pastes them in turn would; the next document starts afresh.
		doc=${where%%:*}
		[ "$doc" = "${last_doc:-}" ] || scratch
		last_doc=$doc
		in_scratch "$cmd"
		status=$?
		why=""
		ok_status $status "$cmd" || why=" -> exit $status: $(head -c 300 "$W/err")"
		[ -z "$why" ]
		result "$where: $kind: $cmd$why" $?
		;;
	make)
		# shellcheck disable=SC2086
		(cd "$ROOT" && "${RUN[@]}" make -n BUILD="$BUILD" $cmd) >"$W/out" 2>"$W/err"
		status=$?
		why=""
		[ $status = 0 ] || why=" -> exit $status: $(head -c 300 "$W/err")"
		result "$where: make -n $cmd$why" $status
		;;
	transcript)
		scratch
		in_scratch "$cmd"
		status=$?
		got=$(awk '{ print $1 }' "$W/out" | tr '\n' ' ' | sed 's/ $//')
		why=""
		[ $status = 0 ] && [ "$got" = "$expect" ] || why=" (got '$got', exit $status)"
		[ -z "$why" ]
		result "$where: $cmd: output starts '$expect'$why" $?
		;;
	*)
		result "$where: $cmd" 1
		;;
	esac
done <"$W/list"
total=$(wc -l <"$W/list")
echo "examples: $total: ${count[run]:-0} run as written, ${count[send]:-0} send" \
	"(parse-checked here, run on the test bed by tests/netns/test_examples.sh)," \
	"${count[shape]:-0} shape only, ${count[make]:-0} make targets (make -n)," \
	"${count[transcript]:-0} transcripts"
[ "${count[error]:-0}" = 0 ] && [ "${count[run]:-0}" -ge 10 ] && [ "${count[send]:-0}" -ge 8 ]
result "every example is sorted and there are as many as the documents hold" $?

# The README's first screen: the set-up block, then "## First examples" with five examples that
# run as written and the line that reserved ranges are blocked by default.
setup=$(awk '/^```sh$/ { on = 1; next } on && /^```$/ { exit } on' "$ROOT/README.md" | sed 's/ *#.*//')
[ "$setup" = "$(printf 'make demo\nmake test')" ]
result "README's first block is the two set-up commands, make demo and make test" $?
first=$(awk '/^## First examples/ { on = 1; next } on && /^## / { exit } on' "$ROOT/README.md")
lines=$(sed -n '/^## First examples/,/^## /=' "$ROOT/README.md" | sed -n '1p;$p' | tr '\n' ' ')
read -r from to <<<"$lines"
runs=$(awk -F'\t' -v f="$from" -v t="$to" '$1 ~ /^README.md:/ {
	split($1, a, ":"); if (a[2] > f && a[2] < t && $2 == "run") n++ } END { print n + 0 }' "$W/list")
others=$(awk -F'\t' -v f="$from" -v t="$to" '$1 ~ /^README.md:/ {
	split($1, a, ":"); if (a[2] > f && a[2] < t && $2 != "run") n++ } END { print n + 0 }' "$W/list")
[ "$runs" = 5 ] && [ "$others" = 0 ] && grep -q "Reserved ranges are blocked by default" <<<"$first" &&
	[ "$from" -le 40 ]
result "README's first examples: five that run as written ($runs, $others others), reserved ranges said blocked" $?

finish
