#!/usr/bin/env bash
# scripts/merge-results: shard outputs of each format merge into one file, deduplicated and
# sorted, in the same format; files that do not agree are refused with one line.  No network.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
MERGE=$ROOT/scripts/merge-results
W=$(mktemp -d /tmp/salvo-merge.XXXXXX)
trap 'rm -rf "$W"' EXIT

# expect NAME EXPECTED_FILE MERGE_ARGS...: merge-results exits 0 and prints EXPECTED_FILE.
expect() {
	local name=$1 want=$2
	shift 2
	if "$MERGE" "$@" >"$W/out" 2>"$W/err" && cmp -s "$want" "$W/out"; then
		result "$name" 0
	else
		result "$name" 1
		{ diff -u "$want" "$W/out"; cat "$W/err"; } | sed 's/^/      /'
	fi
}

# refuse NAME MESSAGE MERGE_ARGS...: exit 1, one line naming the problem, nothing on stdout.
refuse() {
	local name=$1 msg=$2 status
	shift 2
	"$MERGE" "$@" >"$W/out" 2>"$W/err"
	status=$?
	if [ $status = 1 ] && [ ! -s "$W/out" ] && [ "$(wc -l <"$W/err")" = 1 ] &&
		grep -qF -- "$msg" "$W/err"; then
		result "$name" 0
	else
		result "$name: exit $status, stderr: $(cat "$W/err")" 1
	fi
}

printf 'saddr,sport\n198.18.1.9,443\n198.18.1.10,80\n198.18.1.10,22\n' >"$W/s0.csv"
printf 'saddr,sport\n198.18.1.2,22\n198.18.1.255,8080\n' >"$W/s1.csv"
printf 'saddr,sport\n198.18.1.9,443\n' >"$W/s2.csv"   # found again by a re-run
printf 'saddr,sport\n198.18.1.2,22\n198.18.1.9,443\n198.18.1.10,22\n198.18.1.10,80\n198.18.1.255,8080\n' \
	>"$W/want.csv"
expect "csv: one header, numeric order, duplicates once" "$W/want.csv" "$W/s0.csv" "$W/s1.csv" "$W/s2.csv"
: >"$W/empty.csv"
expect "an empty shard adds nothing" "$W/want.csv" "$W/s0.csv" "$W/empty.csv" "$W/s1.csv" "$W/s2.csv"
"$MERGE" -o "$W/merged.csv" "$W/s2.csv" "$W/s1.csv" "$W/s0.csv"
expect "-o FILE, any input order" "$W/want.csv" "$W/merged.csv"

printf '{"saddr": "198.18.1.9", "sport": 443, "ttl": 64}\n{"saddr": "198.18.1.10", "sport": 80, "ttl": 63}\n' >"$W/a.json"
printf '{"saddr": "198.18.1.9", "sport": 443, "ttl": 61}\n{"saddr": "198.18.1.3", "sport": 22, "ttl": 64}\n' >"$W/b.json"
printf '{"saddr": "198.18.1.3", "sport": 22, "ttl": 64}\n{"saddr": "198.18.1.9", "sport": 443, "ttl": 64}\n{"saddr": "198.18.1.10", "sport": 80, "ttl": 63}\n' \
	>"$W/want.json"
expect "json: one object per result, the first seen kept" "$W/want.json" "$W/a.json" "$W/b.json"

printf '198.18.1.9:443\n198.18.1.10:80\n' >"$W/a.txt"
printf '198.18.1.10:80\n198.18.1.1:22\n' >"$W/b.txt"
printf '198.18.1.1:22\n198.18.1.9:443\n198.18.1.10:80\n' >"$W/want.txt"
expect "list (ip:port)" "$W/want.txt" "$W/a.txt" "$W/b.txt"

refuse "formats must agree" "list output, the files before it are csv" "$W/s0.csv" "$W/a.txt"
printf 'saddr,sport,ttl\n198.18.1.9,443,64\n' >"$W/other.csv"
refuse "headers must agree" "header 'saddr,sport,ttl' differs" "$W/s0.csv" "$W/other.csv"
printf 'saddr,sport\n198.18.1.9\n' >"$W/short.csv"
refuse "a short row names its line" "short.csv line 2: 1 fields, the header has 2" "$W/short.csv"
refuse "a missing file" "nonexistent.csv: No such file or directory" "$W/nonexistent.csv"
printf 'not-an-address\n' >"$W/junk.txt"
refuse "junk in a list file" "junk.txt line 1: 'not-an-address': expected ip or ip:port" "$W/junk.txt"

# IPv6 (salvo's RFC 5952 text): numeric order after IPv4, in every format; list's
# "[addr]:port" and bare "addr".
printf 'saddr,sport\n2001:2::10,80\n198.18.1.9,443\n2001:2::9,443\n' >"$W/v6a.csv"
printf 'saddr,sport\n2001:2::9,443\n2001:2:0:1::,22\n' >"$W/v6b.csv"
printf 'saddr,sport\n198.18.1.9,443\n2001:2::9,443\n2001:2::10,80\n2001:2:0:1::,22\n' >"$W/v6want.csv"
expect "csv with IPv6: IPv4 first, then IPv6 in numeric order, duplicates once" "$W/v6want.csv" \
	"$W/v6a.csv" "$W/v6b.csv"
printf '[2001:2::10]:80\n198.18.1.9:443\n[2001:2::9]:443\n' >"$W/v6a.list"
printf '[2001:2::9]:443\n[2001:2:0:1::]:22\n' >"$W/v6b.list"
printf '198.18.1.9:443\n[2001:2::9]:443\n[2001:2::10]:80\n[2001:2:0:1::]:22\n' >"$W/v6want.list"
expect "list with [ipv6]:port" "$W/v6want.list" "$W/v6a.list" "$W/v6b.list"
printf '2001:2::10\n2001:2::9\n' >"$W/v6c.list"
printf '2001:2::9\n2001:2::10\n' >"$W/v6cwant.list"
expect "list of bare IPv6 addresses" "$W/v6cwant.list" "$W/v6c.list"
printf '[2001:2::zz]:80\n' >"$W/v6bad.list"
refuse "a bad IPv6 list line" "expected ip or ip:port" "$W/v6bad.list"
finish
