#!/usr/bin/env bash
# Make the documentation that follows from salvo's option table (src/cli/options.c), for salvo
# or one of its tools (salvo-iterate, ...: the same binary under another name):
#   gen-docs.sh man PROGRAM TEMPLATE OUT   the man page: TEMPLATE with @OPTIONS@ replaced by a
#                                          section a group and an entry an option, and
#                                          @PROBE_MODULES@ (salvo's) by an entry a probe
#                                          module, from PROGRAM --list-probe-modules
#   gen-docs.sh bash PROGRAM OUT           the bash completion of PROGRAM (salvo's: and scanner)
# Both read "PROGRAM --list-options" (tab-separated: name, letter, value, group, alias of,
# completion, help, man text): the options that program takes, so an option added to the table
# is documented and completed wherever it is taken.
set -eu
mode=$1
salvo=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$salvo" --list-options >"$tmp"

man_options() {
	awk -F'\t' '
	function esc(s) {
		gsub(/\\/, "\\e", s)
		gsub(/-/, "\\-", s)
		if (s ~ /^[.\047]/)
			s = "\\&" s
		return s
	}
	{
		if ($5 != "-")
			next # an alias: its option says so
		g = $4
		if (!(g in text))
			order[n++] = g
		head = ($2 != "-") ? "\\-" $2 " \", \" \\-\\-" esc($1) : "\\-\\-" esc($1)
		if ($3 != "-")
			line = ".BR " head " = \\fI" esc($3) "\\fR"
		else if ($2 != "-")
			line = ".BR " head
		else
			line = ".B " head
		text[g] = text[g] ".TP\n" line "\n" esc($7) "\n"
		if ($8 != "-")
			text[g] = text[g] esc($8) "\n"
	}
	END {
		for (i = 0; i < n; i++)
			printf ".SH %s OPTIONS\n%s", toupper(order[i]), text[order[i]]
	}' "$tmp"
}

# The probe modules, as --list-probe-modules says them ("name  what it sends; --probe-args: ..."):
# an entry each.
man_probe_modules() {
	"$salvo" --list-probe-modules | awk '
	function esc(s) {
		gsub(/\\/, "\\e", s)
		gsub(/-/, "\\-", s)
		return s
	}
	{
		name = $1
		text = $0
		sub(/^[^ ]+ +/, "", text)
		printf ".TP\n.B %s\n%s\n", esc(name), esc(text)
	}'
}

# The completion function and the commands it completes: salvo's also completes scanner.
name=$(basename "$salvo")
func=_${name//-/_}
commands=$name
[ "$name" = salvo ] && commands="salvo scanner"

bash_completion() {
	printf '%s\n' "# bash completion for $commands, made by scripts/gen-docs.sh from" \
		"# $name --list-options: edit src/cli/options.c, not this file." "" "$func()" "{" \
		"	local cur prev" "	COMPREPLY=()" '	cur=${COMP_WORDS[COMP_CWORD]}' \
		'	prev=${COMP_WORDS[COMP_CWORD-1]}'
	awk -F'\t' '{ opts = opts (opts ? " " : "") "--" $1 } END { print "\tlocal opts=\"" opts "\"" }' "$tmp"
	printf '%s\n' "	# --opt=value forms." '	if [[ $cur == --*=* ]]; then' '		prev=${cur%%=*}' \
		'		cur=${cur#*=}' "	fi" '	case $prev in'
	awk -F'\t' '
	$3 != "-" {
		pat = ($2 != "-" ? "-" $2 " | " : "") "--" $1
		if ($6 == "files")
			act = "COMPREPLY=($(compgen -f -- \"$cur\"))"
		else if ($6 == "interfaces")
			act = "COMPREPLY=($(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"$cur\"))"
		else if ($6 == "users")
			act = "COMPREPLY=($(compgen -u -- \"$cur\"))"
		else if ($6 ~ /^words:/) {
			w = substr($6, 8)
			# A list (-f a,b,c) completes its last item.
			act = "COMPREPLY=($(compgen -W \"" w "\" -- \"" ($3 == "LIST" ? "${cur##*,}" : "$cur") "\"))"
		} else
			act = ""
		printf "\t%s)%s%s return ;;\n", pat, act ? " " : "", act (act ? ";" : "")
	}' "$tmp"
	printf '%s\n' "	esac" '	if [[ $cur == -* ]]; then' '		COMPREPLY=($(compgen -W "$opts" -- "$cur"))' \
		"	fi" "}" "complete -F $func $commands"
}

case $mode in
man)
	template=$3
	out=$4
	man_options >"$tmp.options"
	if grep -q '^@PROBE_MODULES@$' "$template"; then
		man_probe_modules >"$tmp.modules"
	else
		: >"$tmp.modules"
	fi
	awk -v f="$tmp.options" -v m="$tmp.modules" '
		/^@OPTIONS@$/ { while ((getline l < f) > 0) print l; next }
		/^@PROBE_MODULES@$/ { while ((getline l < m) > 0) print l; next }
		{ print }' "$template" >"$out.tmp"
	rm -f "$tmp.options" "$tmp.modules"
	mv "$out.tmp" "$out"
	;;
bash)
	bash_completion >"$3.tmp"
	mv "$3.tmp" "$3"
	;;
*)
	echo "usage: gen-docs.sh man PROGRAM TEMPLATE OUT | bash PROGRAM OUT" >&2
	exit 2
	;;
esac
