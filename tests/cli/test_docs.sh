#!/usr/bin/env bash
# The documentation and installation stay true to the program:
#   every long option of the option table (salvo --list-options) is in salvo --help, the man
#   page and the bash completion the build made from it; the man page renders without groff
#   warnings; the completion completes;
#   make install into a DESTDIR puts salvo, the scanner hard link, the man page and the
#   completion in place, the installed binaries run, and make uninstall removes all of it.
# No network, no privilege needed.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
W=$(mktemp -d /tmp/salvo-docs.XXXXXX)
trap 'rm -rf "$W"' EXIT

# The long options as the parser knows them: the table, once each.
"$SALVO" --list-options | cut -f1 >"$W/options"
[ "$(wc -l <"$W/options")" -gt 40 ] && [ -z "$(sort "$W/options" | uniq -d)" ]
result "the table's long options are listed, once each ($(wc -l <"$W/options"))" $?

"$SALVO" --help >"$W/help"
# The man page as text: groff writes "\-" as "-" and may hyphenate; -rHY=0 stops that.
groff -t -man -Tutf8 -rHY=0 -rLL=200n "$ROOT/$BUILD/salvo.1" 2>"$W/groff.err" | col -b >"$W/man.txt"
for doc in help man.txt; do
	missing=""
	while read -r opt; do
		grep -qE -- "--$opt([^a-z-]|$)" "$W/$doc" || missing+=" --$opt"
	done <"$W/options"
	[ -z "$missing" ]
	result "every long option is in $doc${missing:+ (missing:$missing)}" $?
done
missing=""
while read -r opt; do
	grep -qE -- "--$opt([^a-z-]|$)" "$ROOT/$BUILD/salvo.bash" || missing+=" --$opt"
done <"$W/options"
[ -z "$missing" ]
result "every long option is in the bash completion${missing:+ (missing:$missing)}" $?

groff -t -man -ww -z "$ROOT/$BUILD/salvo.1" "$ROOT/doc/salvo-merge-results.1" 2>"$W/warn"
[ ! -s "$W/warn" ] && [ -s "$W/man.txt" ]
status=$?
result "the man page renders without warnings$([ -s "$W/warn" ] && echo ": $(head -3 "$W/warn")")" $status

# The completion, as bash runs it.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
		_salvo; echo "${COMPREPLY[*]}"' _ "$ROOT/$BUILD/salvo.bash" "$@"
}
[ "$(complete_words salvo --io-eng)" = "--io-engine" ] &&
	[ "$(complete_words salvo --io-engine=af)" = "af_packet af_xdp" ] &&
	[ "$(complete_words scanner -M "")" = "$("$SALVO" --list-options |
		awk -F'\t' '$1 == "probe-module" { sub(/^words: /, "", $6); print $6 }')" ] &&
	[ "$(complete_words salvo -O j)" = "json" ] &&
	[ "$(complete_words salvo -f saddr,sp)" = "sport" ]
result "bash completion completes options and values" $?

# make install / uninstall into a DESTDIR.
D=$W/dest
make -s -C "$ROOT" BUILD="$BUILD" install DESTDIR="$D" PREFIX=/usr >"$W/install.log" 2>&1
status=$?
ok=$status
for f in usr/bin/salvo usr/bin/scanner usr/share/man/man1/salvo.1 usr/share/man/man1/scanner.1 \
	usr/share/bash-completion/completions/salvo usr/share/bash-completion/completions/scanner \
	usr/share/doc/salvo/README.md usr/share/doc/salvo/README.anyscan.md \
	usr/bin/salvo-merge-results usr/lib/systemd/system/salvo@.service \
	usr/share/man/man1/salvo-merge-results.1; do
	[ -e "$D/$f" ] || { echo "      missing $f"; ok=1; }
done
# A hard link, not a symlink: the orchestrator resolves symlinks, salvo reads its name.
[ ! -L "$D/usr/bin/scanner" ] && [ "$D/usr/bin/scanner" -ef "$D/usr/bin/salvo" ] || ok=1
"$D/usr/bin/salvo" --version | grep -q "io engines" || ok=1
"$D/usr/bin/scanner" --help | grep -q "usage: salvo" || ok=1
# The orchestrator's test for AF_XDP support: ldd scanner | grep libxdp.so.
if "$SALVO" --version | grep -q af_xdp; then
	ldd "$D/usr/bin/scanner" | grep -q "libxdp.so" || { echo "      ldd shows no libxdp.so"; ok=1; }
fi
result "make install DESTDIR=... puts every file in place (scanner a hard link)" $ok
make -s -C "$ROOT" BUILD="$BUILD" uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
[ -z "$(find "$D" -type f -o -type l)" ]
result "make uninstall removes every installed file" $?

# doc/zmap-compat.md against the option table: a ZMap option marked yes or differs is in the
# table with ZMap's short letter; one marked no is not, and salvo refuses it (long and short)
# with one line that says it is ZMap's and exit 1; every module marked yes is listed.
"$SALVO" --list-options | cut -f1,2 >"$W/table"
"$SALVO" --list-probe-modules >"$W/modules" 2>&1
bad=""
while IFS='|' read -r _ opt short status _; do
	opt=$(echo "$opt" | tr -d ' ') short=$(echo "$short" | tr -d ' -') status=$(echo "$status" | tr -d ' ')
	case "$status" in
	yes | differs)
		awk -F'\t' -v o="${opt#--}" -v s="${short:--}" '$1 == o && $2 == s { f = 1 } END { exit !f }' \
			"$W/table" || bad+=" $opt${short:+/-$short}(not in the table)" ;;
	no)
		grep -q "^${opt#--}	" "$W/table" && bad+=" $opt(in the table, marked no)"
		for o in "$opt" ${short:+"-$short"}; do
			"$SALVO" "$o" 2>"$W/err" >/dev/null
			{ [ $? = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
				grep -qE "^salvo: $o: a (ZMap|netmap) option" "$W/err"; } ||
				bad+=" $o(not refused in one line saying why: $(head -c 80 "$W/err"))"
		done ;;
	*) bad+=" $opt(status '$status')" ;;
	esac
done < <(sed -n '/^## Options/,/^## Probe modules/p' "$ROOT/doc/zmap-compat.md" | grep '^| --')
while IFS='|' read -r _ mod status _; do
	mod=$(echo "$mod" | tr -d ' ') status=$(echo "$status" | tr -d ' ')
	if [ "$status" = yes ]; then grep -qw "$mod" "$W/modules" || bad+=" $mod(module not listed)"; fi
done < <(sed -n '/^## Probe modules/,$p' "$ROOT/doc/zmap-compat.md" | grep -E '^\| [a-z]')
rows=$(grep -c '^| --' "$ROOT/doc/zmap-compat.md")
[ -z "$bad" ] && [ "$rows" -ge 55 ]
result "doc/zmap-compat.md agrees with the option table ($rows ZMap options)${bad:+:$bad}" $?

finish
