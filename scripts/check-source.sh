#!/usr/bin/env bash
# make check: refuse banned functions (curl's checksrc idea) and files without a header
# comment.  Formatting is kept with .clang-format (kernel style); see the README.
set -u
cd "$(dirname "$0")/.."
status=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi|atol)\s*\('
# find, not git ls-files: files not yet added must be checked too.
if grep -nE "$banned" $(find src tests bench -name '*.[ch]'); then
	echo "check: banned function used (use snprintf, memcpy with a length, strtoul...)"
	status=1
fi
for f in $(find src -name '*.[ch]'); do
	head -3 "$f" | grep -q '/\*' || { echo "check: $f: no header comment saying what it is for"; status=1; }
done
[ $status = 0 ] && echo "check: ok"
exit $status
