#!/usr/bin/env bash
# The documentation and installation stay true to the program:
#   for salvo and each of its tools (salvo-iterate, salvo-blocklist, salvo-tee), every long
#   option it takes (PROGRAM --list-options) is in its --help, its man page and the bash
#   completion the build made from the table, and a tool offers none of salvo's it does not
#   take; the man pages render without groff warnings; the completions complete;
#   make install into a DESTDIR puts salvo, the scanner and tool hard links (not ZMap's
#   names), the man pages and completions in place, the installed binaries run, and make
#   uninstall removes all of it;
#   doc/zmap-compat.md's tables agree with the option tables of salvo and of each tool;
#   --list-probe-modules says what each module takes as --probe-args (a module that says none
#   refuses any, the others take what they say), and the man page lists every module;
#   --help and the man page say that targets are IPv4 or IPv6 and a dry run needs none, and
#   the page's SEE ALSO names the tools and salvo-merge-results;
#   the README's facts that are not measurements hold for this build: the whole IPv4 space's
#   size and duration, the libraries salvo links (readelf -d, ldd, the Makefile's LDLIBS), the
#   Debian packages (scripts/install-deps.sh), the engines and modes the namespace tests run
#   (tests/run-all.sh).  (Its bad-input count is checked by tests/netns/test_badinput.sh.)
# No network, no privilege needed.
set -u
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
W=$(mktemp -d /tmp/salvo-docs.XXXXXX)
trap 'rm -rf "$W"' EXIT

# Each program (salvo, and its tools: the same binary under their names) documents the options
# it takes, as its own parser knows them (PROGRAM --list-options): the table, once each.
for prog in salvo salvo-iterate salvo-blocklist salvo-tee; do
	bin=$ROOT/$BUILD/$prog
	"$bin" --list-options | cut -f1 >"$W/options"
	min=40
	[ "$prog" = salvo ] || min=8
	[ "$(wc -l <"$W/options")" -ge $min ] && [ -z "$(sort "$W/options" | uniq -d)" ]
	st=$?
	result "$prog: its long options are listed, once each ($(wc -l <"$W/options"))" $st

	"$bin" --help >"$W/help"
	# The man page as text: groff writes "\-" as "-" and may hyphenate; -rHY=0 stops that.
	groff -t -man -Tutf8 -rHY=0 -rLL=200n "$ROOT/$BUILD/$prog.1" 2>"$W/groff.err" |
		col -b >"$W/man.txt"
	cp "$ROOT/$BUILD/$prog.bash" "$W/completion"
	for doc in help man.txt completion; do
		missing=""
		while read -r opt; do
			grep -qE -- "--$opt([^a-z-]|$)" "$W/$doc" || missing+=" --$opt"
		done <"$W/options"
		[ -z "$missing" ]
		result "$prog: every long option is in its $doc${missing:+ (missing:$missing)}" $?
	done
	# Nothing of another program's: a tool's help and page name no option it does not take.
	if [ "$prog" != salvo ]; then
		extra=""
		for opt in rate interface probe-module output-file sender-threads; do
			grep -qE -- "--$opt([^a-z-]|$)" "$W/help" "$W/man.txt" "$W/completion" &&
				extra+=" --$opt"
		done
		[ -z "$extra" ]
		result "$prog: no option of salvo's it does not take is offered${extra:+ (offered:$extra)}" $?
	fi
done

groff -t -man -ww -z "$ROOT/$BUILD/salvo.1" "$ROOT/$BUILD/salvo-iterate.1" \
	"$ROOT/$BUILD/salvo-blocklist.1" "$ROOT/$BUILD/salvo-tee.1" \
	"$ROOT/doc/salvo-merge-results.1" 2>"$W/warn"
[ ! -s "$W/warn" ]
status=$?
result "the man pages render without warnings$([ -s "$W/warn" ] && echo ": $(head -3 "$W/warn")")" $status

# --list-probe-modules is where each module's --probe-args is described: every line says it,
# one that says none is refused any, and the first word of the others' is taken.
bad=""
n=0
while read -r mod rest; do
	n=$((n + 1))
	args=$(sed -n 's/.*; --probe-args: //p' <<<"$rest")
	# The icmp modules probe addresses, and refuse -p.
	ports=(-p 80)
	"$SALVO" --dryrun -q -b /dev/null -p 80 -M "$mod" 192.0.2.1 >/dev/null 2>&1 || ports=()
	run=("$SALVO" --dryrun -q -b /dev/null "${ports[@]}" -M "$mod")
	case $args in
	"") bad+=" $mod(says nothing of --probe-args)" ;;
	none)
		"${run[@]}" --probe-args=x 192.0.2.1 >/dev/null 2>"$W/err"
		[ $? = 1 ] && grep -q "^salvo: --probe-args: $mod takes none" "$W/err" ||
			bad+=" $mod(says none but takes x)" ;;
	*)
		# The first value it names, as written (mss; text:STR as text:x; TYPE,NAME as A,x).
		first=$(sed -E 's/^([^ ,(]+(,NAME)?).*/\1/; s/STR$/x/; s/^TYPE,NAME/A,example.com/' <<<"$args")
		"${run[@]}" "--probe-args=$first" 192.0.2.1 >/dev/null 2>"$W/err" ||
			bad+=" $mod(refuses its own '$first': $(head -c 80 "$W/err"))" ;;
	esac
