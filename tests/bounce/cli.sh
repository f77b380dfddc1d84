#!/bin/bash
# cli.sh - maildiag bounce end to end: the bundled Gmail 5.7.26 example,
# inputs (mbox, directory, stdin, a missing file), output formats, rules
# override, backscatter and phishing flags, vacation and not-a-bounce.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
D="$MD_SOURCE_ROOT/tests/bounce/data"
EX="$MD_SOURCE_ROOT/examples/bounces/gmail-5.7.26.eml"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
field() { python3 -c "import json,sys; r=[json.loads(l) for l in sys.stdin if l.strip()]; print(r[$1]['$2'] if len(r)>$1 else 'none')"; }

# the bundled example: authfailure, not a hard bounce, the sender must act
out=$("$MAILDIAG" bounce --format ndjson "$EX")
t_eq "example reason" "$(echo "$out" | field 0 reason)" "authfailure"
t_eq "example hardbounce" "$(echo "$out" | field 0 hardbounce)" "False"
t_eq "example pillar" "$(echo "$out" | field 0 pillar)" "authentication"
t_eq "example provider" "$(echo "$out" | field 0 provider)" "google"
t_eq "example status" "$(echo "$out" | field 0 status)" "5.7.26"
t_eq "example replycode" "$(echo "$out" | field 0 replycode)" "550"
t_eq "example messageid" "$(echo "$out" | field 0 messageid)" "20240514161243.7F2A1C0042@smtp.shop.example.com"
text=$("$MAILDIAG" bounce "$EX")
t_contains "example text finding" "$text" "bounce.authentication"
t_contains "example text fix" "$text" "DKIM"
t_exit "example exit" 1 "$MAILDIAG" bounce "$EX"

# JSON document: records and summary
json=$("$MAILDIAG" bounce --format json "$EX" "$D/vacation.eml" "$D/plain.eml")
t_eq "json summary" "$(echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["summary"]; print(s["messages"], s["failure_notices"], s["autoreplies"], s["not_bounces"], d["summary"]["by_reason"]["authfailure"])')" "3 1 1 1 1"
t_eq "json names" "$(echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(k for k in ["recipient","addresser","messageid","action","status","replycode","diagnostic","rhost","lhost","smtpcommand","reason","hardbounce","failure_class","pillar","provider","retryable","action_hint","matched","file","index"] if k in d["records"][0]))')" "recipient addresser messageid action status replycode diagnostic rhost lhost smtpcommand reason hardbounce failure_class pillar provider retryable action_hint matched file index"
t_eq "vacation" "$("$MAILDIAG" bounce --format ndjson "$D/vacation.eml" | field 0 reason)" "vacation"
t_eq "not a bounce" "$("$MAILDIAG" bounce --format ndjson "$D/plain.eml" | field 0 reason)" "none"

# CSV: a header row and one row per record
csv=$("$MAILDIAG" bounce --format csv "$EX")
t_contains "csv header" "$csv" "file,index,recipient,reason,status"
t_contains "csv row" "$csv" "alice@gmail.com,authfailure,5.7.26,550,false"

# inputs: mbox of two, a directory, stdin, a missing file (exit 2, others read)
{ echo "From a@example.com Mon Jan  1 00:00:00 2024"; cat "$EX"; echo; echo "From b@example.com Mon Jan  1 00:00:00 2024"; cat "$D/backscatter.eml"; } > "$tmp/box.mbox"
t_eq "mbox records" "$("$MAILDIAG" bounce --format ndjson "$tmp/box.mbox" | wc -l)" "2"
t_eq "mbox index" "$("$MAILDIAG" bounce --format ndjson "$tmp/box.mbox" | field 1 index)" "2"
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
cp "$EX" "$tmp/md/cur/1:2,S"; cp "$D/backscatter.eml" "$tmp/md/new/2"; cp "$D/phish.eml" "$tmp/md/tmp/3"
t_eq "maildir records" "$("$MAILDIAG" bounce --format ndjson "$tmp/md" | wc -l)" "2"
t_eq "stdin" "$("$MAILDIAG" bounce --format ndjson - < "$EX" | field 0 reason)" "authfailure"
err=$("$MAILDIAG" bounce --format ndjson "$tmp/missing.eml" "$EX" 2>&1 >/dev/null)
t_contains "missing file error" "$err" "missing.eml#1: cannot open"
t_eq "missing file: others read" "$("$MAILDIAG" bounce --format ndjson "$tmp/missing.eml" "$EX" 2>/dev/null | field 0 reason)" "authfailure"
t_exit "missing file exit" 2 "$MAILDIAG" bounce "$tmp/missing.eml" "$EX"

