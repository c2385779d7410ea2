#!/usr/bin/env bash
# salvo-blocklist against ZMap's zblocklist (run by hand; no privilege, no network: both read
# stdin and write stdout).  Debian 12's zmap 2.1.1 ships it as zblacklist: it reads no config
# file (zmap itself needs -C /dev/null on Debian; this tool does not), but it logs two debug
# lines per input line, and ZMap's logger hands every one to syslog(3) whatever -v is; 2.1.1
# has no --disable-syslog (later ZMap does).  So it is timed as shipped (one run, it is slow)
# and with syslog(3) and its kin made no-ops by an LD_PRELOAD shim built here, which is what
# --disable-syslog gives a newer ZMap.  (Where no syslog daemon listens, as in a container, each
# of those calls is a failed socket, connect and close.)
#
# Inputs (Python, fixed seeds), LINES lines each:
#   random     addresses drawn from all of the IPv4 space (the bitmap's worst case: every page)
#   clustered  addresses of 50,000 random /24s (a hitlist's shape: many repeats)
#   fields     clustered, with ",80,tcp" after each address (the zgrab/csv shape)
#   ipv6       IPv6 addresses of 200,000 random /48s (salvo's only: ZMap's reads IPv4)
# The blocklist is ZMap's own /etc/zmap/blacklist.conf for both tools.  For each input the best
# of 3 runs (wall clock) and the peak RSS are reported, and the outputs compared: the same
# addresses in the same order (ZMap's copies a whole line, salvo's prints its address, so the
# fields input is compared on the address column).
#
# usage: bench/blocklist.sh [LINES]   (default 2000000; needs python3, /usr/bin/time, and
#                                      apt-get install zmap for the comparison)
set -u
cd "$(dirname "$0")/.."
BLOCKLIST=${BLOCKLIST:-$PWD/build/salvo-blocklist}
LINES=${1:-2000000}
CONF=/etc/zmap/blacklist.conf
W=$(mktemp -d /tmp/salvo-benchbl.XXXXXX)
trap 'rm -rf "$W"' EXIT

[ -x "$BLOCKLIST" ] || { echo "no $BLOCKLIST: run make" >&2; exit 1; }
ZBL=$(command -v zblocklist || command -v zblacklist || true)
if [ -z "$ZBL" ] || [ ! -r "$CONF" ]; then
	echo "zmap not installed (apt-get install zmap): salvo-blocklist alone, built-in blocklist"
	CONF=
fi

python3 - "$W" "$LINES" <<'PY'
import random, sys
d, n = sys.argv[1], int(sys.argv[2])
r = random.Random(2025)
with open(d + "/random", "w") as f:
    f.write("".join("%d.%d.%d.%d\n" % tuple(r.getrandbits(8) for _ in range(4)) for _ in range(n)))
nets = [r.getrandbits(24) for _ in range(50000)]
addrs = []
for _ in range(n):
    x = r.choice(nets)
    addrs.append("%d.%d.%d.%d" % (x >> 16, x >> 8 & 255, x & 255, r.getrandbits(8)))
open(d + "/clustered", "w").write("".join(a + "\n" for a in addrs))
open(d + "/fields", "w").write("".join(a + ",80,tcp\n" for a in addrs))
nets6 = [(0x2a00 << 112) | (r.getrandbits(36) << 76) for _ in range(200000)]
with open(d + "/ipv6", "w") as f:
    for _ in range(n):
        a = r.choice(nets6) | r.getrandbits(16)
        f.write(":".join("%x" % (a >> s & 0xffff) for s in range(112, -1, -16)) + "\n")
PY

# The shim: what --disable-syslog does in a newer ZMap.
cat >"$W/nosyslog.c" <<'EOF'
#include <stdarg.h>
void openlog(const char *ident, int option, int facility) { (void)ident; (void)option; (void)facility; }
void syslog(int priority, const char *format, ...) { (void)priority; (void)format; }
void vsyslog(int priority, const char *format, va_list ap) { (void)priority; (void)format; (void)ap; }
/* What a binary built with _FORTIFY_SOURCE (Debian's) calls instead of the two above. */
void __syslog_chk(int priority, int flag, const char *format, ...) { (void)priority; (void)flag; (void)format; }
void __vsyslog_chk(int priority, int flag, const char *format, va_list ap) { (void)priority; (void)flag; (void)format; (void)ap; }
EOF
cc -shared -fPIC -O2 -o "$W/nosyslog.so" "$W/nosyslog.c" || exit 1

# run NAME INPUT RUNS COMMAND...: the best wall time of RUNS runs, the peak RSS, the output.
run() {
	local name=$1 input=$2 runs=$3 best="" i t
	shift 3
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f "%e %M" -o "$W/time" "$@" <"$W/$input" >"$W/out.$name" 2>/dev/null
		read -r t rss <"$W/time"
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
	done
	lps=$(echo "$LINES / ($best + 0.0001)" | bc | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
	printf '| %s | %s | %s | %s | %s |\n' "$input" "$name" "$best" "$lps" "$((rss / 1024))"
}

B=(${CONF:+-b "$CONF"})
echo "$(date -u +%F), $(uname -r), $(nproc) cores, $LINES lines an input, ${CONF:-the built-in blocklist}"
echo
echo "| input | tool | seconds | lines/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for input in random clustered fields ipv6; do
	run salvo "$input" 3 "$BLOCKLIST" "${B[@]}"
	run salvo-nodedup "$input" 3 "$BLOCKLIST" "${B[@]}" --no-duplicate-checking
	[ -n "$CONF" ] && [ "$input" != ipv6 ] || continue
	run zmap-nosyslog "$input" 3 env LD_PRELOAD="$W/nosyslog.so" "$ZBL" -b "$CONF"
	if [ "$input" = random ]; then
		run zmap "$input" 1 "$ZBL" -b "$CONF"
		cmp -s "$W/out.zmap" "$W/out.zmap-nosyslog" || echo "(zmap: the shim changed the output)"
	fi
	if [ "$input" = fields ]; then
		cut -d, -f1 "$W/out.zmap-nosyslog" >"$W/out.zmap-cut"
		mv "$W/out.zmap-cut" "$W/out.zmap-nosyslog"
	fi
	if cmp -s "$W/out.salvo" "$W/out.zmap-nosyslog"; then
		echo "|  | outputs | the same: $(wc -l <"$W/out.salvo") lines | | |"
	else
		echo "|  | outputs | DIFFER: salvo $(wc -l <"$W/out.salvo"), zmap $(wc -l <"$W/out.zmap-nosyslog") lines | | |"
	fi
done
