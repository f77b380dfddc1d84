#!/bin/bash
# mime_corpus.sh - the MIME reader reads every message of the bounce corpus
# without a crash, and sees the same structure when every line end is
# rewritten as CRLF or as bare CR (copies made in memory by mime_dump).
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
# structure only: part types, fields of delivery-status blocks, subjects
shape() { grep -v ' body=' | grep -v '^defect'; }
"$dump" "$corpus/emails" "$corpus/not-bounces" | shape > "$tmp/lf.out" || fail=$((fail + 1))
for v in crlf cr; do
	if "$dump" --eol "$v" "$corpus/emails" "$corpus/not-bounces" | shape > "$tmp/$v.out"; then
		if diff "$tmp/lf.out" "$tmp/$v.out" > "$tmp/$v.diff"; then
			pass=$((pass + 1))
		else
			echo "FAIL: $v copies parse differently from LF:"
			head -20 "$tmp/$v.diff"
			fail=$((fail + 1))
		fi
	else
		fail=$((fail + 1))
	fi
done
n=$(grep -c '^==' "$tmp/lf.out")
echo "messages read: $n"
if [ "$n" -ge 467 ]; then pass=$((pass + 1)); else echo "FAIL: only $n messages"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
