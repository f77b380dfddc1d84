#!/bin/bash
# cli_spf.sh - what a user sees from `maildiag spf`: the bundled example
# with 11 lookups (the include that breaks the limit and the fix), verdicts
# with --ip in text and JSON, exit codes, usage errors.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
ex="--dns-fixture examples/zones"
tz="--dns-fixture tests/spf/zones"
py=$(command -v /usr/bin/python3 || command -v python3)

# lint of the bundled example: the 11th lookup and a record that fits
out=$("$MAILDIAG" spf spf.example.org $ex)
rc=$?
t_eq "example: exit code" "$rc" 1
t_contains "example: finding" "$out" "[spf.too_many_lookups] spf.example.org"
t_contains "example: count" "$out" "11 of 10 DNS-querying terms"
t_contains "example: names the 11th" "$out" 'lookup 11 is "include:_relay.desk.spf.example.org"'
t_contains "example: names the chain" "$out" "reached through include:_spf.desk.spf.example.org"
t_contains "example: fix" "$out" 'Flatten "include:_spf.news.spf.example.org" (4 lookups)'
t_contains "example: fix total" "$out" "brings the total to 7 of 10"
t_contains "example: proposal" "$out" "include:_spf.crm.spf.example.org ip4:203.0.113.10 ip4:203.0.113.16/28 ip4:203.0.113.32/28 ip6:2001:db8:4e::/48 include:_spf.desk.spf.example.org -all"
t_contains "example: trace marks the include" "$out" "<= passes the limit of 10 here"

out=$("$MAILDIAG" spf spf.example.org $ex --format json)
t_eq "example json: lookups" "$(printf '%s' "$out" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["lookups"], d["over_limit"]["term"], d["flatten"]["lookups"], d["flatten"]["minimal_lookups"])')" \
	"11 include:_relay.desk.spf.example.org 0 7"

# --ip: verdicts, the deciding term, exit codes
out=$("$MAILDIAG" spf spf.example.org --ip 192.0.2.30 $ex)
t_eq "pass: exit code" "$?" 0
t_contains "pass: result" "$out" "result         pass"
t_contains "pass: decided by" "$out" "decided by     a:outbound.spf.example.org (record of spf.example.org)"
t_contains "pass: trace" "$out" "a:outbound.spf.example.org  [lookup 2/10]: match  <= decides the result"

out=$("$MAILDIAG" spf spf.example.org --ip 203.0.113.130 $ex)
t_eq "permerror: exit code" "$?" 1
t_contains "permerror: result" "$out" "result         permerror"
t_contains "permerror: reason" "$out" "term 11 is include:_relay.desk.spf.example.org"

out=$("$MAILDIAG" spf basic.spf.example.com --ip 203.0.113.9 $tz --format json)
t_eq "fail json: exit code" "$?" 1
t_eq "fail json: result and explanation" \
	"$(printf '%s' "$out" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["result"], "|", d["explanation"], "|", d["term"])')" \
	"fail | 203.0.113.9 is not allowed to send mail for basic.spf.example.com | -all"

out=$("$MAILDIAG" spf basic.spf.example.com --ip 198.51.100.25 --sender bob@basic.spf.example.com --helo mx.example.net $tz --format json)
t_eq "pass json" "$(printf '%s' "$out" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["result"], d["explanation"], d["term"])')" "pass None mx"

out=$("$MAILDIAG" spf slow.spf.example.com --ip 192.0.2.9 $tz)
t_eq "temperror: exit code" "$?" 3
t_contains "temperror: result" "$out" "result         temperror"
t_exit "lint with a DNS timeout: exit 3" 3 "$MAILDIAG" spf slow.spf.example.com $tz
t_exit "clean record: exit 0" 0 "$MAILDIAG" spf ok.spf.example.com $tz
t_exit "ndjson" 1 "$MAILDIAG" spf spf.example.org $ex --format ndjson
t_exit "csv" 1 "$MAILDIAG" spf spf.example.org $ex --format csv

# usage errors: exit 2 and one line
err=$("$MAILDIAG" spf spf.example.org --ip 300.1.2.3 $ex 2>&1 >/dev/null)
t_eq "bad ip: exit code" "$?" 2
t_contains "bad ip: message" "$err" "--ip 300.1.2.3: not an IPv4 or IPv6 address"
t_exit "missing domain" 2 "$MAILDIAG" spf $ex
t_exit "--sender without --ip" 2 "$MAILDIAG" spf spf.example.org --sender a@b.example $ex
t_exit "bad domain" 2 "$MAILDIAG" spf "a..b" $ex
out=$("$MAILDIAG" spf --help)
t_contains "help" "$out" "usage: maildiag spf DOMAIN [--ip IP]"

t_summary
