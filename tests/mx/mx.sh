#!/bin/bash
# mx.sh - maildiag mx against the fixture zones in tests/zones: the finding
# ids, severities and exit codes a user sees for each kind of MX set-up.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
FIX="--dns-fixture tests/zones"

# case DOMAIN EXIT "id:severity ..." : the findings must include these
mx_case() {
	local domain=$1 want_exit=$2 want=$3 json rc id
	json=$("$MAILDIAG" mx "$domain" $FIX --format json)
	rc=$?
	t_eq "$domain: exit code" "$rc" "$want_exit"
	t_eq "$domain: json schema" "$(jq -r .schema <<<"$json")" 1
	for pair in $want; do
		id=${pair%%:*}
		t_eq "$domain: $id severity" \
			"$(jq -r --arg id "$id" '[.findings[] | select(.id == $id) | .severity][0]' <<<"$json")" \
			"${pair#*:}"
	done
}

mx_case example.com 0 "mx.ok:ok"
mx_case example.net 1 "mx.target_cname:warning mx.host_no_address:error mx.target_ip_literal:error"
mx_case example.org 0 "mx.null_mx:notice"
mx_case www.example.org 0 "mx.implicit:warning"
mx_case intranet.example.org 1 "mx.address_not_public:error mx.no_usable_host:critical"
mx_case nomail.example.com 1 "mx.none:critical"
mx_case nonexistent.example.com 1 "mx.domain_not_found:critical"
mx_case slow.example.net 3 "mx.lookup_failed:error"

json=$("$MAILDIAG" mx example.com $FIX --format json)
t_eq "hosts sorted by preference" "$(jq -r '[.mx[].host] | join(",")' <<<"$json")" "mx1.example.com,mx2.example.com"
t_eq "mx1 addresses" "$(jq -r '.mx[0].addresses | join(",")' <<<"$json")" "93.184.215.20,2606:2800:21f:cb07:6820:80da:af6b:8b20"
t_eq "preference" "$(jq -r '.mx[1].preference' <<<"$json")" 20
json=$("$MAILDIAG" mx slow.example.net $FIX --format json)
t_eq "timeout is could-not-check" "$(jq -r '.findings[0].could_not_check' <<<"$json")" true
t_eq "timeout is not reported missing" "$(jq -r '[.findings[].id] | map(select(. == "mx.none" or . == "mx.domain_not_found")) | length' <<<"$json")" 0
t_eq "status incomplete" "$(jq -r .status <<<"$json")" incomplete
json=$("$MAILDIAG" mx example.net $FIX --format json)
t_eq "cname target named" "$(jq -r '.mx[] | select(.host == "mail.example.net") | .cname' <<<"$json")" smtp.example.net

out=$("$MAILDIAG" mx example.net $FIX --color never)
t_contains "text: table header" "$out" "pref  host"
t_contains "text: finding" "$out" "[mx.host_no_address] backup.example.net"
t_contains "text: fix" "$out" "fix:"
out=$("$MAILDIAG" mx example.net $FIX --format csv)
t_contains "csv header" "$out" "pref,host,addresses,status"
t_contains "csv row" "$out" "30,10.0.0.5,,ip_literal"
out=$("$MAILDIAG" mx example.net $FIX --format ndjson)
t_eq "ndjson: one finding per line" "$(wc -l <<<"$out")" "$(jq -s length <<<"$out")"

t_summary
