#!/usr/bin/env bash
# salvo's companion tools (src/tools), run unprivileged in an empty network namespace when we
# are root: none of them sends anything.
#   salvo-iterate   prints exactly the probes of salvo --fast-dryrun with the same options, in
#                   its order: IPv4 and IPv6, one port and several, -n, -w/-I/--ipv6-target-file,
#                   and 3 shards whose union is the whole scan, each once
#   salvo-blocklist allow, block, duplicates, comments and junk after the address, both
#                   families; 1,000,000 lines against a Python reference
#   salvo-tee       200,000 csv rows through a reader that sleeps 3 s first: FILE is whole before
#                   the reader wakes, and stdout gets every row
#   each            answers to ZMap's name, and refuses bad input in one line and exit 1
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/salvo-tools.XXXXXX)
chmod 777 "$TMP"
trap 'rm -rf "$TMP"' EXIT
B=$ROOT/$BUILD
ITERATE=("${RUN[@]}" "$B/salvo-iterate")
BLOCKLIST=("${RUN[@]}" "$B/salvo-blocklist")
TEE=("${RUN[@]}" "$B/salvo-tee")
FAST=("${RUN[@]}" "$SALVO" --fast-dryrun -q -S 198.18.0.1 -G 02:00:00:00:00:02
	--ipv6-source-ip=2001:2::1)

# fast_lines PORTS ARGS...: the probes of salvo --fast-dryrun ARGS as salvo-iterate prints
# them ("addr" for one port, "addr,port" for several), in their order.
fast_lines() {
	local ports=$1
	shift
	"${FAST[@]}" "$@" 2>"$TMP/fast.err" | python3 -c '
import ipaddress, sys
data = sys.stdin.buffer.read()
size = 18 if sys.argv[2] == "6" else 6
out = []
for i in range(0, len(data), size):
    a = ipaddress.ip_address(data[i:i + size - 2])
    p = int.from_bytes(data[i + size - 2:i + size], "big")
    out.append(str(a) if sys.argv[1] == "1" else "%s,%d" % (a, p))
sys.stdout.write("".join(l + "\n" for l in out))
' "$ports" "$FAMILY"
}

# same_as_fast NAME PORTS ARGS...: salvo-iterate ARGS prints what fast_lines does.
same_as_fast() {
	local name=$1 ports=$2
	shift 2
	"${ITERATE[@]}" "$@" >"$TMP/it" 2>"$TMP/it.err"
	local status=$?
	fast_lines "$ports" "$@" >"$TMP/fast"
	local n
	n=$(wc -l <"$TMP/it")
	[ $status = 0 ] && [ "$n" -gt 0 ] && cmp -s "$TMP/it" "$TMP/fast"
	result "iterate = fast-dryrun, in order: $name ($n lines)" $?
	[ $status = 0 ] || sed 's/^/      /' "$TMP/it.err"
	cmp -s "$TMP/it" "$TMP/fast" || diff "$TMP/it" "$TMP/fast" | head -5 | sed 's/^/      /'
}

printf '198.18.7.1\n198.18.7.200\n# a comment\n198.18.9.9\n' >"$TMP/ips4"
printf '198.18.8.0/26\n198.18.8.100-198.18.8.130\n' >"$TMP/allow4"
python3 -c '
for i in range(300):
    print("2001:2:0:%x::%x" % (i % 7, i * 37 + 1))
print("2001:2:0:ff::/120")' >"$TMP/hitlist6"

FAMILY=4
same_as_fast "IPv4, one port" 1 -b /dev/null -e 7 -p 80 198.18.1.0/24 198.18.3.7-198.18.3.40
same_as_fast "IPv4, four ports" 4 -b /dev/null -e 9 -p 22,80-81,443 198.18.0.0/22
same_as_fast "IPv4, -n 1000 of three ports" 3 -b /dev/null -e 11 -n 1000 -p 1-3 198.18.0.0/20
same_as_fast "IPv4, -w and -I files" 2 -b /dev/null -e 5 -p 80,8080 -w "$TMP/allow4" -I "$TMP/ips4"
same_as_fast "IPv4, the built-in blocklist less -n" 1 -e 3 -n 5000 -p 443
same_as_fast "IPv4, a -b file" 1 -b "$TMP/ips4" -e 4 -p 443 198.18.7.0/24
FAMILY=6
same_as_fast "IPv6 prefix, one port" 1 -b /dev/null -e 2 -p 80 2001:2:0:1::/120
same_as_fast "IPv6 hitlist, two ports" 2 -b /dev/null -e 8 -p 80,443 --ipv6-target-file "$TMP/hitlist6"
same_as_fast "IPv6, -n 100" 2 -b /dev/null -e 8 -n 100 -p 80,443 --ipv6-target-file "$TMP/hitlist6"

