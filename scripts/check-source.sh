#!/usr/bin/env bash
# make check: the C files formatted as .clang-format says (clang-format from Debian 12), no
# banned function (curl's checksrc idea), and a header comment on every file of src/.
set -u
cd "$(dirname "$0")/.."
status=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi|atol)\s*\('
# find, not git ls-files: files not yet added must be checked too.
sources=$(find src tests bench -name '*.[ch]' -not -path '*/corpus/*')
if grep -nE "$banned" $sources; then
	echo "check: banned function used (use snprintf, memcpy with a length, strtoul...)"
	status=1
fi
if ! command -v clang-format >/dev/null; then
	echo "check: clang-format missing (scripts/install-deps.sh installs it)"
	status=1
elif ! clang-format --dry-run --Werror --style=file $sources; then
	echo "check: not formatted as .clang-format says (clang-format -i --style=file FILE)"
	status=1
fi
for f in $(find src -name '*.[ch]'); do
	head -3 "$f" | grep -q '/\*' || { echo "check: $f: no header comment saying what it is for"; status=1; }
done
[ $status = 0 ] && echo "check: ok"
exit $status
