#!/usr/bin/env bash
# make demo: install dependencies, build, create a sandbox network of namespaces with a
# few hosts and services in 198.18.1.0/24 and 2001:2:0:1::/64, scan it with salvo (IPv4 by
# prefix, IPv6 from a hitlist), print what was found, and remove the sandbox.  Needs root
# (namespaces); every packet stays inside the sandbox.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root to create network namespaces; run: sudo make demo" >&2
	exit 1
fi
scripts/install-deps.sh
make -s

S="salvo-demo-$$-s"
T="salvo-demo-$$-t"
LISTENER=""
cleanup() {
	local status=$?
	set +e
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	[ -n "$LISTENER" ] && wait "$LISTENER" 2>/dev/null
	testbed_destroy "$S" "$T"
	rm -rf "$TMP"
	exit $status
}
TMP=$(mktemp -d /tmp/salvo-demo.XXXXXX)
# shellcheck source=tests/netns/testbed.sh
source tests/netns/testbed.sh
trap cleanup EXIT
testbed_create "$S" "$T"
testbed_ipv6_target "$T"
testbed_ipv6_scanner "$S"

SERVICES="198.18.1.10:80 198.18.1.10:443 198.18.1.20:22 198.18.1.30:80 198.18.1.30:8080 198.18.1.40:5432"
SERVICES6="2001:2:0:1::10:443 2001:2:0:1:5::7:80 2001:2:0:1:beef::1:22"
ip netns exec "$T" python3 tests/netns/helper.py listen "$TMP/ready" $SERVICES $SERVICES6 &
LISTENER=$!
for _ in $(seq 100); do [ -e "$TMP/ready" ] && break; sleep 0.05; done

cat <<INFO

== salvo demo
A sandbox of two network namespaces: "scanner" ($S) and "internet" ($T), joined
by a veth pair.  The internet side answers for all of 198.18.1.0/24 and 2001:2:0:1::/64;
services listen on:
  $SERVICES
  $SERVICES6
Every other address and port answers with a RST (closed).

198.18.0.0/15 is reserved for benchmarking, so salvo's built-in blocklist refuses it:
INFO
echo "  \$ salvo -p 22,80,443,5432,8080 198.18.1.0/24"
ip netns exec "$S" "$ROOT/build/salvo" -p 22,80,443,5432,8080 198.18.1.0/24 2>&1 | sed 's/^/  /' || true
cat <<INFO

Inside the sandbox we replace the blocklist with an empty one (-b /dev/null):
  \$ salvo -b /dev/null -p 22,80,443,5432,8080 -r 5000 -c 2 198.18.1.0/24 \\
        -f saddr,sport,classification,ttl

INFO
ip netns exec "$S" "$ROOT/build/salvo" -b /dev/null -p 22,80,443,5432,8080 -r 5000 -c 2 \
	-f saddr,sport,classification,ttl 198.18.1.0/24 >"$TMP/results.csv"
echo "== results (csv on stdout; the status lines above went to stderr)"
sed 's/^/  /' "$TMP/results.csv"
found=$(($(wc -l <"$TMP/results.csv") - 1))
echo
echo "salvo found $found open ports of the 6 listening."

# An IPv6 /64 is scanned from a list, not swept: 2,000 addresses of it, the listening ones
# among them (the next hop's MAC comes from Neighbor Discovery, the source from the route).
python3 - "$TMP/hitlist" $SERVICES6 <<'EOF'
import random, sys
random.seed(2)
addrs = {s.rsplit(":", 1)[0] for s in sys.argv[2:]}
while len(addrs) < 2000:
    addrs.add("2001:2:0:1:%x:%x:%x:%x" % tuple(random.getrandbits(16) for _ in range(4)))
open(sys.argv[1], "w").write("".join(a + "\n" for a in sorted(addrs)))
EOF
cat <<INFO

IPv6: a hitlist of 2,000 addresses in 2001:2:0:1::/64, the three listening ones among them:
  \$ salvo -b /dev/null -p 22,80,443 -r 5000 -c 2 --ipv6-target-file hitlist \\
        -f saddr,sport,classification

INFO
ip netns exec "$S" "$ROOT/build/salvo" -b /dev/null -p 22,80,443 -r 5000 -c 2 \
	-f saddr,sport,classification --ipv6-target-file "$TMP/hitlist" >"$TMP/results6.csv"
echo "== results"
sed 's/^/  /' "$TMP/results6.csv"
found6=$(($(wc -l <"$TMP/results6.csv") - 1))
echo
echo "salvo found $found6 open ports of the 3 listening over IPv6; the sandbox is removed now."
