#!/bin/bash
# dnsbl.sh - maildiag dnsbl against the fixture DNSBL zones in
# tests/dnsbl/zones with the lists of tests/dnsbl/lists.conf: the finding
# ids, severities, per-list results and exit codes a user sees for every
# kind of answer (RFC 5782 and the lists' documented codes), and usage errors.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
D=tests/dnsbl
OPTS=(--dns-fixture "$D/zones" --lists "$D/lists.conf" --format json)

declare -A SEEN # target -> its JSON, reused below

# case TARGET EXIT "id:severity ..." ["zone=result ..."]
dnsbl_case() {
	local target=$1 want_exit=$2 want=$3 results=$4 json rc pair
	json=$("$MAILDIAG" dnsbl "$target" "${OPTS[@]}")
	rc=$?
	SEEN[$target]=$json
	t_eq "$target: exit code" "$rc" "$want_exit"
	for pair in $want; do
		t_eq "$target: ${pair%%:*}" \
			"$(jq -r --arg id "${pair%%:*}" '[.findings[] | select(.id == $id) | .severity][0]' <<<"$json")" \
			"${pair#*:}"
	done
	for pair in $results; do
		t_eq "$target: ${pair%%=*} result" \
			"$(jq -r --arg z "${pair%%=*}" '.lists[] | select(.zone == $z) | .result' <<<"$json")" \
			"${pair#*=}"
	done
}

dnsbl_case 203.0.113.10 1 "dnsbl.listed:error dnsbl.not_public:notice dnsbl.list_unverified:notice" \
	"bl.example.net=listed dead.example.net=not_listed"
dnsbl_case 203.0.113.11 1 "dnsbl.policy_listed:error" "bl.example.net=policy"
dnsbl_case 203.0.113.12 3 "dnsbl.resolver_refused:warning" "bl.example.net=refused"
dnsbl_case 203.0.113.13 3 "dnsbl.unknown_answer:warning" "bl.example.net=unknown"
dnsbl_case 203.0.113.14 3 "dnsbl.unknown_answer:warning" "bl.example.net=unknown"
dnsbl_case 203.0.113.15 3 "dnsbl.list_error:warning" "bl.example.net=error"
dnsbl_case 203.0.113.16 3 "dnsbl.could_not_check:warning" "bl.example.net=could_not_check"
dnsbl_case 203.0.113.17 1 "dnsbl.listed:error" "bl.example.net=listed"
dnsbl_case 203.0.113.18 1 "dnsbl.listed:error" "bl.example.net=listed"
dnsbl_case 203.0.113.19 0 "dnsbl.not_listed:ok" "bl.example.net=ignore"
dnsbl_case 203.0.113.99 0 "dnsbl.not_listed:ok" "bl.example.net=not_listed"
dnsbl_case 2001:db8::10 1 "dnsbl.listed:error" "bl.example.net=listed dead.example.net=skipped"
dnsbl_case "[203.0.113.10]" 1 "dnsbl.listed:error"
dnsbl_case ::ffff:203.0.113.10 1 "dnsbl.listed:error" "bl.example.net=listed"
dnsbl_case spam.example.com 0 "dnsbl.listed:warning" "bits.example.net=listed dbl.example.net=not_listed"
dnsbl_case both.example.com 0 "dnsbl.listed:warning" "bits.example.net=listed"
dnsbl_case refused.example.com 3 "dnsbl.resolver_refused:warning" "bits.example.net=refused"
dnsbl_case phish.example.com 1 "dnsbl.listed:error" "dbl.example.net=listed"
dnsbl_case SPAM.Example.COM. 0 "dnsbl.listed:warning"
dnsbl_case clean.example.com 0 "dnsbl.not_listed:ok" "bits.example.net=not_listed dbl.example.net=not_listed"

# a refusal, an unknown answer or an error code is never counted as a listing
for t in 203.0.113.12 203.0.113.13 203.0.113.14 203.0.113.15 203.0.113.16 refused.example.com; do
	json=${SEEN[$t]}
	t_eq "$t: no listing" "$(jq '[.findings[] | select(.id == "dnsbl.listed" or .id == "dnsbl.policy_listed")] | length' <<<"$json")" 0
	t_eq "$t: counted as could not check" "$(jq '.summary.listed' <<<"$json")" 0
	t_eq "$t: could_not_check flag" "$(jq '[.findings[] | select(.severity == "warning") | .could_not_check] | all' <<<"$json")" true
done

