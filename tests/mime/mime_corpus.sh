#!/bin/bash
# mime_corpus.sh - the MIME reader reads every message of the bounce corpus
# (LF, CRLF and bare CR copies) without a crash, and sees the same tree.
set -u
dump="$MD_BUILD_ROOT/tests/mime/mime_dump"
corpus="$MD_SHARED/corpus/bounces"
pass=0 fail=0
if [ ! -d "$corpus/emails" ]; then
	echo "SKIP: no corpus at $corpus"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# a few corpus files already have CRLF: normalise first, then convert
for d in emails not-bounces; do
	mkdir -p "$tmp/crlf/$d" "$tmp/cr/$d"
	for f in "$corpus/$d"/*.eml; do
		b=$(basename "$f")
		perl -0777 -pe 's/\r?\n/\r\n/g' "$f" > "$tmp/crlf/$d/$b"
		perl -0777 -pe 's/\r?\n/\r/g' "$f" > "$tmp/cr/$d/$b"
	done
done
"$dump" "$corpus/emails" "$corpus/not-bounces" | sed 's|^== .*/|== |' > "$tmp/lf.out" || fail=$((fail + 1))
for v in crlf cr; do
	if "$dump" "$tmp/$v/emails" "$tmp/$v/not-bounces" | sed 's|^== .*/|== |' > "$tmp/$v.out"; then
		# part types and block fields must be the same as for LF
		if diff <(grep -v ' body=' "$tmp/lf.out" | grep -v '^defect' ) \
		        <(grep -v ' body=' "$tmp/$v.out" | grep -v '^defect') >/dev/null 2>&1; then
			pass=$((pass + 1))
		else
			echo "FAIL: $v copies parse differently from LF"
			fail=$((fail + 1))
		fi
	else
		fail=$((fail + 1))
	fi
done
n=$(grep -c '^==' "$tmp/lf.out")
echo "messages read: $n"
[ "$n" -ge 467 ] && pass=$((pass + 1)) || { echo "FAIL: only $n messages"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