# suspicious notices
bs=$("$MAILDIAG" bounce --format ndjson --our-domains shop.example.com --our-ips 198.51.100.0/24 "$D/backscatter.eml")
t_eq "backscatter by IP" "$(echo "$bs" | field 0 backscatter)" "True"
t_contains "backscatter why" "$(echo "$bs" | field 0 suspicion)" "203.0.113.66"
t_eq "own mail is not backscatter" "$("$MAILDIAG" bounce --format ndjson --our-domains shop.example.com --our-ips 198.51.100.0/24 "$EX" | field 0 backscatter)" "False"
echo "<20240514161243.7F2A1C0042@smtp.shop.example.com>" > "$tmp/sent.log"
t_eq "sent log: sent" "$("$MAILDIAG" bounce --format ndjson --sent-log "$tmp/sent.log" "$EX" | field 0 backscatter)" "False"
t_eq "sent log: not sent" "$("$MAILDIAG" bounce --format ndjson --sent-log "$tmp/sent.log" "$D/backscatter.eml" | field 0 backscatter)" "True"
t_contains "backscatter finding" "$("$MAILDIAG" bounce --sent-log "$tmp/sent.log" "$D/backscatter.eml")" "DMARC toward enforcement"
t_eq "phishing" "$("$MAILDIAG" bounce --format ndjson "$D/phish.eml" | field 0 phishing)" "True"
t_eq "real bounce is not phishing" "$("$MAILDIAG" bounce --format ndjson "$EX" | field 0 phishing)" "False"

# the Status field's comment is the MTA's own words: the rules read it
# with the diagnostic (PowerMTA writes the RFC 3463 text of the code)
printf '%s\n' 'From: MAILER-DAEMON@mta.example.net' 'To: a@example.com' 'Subject: Delivery failure' \
	'Content-Type: multipart/report; report-type=delivery-status; boundary="b"' '' '--b' \
	'Content-Type: message/delivery-status' '' 'Reporting-MTA: dns; mta.example.net' '' \
	'Final-Recipient: rfc822; c@example.jp' 'Action: failed' \
	'Status: 5.2.1 (mailbox disabled, not accepting messages)' \
	'Diagnostic-Code: smtp;550 5.2.1 <c@example.jp>... User Unknown' '--b--' > "$tmp/comment.eml"
out=$("$MAILDIAG" bounce --format ndjson "$tmp/comment.eml")
t_eq "status comment: reason" "$(echo "$out" | field 0 reason)" "suspend"
t_eq "status comment: diagnostic unchanged" "$(echo "$out" | field 0 diagnostic)" "550 5.2.1 <c@example.jp>... User Unknown"

# rules are data: a user rule file changes the decision
printf 'reason\tmyreason\tfiltered\treputation\tno\tno\t5.0.999\tcustom advice\nrule\tmyreason\ttext=*dmarc*\n' > "$tmp/rules.tsv"
t_eq "custom rules" "$("$MAILDIAG" bounce --format ndjson --rules "$tmp/rules.tsv" "$EX" | field 0 reason)" "myreason"
# providers: the first in file order that lists a suffix of the host on a
# label boundary; a leading '.' matches subdomains only. Rules: a group's
# failing condition skips its rules, a rule whose second condition fails
# does not skip the next rule that shares its first.
R='reason\tr1\tfiltered\treputation\tno\tno\t5.0.999\tr1\nreason\tr2\tfiltered\treputation\tno\tno\t5.0.999\tr2\nreason\tr3\tfiltered\treputation\tno\tno\t5.0.999\tr3\n'
printf "$R"'provider\tpa\t.l.google.com\nprovider\tpb\tgoogle.com\nprovider\tpc\tgmail-smtp-in.l.google.com\ngroup\tprovider=pb\nrule\tr1\ttext=*dmarc*\ngroup\nrule\tr2\tprovider=pa\ttext=*no such words*\nrule\tr3\tprovider=pa\ttext=*dmarc*\n' > "$tmp/prov.tsv"
out=$("$MAILDIAG" bounce --format ndjson --rules "$tmp/prov.tsv" "$EX")
t_eq "provider file order" "$(echo "$out" | field 0 provider)" "pa"
t_eq "rule after a shared first condition" "$(echo "$out" | field 0 reason)" "r3"
t_eq "rule matched line" "$(echo "$out" | field 0 matched)" "prov.tsv:11 provider=pa text=*dmarc*"
printf "$R"'provider\tpa\t.gmail-smtp-in.l.google.com\nprovider\tpb\tL.Google.COM\nrule\tr1\tprovider=pa\nrule\tr2\tprovider=pb\n' > "$tmp/prov2.tsv"
out=$("$MAILDIAG" bounce --format ndjson --rules "$tmp/prov2.tsv" "$EX")
t_eq "leading dot: subdomains only" "$(echo "$out" | field 0 provider)" "pb"
t_eq "provider rule" "$(echo "$out" | field 0 reason)" "r2"
printf 'rule\tnosuchreason\n' > "$tmp/bad.tsv"
t_contains "bad rules" "$("$MAILDIAG" bounce --rules "$tmp/bad.tsv" "$EX" 2>&1)" "bad.tsv:1: reason \"nosuchreason\" is not defined"
t_exit "bad rules exit" 2 "$MAILDIAG" bounce --rules "$tmp/bad.tsv" "$EX"
t_summary