# No -p: the addresses, in the order of a scan of one port.
FAMILY=4
"${ITERATE[@]}" -b /dev/null -e 12 198.18.4.0/23 >"$TMP/it"
fast_lines 1 -b /dev/null -e 12 -p 9 198.18.4.0/23 >"$TMP/fast"
cmp -s "$TMP/it" "$TMP/fast" && [ "$(wc -l <"$TMP/it")" = 512 ]
result "iterate without -p lists the addresses in a one-port scan's order" $?

# Three shards: each is fast-dryrun's shard, in order; together the whole scan, each pair once.
FAMILY=4
for i in 0 1 2; do
	same_as_fast "shard $i of 3" 2 -b /dev/null -e 21 --shards 3 --shard $i -p 80,443 \
		198.18.0.0/23
	cat "$TMP/it" >>"$TMP/shards"
done
"${ITERATE[@]}" -b /dev/null -e 21 -p 80,443 198.18.0.0/23 >"$TMP/whole"
[ "$(wc -l <"$TMP/whole")" = 1024 ] && [ -z "$(sort "$TMP/shards" | uniq -d)" ] &&
	cmp -s <(sort "$TMP/shards") <(sort "$TMP/whole")
st=$?
result "3 shards: their union is the whole scan, each pair once ($(wc -l <"$TMP/shards") lines)" $st
# The same with both families in one scan (fast-dryrun's stream of both cannot be taken apart:
# a record's length is not in it).
rm -f "$TMP/shards"
for i in 0 1 2; do
	"${ITERATE[@]}" -b /dev/null -e 22 -n 700 --shards 3 --shard $i -p 80,443 198.18.0.0/23 \
		2001:2::/120 >>"$TMP/shards"
done
"${ITERATE[@]}" -b /dev/null -e 22 -p 80,443 198.18.0.0/23 2001:2::/120 >"$TMP/whole"
[ "$(wc -l <"$TMP/whole")" = $(((512 + 256) * 2)) ] && [ "$(wc -l <"$TMP/shards")" = 700 ] &&
	[ -z "$(sort "$TMP/shards" | uniq -d)" ] &&
	[ -z "$(comm -23 <(sort "$TMP/shards") <(sort "$TMP/whole"))" ] &&
	grep -q : "$TMP/shards" && grep -qv : "$TMP/shards"
result "3 shards of both families, -n 700: 700 pairs of the whole scan, each once" $?

# A mixed scan: both families, IPv4 text for IPv4 targets and RFC 5952 text for IPv6 ones.
"${ITERATE[@]}" -b /dev/null -e 1 -p 80 198.18.1.0/30 2001:2:0:5::/126 | sort >"$TMP/it"
printf '%s\n' 198.18.1.0 198.18.1.1 198.18.1.2 198.18.1.3 2001:2:0:5:: 2001:2:0:5::1 \
	2001:2:0:5::2 2001:2:0:5::3 | sort | cmp -s - "$TMP/it"
result "iterate lists both families of one scan" $?