done < <("$SALVO" --list-probe-modules)
[ -z "$bad" ] && [ "$n" -ge 9 ]
result "--list-probe-modules says each module's --probe-args, and each takes what it says ($n modules)${bad:+:$bad}" $?

groff -t -man -Tutf8 -rHY=0 -rLL=200n "$ROOT/$BUILD/salvo.1" 2>/dev/null | col -b |
	sed -n '/^PROBE MODULES/,/^[A-Z]/p' >"$W/man.modules"
missing=""
while read -r mod _; do
	grep -qE "^ +$mod( |$)" "$W/man.modules" || missing+=" $mod"
done < <("$SALVO" --list-probe-modules)
[ -z "$missing" ] && grep -q -- "--probe-args: none" "$W/man.modules"
result "the man page's PROBE MODULES lists every module and its --probe-args${missing:+ (missing:$missing)}" $?

# What a target is and when one is needed, as the binary does it: IPv6 targets are taken and a
# dry run needs none; --help's usage and the man page say so.
groff -t -man -Tutf8 -rHY=0 -rLL=2000n "$ROOT/$BUILD/salvo.1" 2>/dev/null | col -b >"$W/man.wide"
"$SALVO" --help | sed -n '/^usage/,/^$/p' | tr -s ' \n' ' ' >"$W/usage"
"$SALVO" --dryrun -q -b /dev/null -p 80 2001:db8::1 | grep -q "daddr: 2001:db8::1" &&
	"$SALVO" --dryrun -q -p 80 -n 1 | grep -q "^tcp {" &&
	grep -q "IPv4 or IPv6 address" "$W/usage" && grep -q "dry run .*needs no target" "$W/usage" &&
	grep -q "TARGET is an IPv4 or IPv6 address" "$W/man.wide" &&
	grep -q "a dry run needs neither a target nor a privilege" "$W/man.wide"
result "--help and the man page say targets are IPv4 or IPv6 and a dry run needs none, as salvo does" $?

# salvo's page sends its reader on to the programs that come with it.
missing=""
for p in salvo-iterate salvo-blocklist salvo-tee salvo-merge-results; do
	sed -n '/^SEE ALSO/,$p' "$W/man.wide" | grep -q "$p(1)" || missing+=" $p"
done
[ -z "$missing" ]
result "salvo's man page's SEE ALSO names the tools and salvo-merge-results${missing:+ (missing:$missing)}" $?

# The completions, as bash runs them: complete_words FILE FUNCTION WORDS...
complete_words() {
	bash -c 'source "$1"; f=$2; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
		"$f"; echo "${COMPREPLY[*]}"' _ "$ROOT/$BUILD/$1" "$2" "${@:3}"
}
[ "$(complete_words salvo.bash _salvo salvo --io-eng)" = "--io-engine" ] &&
	[ "$(complete_words salvo.bash _salvo salvo --io-engine=af)" = "af_packet af_xdp" ] &&
	[ "$(complete_words salvo.bash _salvo scanner -M "")" = "$("$SALVO" --list-options |
		awk -F'\t' '$1 == "probe-module" { sub(/^words: /, "", $6); print $6 }')" ] &&
	[ "$(complete_words salvo.bash _salvo salvo -O j)" = "json" ] &&
	[ "$(complete_words salvo.bash _salvo salvo -f saddr,sp)" = "sport" ]
result "bash completion completes options and values" $?
[ "$(complete_words salvo-tee.bash _salvo_tee salvo-tee --succ)" = "--success-only" ] &&
	[ "$(complete_words salvo-blocklist.bash _salvo_blocklist salvo-blocklist --no-d)" = \
		"--no-duplicate-checking" ] &&
	[ "$(complete_words salvo-iterate.bash _salvo_iterate salvo-iterate --sh)" = "--shards --shard" ] &&
	[ "$(complete_words salvo-iterate.bash _salvo_iterate salvo-iterate --r)" = "" ] &&
	grep -q '^complete -F _salvo_iterate salvo-iterate$' "$ROOT/$BUILD/salvo-iterate.bash"
