#!/usr/bin/env bash
# make demo: install dependencies, build, create a sandbox network of namespaces with a
# few hosts and services in 198.18.1.0/24, scan it with salvo, print what was found, and
# remove the sandbox.  Needs root (namespaces); every packet stays inside the sandbox.
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

SERVICES="198.18.1.10:80 198.18.1.10:443 198.18.1.20:22 198.18.1.30:80 198.18.1.30:8080 198.18.1.40:5432"
ip netns exec "$T" python3 tests/netns/helper.py listen "$TMP/ready" $SERVICES &
LISTENER=$!
for _ in $(seq 100); do [ -e "$TMP/ready" ] && break; sleep 0.05; done

cat <<INFO

== salvo demo
A sandbox of two network namespaces: "scanner" ($S) and "internet" ($T), joined
by a veth pair.  The internet side answers for all of 198.18.1.0/24; services listen on:
  $SERVICES
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
echo "salvo found $found open ports of the 6 listening; the sandbox is removed now."
