#!/bin/bash
# dmarc_cli.sh - maildiag dmarc on tests/dmarc/zones: which record applies
# (own, inherited, none), its problems with their ids and exit codes,
# external report destinations, both readings.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
Z="--dns-fixture tests/dmarc/zones"

ids() { jq -r '[.findings[] | .id + ":" + .severity] | join(" ")'; }
case_() { # DOMAIN WANT-EXIT WANT-ID... (each id:severity must appear)
	local d=$1 want=$2 out rc id
	shift 2
	out=$("$MAILDIAG" dmarc "$d" $Z --format json)
	rc=$?
	t_eq "$d: exit code" "$rc" "$want"
	for id in "$@"; do
		t_contains "$d" "$(ids <<<"$out")" "$id"
	done
}

case_ dmarctest.example.com 0 dmarc.policy_reject:ok dmarc.sp_weaker:notice
case_ none.dmarctest.example.com 0 dmarc.policy_none:warning dmarc.no_rua:warning
case_ multi.dmarctest.example.com 1 dmarc.multiple_records:error dmarc.readings_differ:notice
case_ badv.dmarctest.example.com 1 dmarc.version_invalid:error
case_ pct.dmarctest.example.com 0 dmarc.removed_tag:notice dmarc.unknown_tag:notice dmarc.policy_quarantine:notice
case_ ext.dmarctest.example.com 0 dmarc.policy_reject:ok
case_ noauth.dmarctest.example.com 1 dmarc.report_destination_unauthorized:error
case_ inherit.dmarctest.example.com 0 dmarc.inherited:notice dmarc.policy_none:warning dmarc.org_domain_differs:notice
case_ broken.dmarctest.example.com 3 dmarc.could_not_check:error
case_ nothing.example.net 1 dmarc.missing:error

out=$("$MAILDIAG" dmarc ext.dmarctest.example.com $Z --format json)
t_eq "ext: destinations" "$(jq -c '[.report_destinations[] | [.tag, .external, .authorization]]' <<<"$out")" '[["rua",true,"authorized"],["ruf",true,"authorized"]]'
out=$("$MAILDIAG" dmarc inherit.dmarctest.example.com $Z --format json)
t_eq "inherit: policy domain" "$(jq -r .policy_domain <<<"$out")" dmarctest.example.com
t_eq "inherit: applied policy" "$(jq -r .applied_policy <<<"$out")" none
t_eq "inherit: org domains" "$(jq -c '[.org_domain.tree_walk, .org_domain.psl]' <<<"$out")" '["dmarctest.example.com","example.com"]'
out=$("$MAILDIAG" dmarc pct.dmarctest.example.com --reading 7489 $Z --format json)
t_contains "pct under RFC 7489" "$(ids <<<"$out")" dmarc.pct_partial:warning
out=$("$MAILDIAG" dmarc none.dmarctest.example.com $Z --format json)
t_contains "p=none: the path to reject" "$(jq -r '.findings[] | select(.id=="dmarc.policy_none") | .fix' <<<"$out")" "p=quarantine"
t_exit "bad reading: exit 2" 2 "$MAILDIAG" dmarc example.com --reading 1234 $Z
t_exit "no domain: exit 2" 2 "$MAILDIAG" dmarc $Z

t_summary