# expect_error NAME PATTERN COMMAND...: exit 1, nothing on stdout, one line on stderr starting
# with the tool's name and holding PATTERN.
expect_error() {
	local name=$1 pattern=$2 tool
	shift 2
	tool=$(basename "${*: -1:1}")
	"$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	local status=$? prog=${TOOLNAME}
	[ $status = 1 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
		grep -q "^$prog: " "$TMP/err" && grep -qF -- "$pattern" "$TMP/err"
	st=$?
	result "$prog refuses $name: $(head -c 120 "$TMP/err")" $st
}
TOOLNAME=salvo-iterate
expect_error "a bad port" "--target-ports: '70000'" "${ITERATE[@]}" -p 70000 -b /dev/null 198.18.0.1
expect_error "shards without a seed" "--shards: 3: the shards must walk one order" \
	"${ITERATE[@]}" --shards 3 --shard 0 -b /dev/null 198.18.0.1
expect_error "a shard past the shards" "--shard: 3: expected a shard from 0 to 2" \
	"${ITERATE[@]}" -e 1 --shards 3 --shard 3 -b /dev/null 198.18.0.1
expect_error "an option of salvo's it does not take" "--rate: unknown option (see salvo-iterate" \
	"${ITERATE[@]}" --rate 5 -b /dev/null 198.18.0.1
expect_error "a blocked target" "no targets left after the built-in blocklist" \
	"${ITERATE[@]}" -p 80 198.18.0.1
expect_error "a missing -w file" "--allowlist-file: /nonexistent/list" \
	"${ITERATE[@]}" -w /nonexistent/list
expect_error "a bad target" "'198.18.0.0/33'" "${ITERATE[@]}" -b /dev/null 198.18.0.0/33

# --- salvo-blocklist ---------------------------------------------------------------------
cat >"$TMP/in" <<'EOF'
8.8.8.8
10.1.2.3
8.8.8.8
1.1.1.1,80,some,fields
  9.9.9.9	# a comment after it
# a comment line

not-an-address
2606:4700::1111
fe80::1
2606:4700::1111 trailing
2001:4860::/126
2001:4860::2
10.0.0.0/7
11.0.0.5
203.0.113.9
EOF
cat >"$TMP/want" <<'EOF'
8.8.8.8
1.1.1.1
9.9.9.9
not-an-address
2606:4700::1111
2001:4860::/126
11.0.0.0/8
EOF
"${BLOCKLIST[@]}" <"$TMP/in" >"$TMP/got" 2>"$TMP/err"
cmp -s "$TMP/got" "$TMP/want" && grep -q "input lines with no address: 1, copied as they are (the first, line 8: not-an-address)" "$TMP/err"
result "blocklist: the built-in blocklist, duplicates, comments, junk after the address, blocks, both families" $?
[ $? = 0 ] || diff "$TMP/got" "$TMP/want" | sed 's/^/      /'

printf '8.8.0.0/16\n2606:4700::/32\n' >"$TMP/allow"
printf '8.8.4.0/24 # theirs\n2606:4700::1111\n' >"$TMP/block"
printf '8.8.8.8\n8.8.4.4\n9.9.9.9\n2606:4700::1111\n2606:4700::1\n8.8.8.8\nbad\n8.8.0.0/21\n' |
	"${BLOCKLIST[@]}" -w "$TMP/allow" -b "$TMP/block" --ignore-input-errors >"$TMP/got" 2>/dev/null
printf '8.8.8.8\n2606:4700::1\n8.8.0.0/22\n8.8.5.0/24\n8.8.6.0/23\n' | cmp -s - "$TMP/got"
result "blocklist: -w and -b files of both families, --ignore-input-errors" $?
printf '198.18.0.1\n198.18.0.1\n2001:2::1\n2001:2::1\n' |
	"${BLOCKLIST[@]}" -b /dev/null --no-duplicate-checking >"$TMP/got"
printf '198.18.0.1\n198.18.0.1\n2001:2::1\n2001:2::1\n' | cmp -s - "$TMP/got"
result "blocklist: -b /dev/null blocks nothing; --no-duplicate-checking prints each time" $?
# Blocks: a block's addresses printed before are left out of it (IPv4); an address inside a
# block printed before is a duplicate (both families).
printf '198.18.0.5\n198.18.0.0/29\n198.18.0.6\n2001:2::/126\n2001:2::3\n2001:2::/127\n' |
	"${BLOCKLIST[@]}" -b /dev/null >"$TMP/got"
printf '198.18.0.5\n198.18.0.0/30\n198.18.0.4\n198.18.0.6/31\n2001:2::/126\n' | cmp -s - "$TMP/got"
st=$?
result "blocklist: blocks and duplicates: $(tr '\n' ' ' <"$TMP/got")" $st

TOOLNAME=salvo-blocklist
expect_error "an operand" "x: takes no operand" "${BLOCKLIST[@]}" x
expect_error "a missing -b file" "--blocklist-file: /nonexistent/bl" "${BLOCKLIST[@]}" -b /nonexistent/bl
expect_error "a bad line in -w" "--allowlist-file: $TMP/in:4: 1.1.1.1,80,some,fields" \
	"${BLOCKLIST[@]}" -w "$TMP/in"
expect_error "salvo's -p" "-p: unknown option (see salvo-blocklist --help)" "${BLOCKLIST[@]}" -p 80

# A million lines against a Python reference: addresses of both families, many blocked, many
# repeated, comments, fields after the address, blocks and bad lines.
python3 - "$TMP" <<'PY'
import ipaddress, random, sys
d = sys.argv[1]
r = random.Random(25)
block4 = ["10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "198.18.0.0/15", "224.0.0.0/4",
          "240.0.0.0/4", "8.0.0.0/9", "52.1.0.0/16", "1.2.3.4/32"]
block6 = ["fc00::/7", "fe80::/10", "2001:db8::/32", "2606:4700::/32", "ff00::/8"]
with open(d + "/bl1m", "w") as f:
    f.write("# test blocklist\n" + "\n".join(block4 + block6) + "\n")
nets4 = [ipaddress.ip_network(n) for n in block4]
nets6 = [ipaddress.ip_network(n) for n in block6]
lines, want, seen = [], [], set()
pool4 = [r.getrandbits(32) for _ in range(300000)]
pool6 = [(0x2600 << 112) | (r.getrandbits(20) << 92) | r.getrandbits(16) for _ in range(40000)]
for i in range(1000000):
    k = r.random()
    if k < 0.80:
        a = ipaddress.IPv4Address(r.choice(pool4) if r.random() < 0.7 else r.getrandbits(32))
    elif k < 0.95:
        a = ipaddress.IPv6Address(r.choice(pool6) if r.random() < 0.8 else
                                  (0xfd00 << 112) | r.getrandbits(64) if r.random() < 0.1 else
                                  (0x2606_4700 << 96) | r.getrandbits(32) if r.random() < 0.1 else
                                  (0x2a00 << 112) | r.getrandbits(100))
    elif k < 0.97:
        lines.append(r.choice(["# comment %d" % i, "", "   "]))
        continue
    else:
        bad = r.choice(["host%d.example" % i, "1.2.3", "300.1.1.1", "::g", "x,1.2.3.4"])
        lines.append(bad)
        want.append(bad)
        continue
    text = str(a) if r.random() < 0.9 else a.exploded if a.version == 6 else str(a)
    line = text + r.choice(["", "", ",80,tcp", " # note", "\t\tx", ",", " "])
    lines.append(line)
    nets = nets4 if a.version == 4 else nets6
    if any(a in n for n in nets) or a in seen:
        continue
    seen.add(a)
    want.append(text)
open(d + "/in1m", "w").write("\n".join(lines) + "\n")
open(d + "/want1m", "w").write("".join(l + "\n" for l in want))
PY
start=$(date +%s%N)
"${BLOCKLIST[@]}" -b "$TMP/bl1m" <"$TMP/in1m" >"$TMP/got1m" 2>"$TMP/err"
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
cmp -s "$TMP/got1m" "$TMP/want1m" && [ $status = 0 ]
st=$?
result "blocklist: 1,000,000 lines = the Python reference ($(wc -l <"$TMP/want1m") printed, ${ms} ms)" $st
# A loose bound, for a shared machine: a million lines a second is the aim (bench/RESULTS.md).
[ "$ms" -lt 5000 ]
result "blocklist: 1,000,000 lines in under 5 s (${ms} ms)" $?

# --- salvo-tee ----------------------------------------------------------------------------
python3 -c '
import random
r = random.Random(7)
print("saddr,sport,classification,success")
for i in range(200000):
    s = r.random() < 0.75
    print("198.18.%d.%d,%d,%s,%d" % (i >> 8 & 255, i & 255, r.choice((80, 443)),
                                     "synack" if s else "rst", s))' >"$TMP/rows.csv"
(
	"${TEE[@]}" "$TMP/tee.csv" <"$TMP/rows.csv" 2>"$TMP/tee.err"
	echo $? >"$TMP/tee.status"
) | (
	sleep 3
	cat >"$TMP/tee.out"
) &
reader=$!
sleep 1.5
# The reader is asleep: FILE is already whole.
cmp -s "$TMP/rows.csv" "$TMP/tee.csv"
result "tee: FILE holds all 200,000 rows while stdout's reader still sleeps" $?
wait $reader
tail -n +2 "$TMP/rows.csv" | cut -d, -f1 | cmp -s - "$TMP/tee.out" &&
	[ "$(cat "$TMP/tee.status")" = 0 ] && [ ! -s "$TMP/tee.err" ]
st=$?
result "tee: a reader that sleeps 3 s first gets every one of the $(wc -l <"$TMP/tee.out") addresses" $st

"${TEE[@]}" --success-only "$TMP/t2.csv" <"$TMP/rows.csv" >"$TMP/got"
awk -F, 'NR > 1 && $4 == 1 { print $1 }' "$TMP/rows.csv" | cmp -s - "$TMP/got" &&
	cmp -s "$TMP/rows.csv" "$TMP/t2.csv"
st=$?
result "tee --success-only: the successful rows' addresses ($(wc -l <"$TMP/got"))" $st
head -3 "$TMP/rows.csv" | "${TEE[@]}" -r "$TMP/t3.csv" >"$TMP/got"
head -3 "$TMP/rows.csv" | cmp -s - "$TMP/got"
result "tee -r: every line whole, the header too" $?
printf 'sport,ip,success\r\n80,"198.18.0.1",true\r\n443,198.18.0.2,0\r\n' |
	"${TEE[@]}" --success-only "$TMP/t4.csv" >"$TMP/got"
printf '"198.18.0.1"\n' | cmp -s - "$TMP/got"
result "tee: the header's ip column, CRLF lines, success 'true'" $?
printf '198.18.0.1\n198.18.0.2\n' | "${TEE[@]}" "$TMP/t5.csv" >"$TMP/got"
printf '198.18.0.1\n198.18.0.2\n' | cmp -s - "$TMP/got"
result "tee: input without a header (list output) passes every line" $?
# The reader goes away after one line: FILE still gets every row, with one warning, exit 0.
"${TEE[@]}" -u "$TMP/status.csv" "$TMP/t6.csv" <"$TMP/rows.csv" 2>"$TMP/err" | head -1 >/dev/null
status=${PIPESTATUS[0]}
cmp -s "$TMP/rows.csv" "$TMP/t6.csv" && [ "$status" = 0 ] &&
	head -1 "$TMP/status.csv" | grep -qx 'time_past,total_read_in,read_in_last_sec,read_per_sec_avg,buffer_current_size,buffer_avg_size'
st=$?
result "tee: stdout's reader gone, FILE still whole, exit $status: $(head -c 100 "$TMP/err")" $st

TOOLNAME=salvo-tee
expect_error "no FILE" "FILE: none given" "${TEE[@]}"
expect_error "two FILEs" "b.csv: one FILE only" "${TEE[@]}" "$TMP/a.csv" "$TMP/b.csv"
expect_error "an unwritable FILE" "/nonexistent/out.csv: No such file or directory" \
	"${TEE[@]}" /nonexistent/out.csv
expect_error "--success-only with -r" "--success-only: needs the success column" \
	"${TEE[@]}" -r --success-only "$TMP/a.csv"
printf 'a,b\n1,2\n' >"$TMP/nosuccess"
"${TEE[@]}" --success-only "$TMP/a.csv" <"$TMP/nosuccess" >"$TMP/out" 2>"$TMP/err"
[ $? = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
	grep -q "^salvo-tee: --success-only: the input's first line names no success column: 'a,b'" "$TMP/err"
st=$?
result "salvo-tee refuses --success-only without a success column: $(cat "$TMP/err")" $st

# --- ZMap's names ---------------------------------------------------------------------------
"${RUN[@]}" "$B/ziterate" -b /dev/null -e 3 -p 80,443 198.18.1.0/28 >"$TMP/z"
"${ITERATE[@]}" -b /dev/null -e 3 -p 80,443 198.18.1.0/28 | cmp -s - "$TMP/z" &&
	[ "$(printf '8.8.8.8\n10.0.0.1\n' | "${RUN[@]}" "$B/zblocklist")" = 8.8.8.8 ] &&
	[ "$(printf 'saddr\n198.18.0.9\n' | "${RUN[@]}" "$B/ztee" "$TMP/z.csv")" = 198.18.0.9 ] &&
	[ "$B/ziterate" -ef "$B/salvo" ] && [ "$B/salvo-tee" -ef "$B/salvo" ]
result "ziterate, zblocklist and ztee are the same tools (hard links of salvo)" $?
finish
