#!/bin/bash
# ndjson_cli.sh - maildiag bounce --format ndjson streams its records: the
# exit code and stderr are what the other formats give (not a bounce,
# unreadable inputs, problems found, output that cannot be written), and
# the lines carry the records of the JSON document, in order.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
D="$MD_SOURCE_ROOT/tests/bounce/data"
EX="$MD_SOURCE_ROOT/examples/bounces/gmail-5.7.26.eml"
C="${MD_SHARED:?}/corpus/bounces"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# run FORMAT ARGS...: stdout in $tmp/out, stderr in $tmp/err, exit code in $rc
run() {
	local f=$1
	shift
	"$MAILDIAG" bounce --format "$f" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# not a bounce: no records, no error, exit 0 as with json and text
for f in ndjson json text; do
	run "$f" "$D/plain.eml"
	t_eq "not a bounce: $f exit" "$rc" 0
	t_eq "not a bounce: $f stderr" "$(cat "$tmp/err")" ""
done
run ndjson "$D/plain.eml"
t_eq "not a bounce: no lines" "$(wc -c <"$tmp/out")" 0

# unreadable input: exit 2, one stderr line naming the file, no output
for f in ndjson json; do
	run "$f" "$tmp/missing.eml"
	t_eq "unreadable: $f exit" "$rc" 2
	t_eq "unreadable: $f one stderr line" "$(wc -l <"$tmp/err")" 1
	t_contains "unreadable: $f names the file" "$(cat "$tmp/err")" "missing.eml#1: cannot open"
done
run ndjson "$tmp/missing.eml"
t_eq "unreadable: no lines" "$(wc -c <"$tmp/out")" 0
# ... and the other inputs are still streamed
run ndjson "$tmp/missing.eml" "$EX"
t_eq "unreadable + bounce: exit" "$rc" 2
t_eq "unreadable + bounce: one stderr line" "$(wc -l <"$tmp/err")" 1
t_eq "unreadable + bounce: one record" "$(wc -l <"$tmp/out")" 1
if [ "$(id -u)" -ne 0 ]; then
	cp "$EX" "$tmp/noread.eml"
	chmod 000 "$tmp/noread.eml"
	run ndjson "$tmp/noread.eml"
	t_eq "no permission: exit" "$rc" 2
	t_contains "no permission: names the file" "$(cat "$tmp/err")" "noread.eml#1"
fi

# problems found: the findings decide, as in the other formats
for f in ndjson json text csv; do
	run "$f" "$EX"
	t_eq "problems: $f exit" "$rc" 1
done
run ndjson "$D/vacation.eml"
want=$rc
run json "$D/vacation.eml"
t_eq "vacation: same exit as json" "$want" "$rc"

# output that cannot be written: could not finish (3), said once
if [ -w /dev/full ]; then
	"$MAILDIAG" bounce --format ndjson "$C/emails" >/dev/full 2>"$tmp/err"
	t_eq "/dev/full exit" "$?" 3
	t_contains "/dev/full message" "$(cat "$tmp/err")" "cannot write output"
	t_eq "/dev/full one stderr line" "$(wc -l <"$tmp/err")" 1
fi

# the stream holds the JSON document's records, same keys in the same order
run ndjson "$C/emails" "$C/not-bounces"
nd_rc=$rc
cp "$tmp/out" "$tmp/nd"
run json "$C/emails" "$C/not-bounces"
t_eq "corpus: same exit as json" "$nd_rc" "$rc"
t_eq "corpus: records" "$(python3 - "$tmp/nd" "$tmp/out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
recs = json.load(open(sys.argv[2], encoding="utf-8"))["records"]
same = len(lines) == len(recs) and all(list(a.items()) == list(b.items()) for a, b in zip(lines, recs))
print("same" if same and len(lines) > 400 else "differ: %d lines, %d records" % (len(lines), len(recs)))
PY
)" "same"
# parsing on threads changes nothing: the same bytes, errors and exit code
# for one thread and several, with an unreadable input and a broken
# message among the corpus files (more messages than one chunk of work)
printf 'From: x\n\xff\xfe\x00garbage' > "$tmp/broken.eml"
for f in ndjson json csv text; do
	run "$f" --jobs 1 "$C/emails" "$tmp/missing.eml" "$tmp/broken.eml" "$C/not-bounces" "$C/emails"
	cp "$tmp/out" "$tmp/out1"
	cp "$tmp/err" "$tmp/err1"
	rc1=$rc
	run "$f" --jobs 3 "$C/emails" "$tmp/missing.eml" "$tmp/broken.eml" "$C/not-bounces" "$C/emails"
	t_eq "jobs: $f same output" "$(cmp -s "$tmp/out1" "$tmp/out" && echo same)" "same"
	t_eq "jobs: $f same errors" "$(cmp -s "$tmp/err1" "$tmp/err" && echo same)" "same"
	t_eq "jobs: $f same exit" "$rc" "$rc1"
done
t_eq "jobs: unreadable input named once" "$(grep -c 'missing.eml#1' "$tmp/err")" 1
t_eq "jobs: exit 2" "$rc" 2
# a directory's files are read by the parsing threads: the same items as
# when the main thread reads them (files named on the command line), with
# an mbox of several messages, an empty file and an unreadable one
mkdir "$tmp/dir"
i=0
for m in "$C"/emails/*; do
	i=$((i + 1))
	[ $i -le 60 ] || break
	cp "$m" "$tmp/dir/m$i.eml"
	[ $i -le 5 ] && { echo "From sender@example.org Mon Nov 23 10:00:00 2026"; sed 's/^From />From /' "$m"; echo; } >> "$tmp/dir/box.mbox"
done
: > "$tmp/dir/empty.eml"
if [ "$(id -u)" -ne 0 ]; then cp "$EX" "$tmp/dir/noread.eml"; chmod 000 "$tmp/dir/noread.eml"; fi
for j in 1 3; do
	run ndjson --jobs "$j" "$tmp/dir"
	cp "$tmp/out" "$tmp/dout"; cp "$tmp/err" "$tmp/derr"; drc=$rc
	run ndjson --jobs "$j" "$tmp"/dir/*
	t_eq "dir jobs $j: same records as the files" "$(cmp -s "$tmp/dout" "$tmp/out" && echo same)" "same"
	t_eq "dir jobs $j: same errors as the files" "$(cmp -s "$tmp/derr" "$tmp/err" && echo same)" "same"
	t_eq "dir jobs $j: same exit" "$drc" "$rc"
done
t_eq "dir: mbox messages" "$(grep -q '"file":"[^"]*box.mbox","index":5' "$tmp/dout" && echo five)" "five"
t_contains "dir: empty file named" "$(cat "$tmp/derr")" "empty.eml#1: empty input"
t_eq "dir: exit 2" "$drc" 2
run ndjson --jobs 0 "$EX"
t_eq "jobs 0: exit" "$rc" 2
t_contains "jobs 0: says why" "$(cat "$tmp/err")" "--jobs 0: not a number from 1 to 64"
run ndjson --jobs two "$EX"
t_eq "jobs two: exit" "$rc" 2
t_summary