result "the tools' completions complete their own options, and only theirs" $?

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
for t in salvo-iterate salvo-blocklist salvo-tee; do
	for f in usr/bin/$t usr/share/man/man1/$t.1 usr/share/bash-completion/completions/$t; do
		[ -e "$D/$f" ] || { echo "      missing $f"; ok=1; }
	done
	[ ! -L "$D/usr/bin/$t" ] && [ "$D/usr/bin/$t" -ef "$D/usr/bin/salvo" ] ||
		{ echo "      $t is not a hard link of salvo"; ok=1; }
	"$D/usr/bin/$t" --help | grep -q "^usage: $t " || { echo "      $t --help"; ok=1; }
done
# ZMap's names would clash with Debian's zmap package: not installed.
for z in ziterate zblocklist ztee zblacklist; do
	[ ! -e "$D/usr/bin/$z" ] || { echo "      $z installed"; ok=1; }
done
# A hard link, not a symlink: the orchestrator resolves symlinks, salvo reads its name.
[ ! -L "$D/usr/bin/scanner" ] && [ "$D/usr/bin/scanner" -ef "$D/usr/bin/salvo" ] || ok=1
"$D/usr/bin/salvo" --version | grep -q "io engines" || ok=1
"$D/usr/bin/scanner" --help | grep -q "usage: salvo" || ok=1
# The orchestrator's test for AF_XDP support: ldd scanner | grep libxdp.so.
if "$SALVO" --version | grep -q af_xdp; then
	ldd "$D/usr/bin/scanner" | grep -q "libxdp.so" || { echo "      ldd shows no libxdp.so"; ok=1; }
fi
result "make install DESTDIR=... puts every file in place (scanner and the tools hard links)" $ok
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
done < <(sed -n '/^## Probe modules/,/^## Tools/p' "$ROOT/doc/zmap-compat.md" | grep -E '^\| [a-z]')
rows=$(sed -n '/^## Options/,/^## Probe modules/p' "$ROOT/doc/zmap-compat.md" | grep -c '^| --')
[ -z "$bad" ] && [ "$rows" -ge 55 ]
result "doc/zmap-compat.md agrees with the option table ($rows ZMap options)${bad:+:$bad}" $?

# Its tools' tables: each ZMap tool's options against the option table of the salvo tool that
# stands in for it (TOOL --list-options), as for salvo's above; "### zname: salvo-name" heads
# each table.
bad=""
tools=0
while read -r zname sname; do
	tools=$((tools + 1))
	"$ROOT/$BUILD/$sname" --list-options | cut -f1,2 >"$W/table"
	[ "$("$ROOT/$BUILD/$zname" --help 2>&1 | head -1 | cut -d' ' -f1)" = "$sname" ] ||
		bad+=" $zname(does not run $sname)"
	while IFS='|' read -r _ opt short status _; do
		opt=$(echo "$opt" | tr -d ' ') short=$(echo "$short" | tr -d ' -') status=$(echo "$status" | tr -d ' ')
		case "$status" in
		yes | differs)
			awk -F'\t' -v o="${opt#--}" -v s="${short:--}" '$1 == o && $2 == s { f = 1 } END { exit !f }' \
				"$W/table" || bad+=" $sname:$opt${short:+/-$short}(not taken)" ;;
		no)
			"$ROOT/$BUILD/$sname" "$opt" 2>"$W/err" </dev/null >/dev/null
			{ [ $? = 1 ] && [ "$(wc -l <"$W/err")" = 1 ]; } || bad+=" $sname:$opt(not refused)" ;;
		*) bad+=" $sname:$opt(status '$status')" ;;
		esac
	done < <(awk -v h="### $zname: $sname" '$0 == h { on = 1; next } /^#/ { on = 0 } on' \
		"$ROOT/doc/zmap-compat.md" | grep '^| --')
done < <(sed -nE 's/^### (z[a-z]+): (salvo-[a-z]+)$/\1 \2/p' "$ROOT/doc/zmap-compat.md")
[ -z "$bad" ] && [ "$tools" = 3 ]
result "doc/zmap-compat.md's tool tables agree with the tools' options ($tools tools)${bad:+:$bad}" $?

