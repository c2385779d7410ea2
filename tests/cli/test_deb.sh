#!/usr/bin/env bash
# Debian packaging: dpkg-buildpackage -us -uc -b builds a .deb from a copy of the tracked
# files, and the package holds what make install puts in place (scanner and the tools hard
# links, the man pages, the completions, the systemd unit), depends on the libraries salvo
# links, and its salvo runs.  No network, no privilege needed.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
W=$(mktemp -d /tmp/salvo-deb.XXXXXX)
trap 'rm -rf "$W"' EXIT

if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	echo "FAIL: dpkg-buildpackage or dh missing (scripts/install-deps.sh installs them)"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$W/src"
(cd "$ROOT" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$W/src"
rm -rf "$W/src/build"
(cd "$W/src" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1
status=$?
deb=$(ls "$W"/salvo_*_*.deb 2>/dev/null | head -1)
[ $status = 0 ] && [ -n "$deb" ]
st=$?
result "dpkg-buildpackage -us -uc -b builds $(basename "${deb:-no .deb}")" $st
[ $status = 0 ] || tail -20 "$W/build.log" | sed 's/^/      /'

if [ -n "$deb" ]; then
	dpkg -c "$deb" >"$W/contents"
	missing=""
	for f in ./usr/bin/salvo ./usr/bin/salvo-merge-results ./usr/share/man/man1/salvo.1.gz \
		./usr/share/bash-completion/completions/salvo ./lib/systemd/system/salvo@.service \
		./usr/share/doc/salvo/copyright; do
		grep -q " $f\$" "$W/contents" || missing+=" $f"
	done
	grep -qE '^h.* \./usr/bin/scanner link to \./usr/bin/salvo$' "$W/contents" ||
		missing+=" scanner-as-hard-link"
	# The tools, as hard links with their pages and completions; ZMap's names are not
	# shipped (they would clash with Debian's zmap package).
	for t in salvo-iterate salvo-blocklist salvo-tee; do
		grep -qE "^h.* \./usr/bin/$t link to \./usr/bin/salvo\$" "$W/contents" ||
			missing+=" $t-as-hard-link"
		for f in ./usr/share/man/man1/$t.1.gz ./usr/share/bash-completion/completions/$t; do
			grep -q " $f\$" "$W/contents" || missing+=" $f"
		done
	done
	grep -qE '/(ziterate|zblocklist|ztee)$' "$W/contents" && missing+=" (ZMap's names shipped)"
	[ -z "$missing" ]
	result "the package holds every installed file${missing:+ (missing:$missing)}" $?

	depends=$(dpkg-deb -f "$deb" Depends)
	ok=0
	for lib in libc6 libpcap0.8 libcap2 adduser; do
		[[ $depends == *"$lib"* ]] || { echo "      Depends lacks $lib: $depends"; ok=1; }
	done
	if "$ROOT/${BUILD:-build}/salvo" --version | grep -q af_xdp; then
		[[ $depends == *libxdp1* && $depends == *libbpf1* ]] || { echo "      no libxdp1/libbpf1"; ok=1; }
	fi
	if "$ROOT/${BUILD:-build}/salvo" --version | grep -q dpdk; then
		[[ $depends == *librte-ethdev23* ]] || { echo "      no librte-ethdev23"; ok=1; }
	fi
	result "Depends names the shared libraries salvo links" $ok

	dpkg -x "$deb" "$W/root"
	"$W/root/usr/bin/salvo" --version | grep -q "io engines: af_packet" &&
		"$W/root/usr/bin/scanner" --help | grep -q "usage: salvo" &&
		[ "$W/root/usr/bin/scanner" -ef "$W/root/usr/bin/salvo" ] &&
		[ "$(printf '8.8.8.8\n10.1.1.1\n8.8.8.8\n' | "$W/root/usr/bin/salvo-blocklist")" = 8.8.8.8 ]
	result "the packaged salvo, scanner and salvo-blocklist run" $?
fi
finish
