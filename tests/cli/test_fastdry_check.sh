#!/usr/bin/env bash
# --fast-dryrun streams through tests/fastdry_check over small spaces, the quick half of the
# whole-space proof (tests/whole_space.sh, in .ci/run): with the built-in blocklist and with
# a -b file, over one and two sender threads and the union of three shards, every address
# not blocked appears exactly once and nothing else does.  Then the checker itself: each
# fault it exists to find (a header before the records, a record missing, one twice, a
# blocked address, one outside the ranges, another port, a cut record, a shard left out)
# makes it fail, naming the fault.  Runs unprivileged in an empty network namespace when we
# are root: a dry run sends nothing.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
CHECK=${CHECK:-$ROOT/$BUILD/tests/fastdry_check}
TMP=$(mktemp -d /tmp/salvo-fastdry.XXXXXX)
chmod 777 "$TMP"
trap 'rm -rf "$TMP"' EXIT

FAST=("${RUN[@]}" "$SALVO" --fast-dryrun -q -r 0 -S 198.18.0.1 -G 02:00:00:00:00:02)
# Ranges that hold four blocks of the built-in list: 192.0.0.0/24, 192.0.2.0/24,
# 198.18.0.0/15 and 203.0.113.0/24 (261,376 addresses left).
SMALL=(192.0.0.0/16 198.16.0.0/14 203.0.0.0/16)

# exact NAME CHECK_ARGS -- SALVO_ARGS: one run's stream must pass the checker.
exact() {
	local name=$1 out
	shift
	local check=()
	while [ "$1" != -- ]; do
		check+=("$1")
		shift
	done
	shift
	"${FAST[@]}" "$@" >"$TMP/stream" 2>"$TMP/err"
	out=$("$CHECK" "${check[@]}" <"$TMP/stream" 2>&1)
	if [ $? = 0 ] && [[ $out == *"exact, each once, none blocked"* ]]; then
		result "$name" 0
	else
		result "$name: $out $(head -c 300 "$TMP/err")" 1
	fi
}

exact "built-in blocklist, one thread: each address once, none blocked" \
	-p 80 "${SMALL[@]}" -- -p 80 -T 1 "${SMALL[@]}"
exact "built-in blocklist, two threads" -p 443 "${SMALL[@]}" -- -p 443 -T 2 "${SMALL[@]}"
for i in 0 1 2; do
	"${FAST[@]}" -p 80 -T 2 --shards 3 --shard $i -e 11 "${SMALL[@]}" >"$TMP/shard$i"
done
cat "$TMP"/shard0 "$TMP"/shard1 "$TMP"/shard2 >"$TMP/union"
out=$("$CHECK" -p 80 "${SMALL[@]}" <"$TMP/union" 2>&1)
check_status=$?
result "the union of three shards, each once$([ $check_status = 0 ] || echo ": $out")" $check_status

# A -b file: blocks, a range, a single address, comments, blank and IPv6 lines.
cat >"$TMP/block.txt" <<'EOF'
# lab blocks
198.18.7.0/24
198.18.200.0-198.18.201.17   # a range
198.19.255.255

2001:2::/48
203.0.113.128/25
EOF
exact "a -b file, three threads" -p 22 -b "$TMP/block.txt" 198.18.0.0/15 203.0.113.0/24 -- \
	-p 22 -T 3 -b "$TMP/block.txt" 198.18.0.0/15 203.0.113.0/24

# The checker finds each fault: exit 1 and a line naming it.  Made from a good stream.
"${FAST[@]}" -p 80 -T 1 -e 3 "${SMALL[@]}" >"$TMP/good"
# fault NAME EXPECTED_LINE CHECK_ARGS...: the checker, fed $TMP/bad, must say it and exit 1.
fault() {
	local name=$1 want=$2 out status
	shift 2
	out=$("$CHECK" "$@" <"$TMP/bad" 2>&1)
	status=$?
	if [ $status = 1 ] && grep -q -- "$want" <<<"$out"; then
		result "the checker fails $name" 0
	else
		result "the checker fails $name (exit $status: $out)" 1
	fi
}
{ printf 'saddr\n'; cat "$TMP/good"; } >"$TMP/bad"
fault "a csv header before the records (salvo's stream before this test)" \
	"has the wrong port" -p 80 "${SMALL[@]}"
head -c -6 "$TMP/good" >"$TMP/bad"
fault "a record left out" "is missing" -p 80 "${SMALL[@]}"
{ cat "$TMP/good"; head -c 6 "$TMP/good"; } >"$TMP/bad"
fault "a record twice" "appears more than once" -p 80 "${SMALL[@]}"
{ cat "$TMP/good"; printf '\xc6\x12\x01\x05\x00\x50'; } >"$TMP/bad" # 198.18.1.5:80
fault "a blocked address" "198.18.1.5:80 is blocklisted but appears" -p 80 "${SMALL[@]}"
{ cat "$TMP/good"; printf '\x08\x08\x04\x04\x00\x50'; } >"$TMP/bad" # 8.8.4.4:80
fault "an address outside the ranges" "8.8.4.4:80 is outside the ranges" -p 80 "${SMALL[@]}"
cp "$TMP/good" "$TMP/bad"
fault "another port" "records have a port other than 443" -p 443 "${SMALL[@]}"
{ cat "$TMP/good"; printf '\xc0\x00'; } >"$TMP/bad"
fault "a record cut short" "2 bytes after the last whole record" -p 80 "${SMALL[@]}"
cat "$TMP"/shard0 "$TMP"/shard2 >"$TMP/bad"
fault "a shard left out" "addresses missing" -p 80 "${SMALL[@]}"
printf 'not-a-range\n' >"$TMP/badlist.txt"
"$CHECK" -b "$TMP/badlist.txt" </dev/null >/dev/null 2>&1
result "the checker refuses a -b line it cannot read (exit 2)" $(($? != 2))
finish
