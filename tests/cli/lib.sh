# What the CLI tests (tests/cli/*.sh) share; each sources this first.
#   ROOT BUILD SALVO   the checkout, the build directory, the salvo under test
#   RUN                a prefix that runs a command unprivileged in an empty network namespace
#                      (when we are root and have unshare and setpriv), else nothing
#   result NAME STATUS count a test: PASS when STATUS is 0, FAIL otherwise
#   finish             print "N passed, N failed" and exit with the tests' status
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
SALVO=${SALVO:-$ROOT/$BUILD/salvo}
pass=0
fail=0

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null; then
	RUN=(unshare --net setpriv --reuid=65534 --regid=65534 --clear-groups)
else
	RUN=()
fi

result() {
	if [ "$2" = 0 ]; then
		echo "PASS: $1"
		pass=$((pass + 1))
	else
		echo "FAIL: $1"
		fail=$((fail + 1))
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}