# what a listing shows: codes, meaning, TXT reason, delisting page
json=$("$MAILDIAG" dnsbl 203.0.113.10 "${OPTS[@]}")
t_eq "query name" "$(jq -r '.lists[0].query' <<<"$json")" 10.113.0.203.bl.example.net
t_eq "answer code" "$(jq -r '.lists[0].answers[0].address' <<<"$json")" 127.0.0.2
t_eq "answer meaning" "$(jq -r '.lists[0].answers[0].meaning' <<<"$json")" "spam source"
t_eq "reason (TXT)" "$(jq -r '.lists[0].reason' <<<"$json")" "Listed for spam: see https://bl.example.net/q/203.0.113.10"
t_eq "delist" "$(jq -r '.lists[0].delist' <<<"$json")" https://bl.example.net/removal
t_contains "fix names the delist page" "$(jq -r '.findings[] | select(.id == "dnsbl.listed") | .fix' <<<"$json")" https://bl.example.net/removal
t_eq "selftest must_not_list" "$(jq -r '.lists[0].selftest.must_not_list' <<<"$json")" ok
t_eq "selftest must_list" "$(jq -r '.lists[0].selftest.must_list' <<<"$json")" listed
t_eq "dead list unverified" "$(jq -r '.lists[1].selftest.must_list' <<<"$json")" missing
t_eq "summary" "$(jq -c '.summary' <<<"$json")" '{"lists":2,"listed":1,"policy_listed":0,"not_listed":1,"could_not_check":0,"skipped":0}'
t_eq "target kind" "$(jq -r '.target_kind' <<<"$json")" ipv4
json=$("$MAILDIAG" dnsbl 203.0.113.17 "${OPTS[@]}")
t_eq "two answers" "$(jq -r '[.lists[0].answers[].meaning] | join(",")' <<<"$json")" "spam source,compromised host"
json=$("$MAILDIAG" dnsbl 2001:db8::10 "${OPTS[@]}")
t_eq "ipv6 query name" "$(jq -r '.lists[0].query' <<<"$json")" 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example.net
t_eq "ipv6 skipped reason" "$(jq -r '.lists[1].skipped' <<<"$json")" "the list does not answer IPv6 queries"
json=$("$MAILDIAG" dnsbl both.example.com "${OPTS[@]}")
t_eq "bitmask meanings" "$(jq -r '[.lists[] | select(.zone == "bits.example.net") | .answers[].meaning] | join(",")' <<<"$json")" "black + red"
t_eq "domain query name" "$(jq -r '.lists[0].query' <<<"$json")" both.example.com.bits.example.net

# a list that lists everything is not believed
json=$("$MAILDIAG" dnsbl 203.0.113.99 --dns-fixture "$D/zones" --lists "$D/lists-wild.conf" --format json)
t_eq "wildcard list: exit" "$?" 3
t_eq "wildcard list: finding" "$(jq -r '[.findings[].id] | map(select(. == "dnsbl.list_unreliable")) | length' <<<"$json")" 1
t_eq "wildcard list: not a listing" "$(jq '[.findings[] | select(.id == "dnsbl.listed")] | length' <<<"$json")" 0
t_eq "wildcard list: result" "$(jq -r '.lists[1].result' <<<"$json")" unreliable

# the built-in lists, offline: every list asked, none answers
json=$("$MAILDIAG" dnsbl 203.0.113.10 --dns-fixture "$D/zones" --format json)
t_eq "built-in: exit" "$?" 0
t_eq "built-in: zen asked" "$(jq -r '.lists[] | select(.zone == "zen.spamhaus.org") | .query' <<<"$json")" 10.113.0.203.zen.spamhaus.org
t_eq "built-in: domain lists not asked for an IP" "$(jq '[.lists[] | select(.kind == "domain")] | length' <<<"$json")" 0
json=$("$MAILDIAG" dnsbl example.com --dns-fixture "$D/zones" --format json)
t_eq "built-in: dbl asked for a domain" "$(jq -r '.lists[] | select(.zone == "dbl.spamhaus.org") | .query' <<<"$json")" example.com.dbl.spamhaus.org
out=$("$MAILDIAG" dnsbl --print-lists)
t_contains "print-lists" "$out" "zone zen.spamhaus.org"
t_eq "print-lists is the shipped file" "$out" "$(cat data/dnsbl.conf)"

# text output: the listing with its meaning and reason
out=$("$MAILDIAG" dnsbl 203.0.113.10 --dns-fixture "$D/zones" --lists "$D/lists.conf")
t_contains "text: title" "$out" "203.0.113.10 is listed on Example BL"
t_contains "text: id" "$out" "[dnsbl.listed]"
t_contains "text: evidence" "$out" '127.0.0.2 (listed: spam source)'

# usage errors: exit 2 and one line naming the input
t_exit "no target" 2 "$MAILDIAG" dnsbl
t_exit "bad target" 2 "$MAILDIAG" dnsbl 'bad..name' --dns-fixture "$D/zones"
t_exit "two targets" 2 "$MAILDIAG" dnsbl a.example b.example
t_exit "unknown option" 2 "$MAILDIAG" dnsbl --frobnicate 192.0.2.1
t_exit "missing list file" 2 "$MAILDIAG" dnsbl 192.0.2.1 --lists /nonexistent.conf
t_exit "--lists without value" 2 "$MAILDIAG" dnsbl 192.0.2.1 --lists
err=$("$MAILDIAG" dnsbl 192.0.2.1 --lists /nonexistent.conf 2>&1)
t_contains "missing list file: message" "$err" "/nonexistent.conf"
bad=$(mktemp)
printf 'zone bl.example.net\ncode 127.0.0.2 sometimes\n' >"$bad"
err=$("$MAILDIAG" dnsbl 192.0.2.1 --lists "$bad" --dns-fixture "$D/zones" 2>&1)
t_eq "broken list file: exit" "$?" 2
t_contains "broken list file: file and line" "$err" "$bad:2: sometimes: unknown class"
rm -f "$bad"

t_summary