# README's figure of the whole IPv4 space: the addresses salvo's blocklist leaves and the days a
# port takes at the default rate, as a dry run of 0.0.0.0/0 states them.
"$SALVO" --dryrun -p 443 -n 1 0.0.0.0/0 2>"$W/space" >/dev/null
addresses=$(sed -n 's/^salvo: scanning \([0-9]*\) addresses.*/\1/p' "$W/space")
rate=$(sed -n 's/.*; rate \([0-9]*\) pps;.*/\1/p' "$W/space")
want=$(python3 -c "import sys; a, r = int(sys.argv[1]), int(sys.argv[2])
print(f'{a:,} addresses the built-in blocklist leaves: {a / r / 86400:.1f} days a port at the default rate of {r:,} probes')" \
	"${addresses:-0}" "${rate:-1}")
tr -s ' \n' ' ' <"$ROOT/README.md" | grep -qF "$want"
result "README's whole IPv4 space is salvo's: $want" $?

# The libraries salvo links, as README says them: each this build needs (readelf -d) is named
# and found (ldd); each named for an engine this build has is needed; each the Makefile links
# (LDLIBS: -lNAME, pkg-config --libs NAME) is named.
sentence=$(sed -n '/^salvo links (dynamically)/,/^$/p' "$ROOT/README.md" | tr -s ' \n' ' ')
# (A sanitizer build's runtimes, make test-asan's, are the build's, not salvo's.)
readelf -d "$ROOT/$BUILD/salvo" | sed -n 's/.*Shared library: \[\(lib[^.]*\)\..*/\1/p' |
	grep -vxE 'lib(a|ub|l|t)san' >"$W/needed"
ldd "$ROOT/$BUILD/salvo" >"$W/ldd"
bad=""
while read -r lib; do
	grep -qw "$lib" <<<"$sentence" || bad+=" $lib(needed, not named)"
	grep -q "^[[:space:]]*$lib\.so[^ ]* => /" "$W/ldd" || bad+=" $lib(not found by ldd)"
done <"$W/needed"
# "with ENGINE, LIBS;" clauses: a built engine's libraries are needed (libdpdk is pkg-config's
# name for DPDK's, and pfring_zc is never built here).
while IFS= read -r clause; do
	engine=$(sed -nE 's/^ *with ([a-z_]+),.*/\1/p' <<<"$clause")
	[ -n "$engine" ] || continue
	"$SALVO" --list-io-engines | grep -q "^$engine  *yes" || continue
	for lib in $(grep -oE '\blib[a-z_]+\b' <<<"${clause#*,}"); do
		[ "$lib" = libdpdk ] && continue
		grep -qx "$lib" "$W/needed" || bad+=" $lib(named for $engine, not needed)"
	done
done < <(tr ';' '\n' <<<"$sentence")
for lib in $(sed -n '/^LDLIBS +=/,/[^\\]$/p' "$ROOT/Makefile" |
	grep -oE -- '-l[a-z_]+|--libs [a-z_ ]+' | sed -E 's/^--libs //; s/^-l/lib/' | tr ' ' '\n' |
	grep -v '^$' | sed -E 's/^lib(lib)?/lib/' | sort -u); do
	grep -qE "\b$lib\b|-l${lib#lib}\b" <<<"$sentence" || bad+=" $lib(the Makefile links it)"
done
[ -z "$bad" ] && [ -s "$W/needed" ]
st=$?
result "README names the libraries salvo links: $(tr '\n' ' ' <"$W/needed")${bad:+; wrong:$bad}" $st

# README's table of Debian packages is scripts/install-deps.sh's list.
sed -n '/^PACKAGES=(/,/^)/p' "$ROOT/scripts/install-deps.sh" | sed -n 's/^[[:space:]]*\([a-z0-9][a-z0-9.+-]*\).*/\1/p' |
	sort >"$W/deps"
awk '/^### Dependencies and why/ { on = 1; next } on && /^\|/ { t = 1; print; next } t { exit }' \
	"$ROOT/README.md" | grep '^| `' | cut -d'|' -f2 |
	grep -oE '`[a-z0-9.+-]+`' | tr -d '`' | sort >"$W/table"
diff -u "$W/deps" "$W/table" >"$W/deps.diff"
status=$?
[ $status = 0 ] || why=": $(grep '^[-+][a-z]' "$W/deps.diff" | tr '\n' ' ')"
result "README's dependency table is scripts/install-deps.sh's list ($(wc -l <"$W/deps") packages)${why:-}" $status

# The engines and modes the namespace tests run, as tests/run-all.sh chooses them: README names
# each as its section does.
modes=$(sed -n 's/.*ENGINES+=(\("[^$][^)]*\)).*/\1/p' "$ROOT/tests/run-all.sh" | grep -oE '"[^"]+"' | tr -d '"'
	sed -n 's/^for engine in \(dpdk:[a-z_: ]*\); do$/\1/p' "$ROOT/tests/run-all.sh" | tr ' ' '\n')
readme=$(tr -s ' \n' ' ' <"$ROOT/README.md")
missing=""
while read -r mode; do
	[ -n "$mode" ] && ! grep -qF "\`$mode\`" <<<"$readme" && missing+=" '$mode'"
done <<<"$modes"
[ -z "$missing" ] && [ "$(grep -c . <<<"$modes")" -ge 6 ]
st=$?
result "README names every engine and mode of the namespace tests ($(grep -c . <<<"$modes"))${missing:+; missing:$missing}" $st

finish
