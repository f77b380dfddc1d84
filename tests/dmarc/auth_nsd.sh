#!/bin/bash
# auth_nsd.sh - DKIM keys, DMARC records and the list-footer message served
# by a real NSD and asked through libunbound: maildiag dkim, dmarc and auth
# must give the same findings, verdicts and exit codes as with the fixture
# backend. Stub zones for the TLDs make the DMARC tree walk's questions
# above the test zones answerable (NXDOMAIN) instead of REFUSED.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
cd "$MD_SOURCE_ROOT" || exit 2

zones=$(mktemp -d "${TMPDIR:-/tmp}/md-authzones.XXXXXX")
cp examples/zones/auth-example.net.zone examples/zones/lists.auth-example.org.zone \
	tests/dkim/zones/*.zone tests/dmarc/zones/*.zone "$zones/"
for tld in com net org; do
	cat >"$zones/$tld.zone" <<ZONE
\$ORIGIN $tld.
\$TTL 3600
@ IN SOA ns.nic.$tld. hostmaster.nic.$tld. 1 7200 3600 1209600 3600
  IN NS  ns.nic.$tld.
ZONE
done
nsd_start "$zones" || { echo "cannot start nsd"; rm -rf "$zones"; exit 1; }
trap 'nsd_stop; rm -rf "$zones"' EXIT
LIVE="--resolver 127.0.0.1@$NSD_PORT"
FIX="--dns-fixture $zones"

findings() { jq -c '[.findings[] | {id, severity, subject, could_not_check}] | sort_by(.id, .subject)'; }
same() { # NAME JQ-FILTER ARGS...
	local name=$1 filter=$2 fix live fix_rc live_rc
	shift 2
	fix=$("$MAILDIAG" "$@" $FIX --format json)
	fix_rc=$?
	live=$("$MAILDIAG" "$@" $LIVE --format json)
	live_rc=$?
	t_eq "$name: exit code nsd vs fixture" "$live_rc" "$fix_rc"
	t_eq "$name: findings nsd vs fixture" "$(findings <<<"$live")" "$(findings <<<"$fix")"
	t_eq "$name: $filter nsd vs fixture" "$(jq -c "$filter" <<<"$live")" "$(jq -c "$filter" <<<"$fix")"
	LAST=$live
}

same "auth list-footer" '[.dkim.signatures[] | [.result, .cause, .body_hash_expected, .body_hash_computed]], .arc.result, [.dmarc.result, .dmarc.disposition]' \
	auth examples/messages/list-footer.eml --trust-received
t_eq "auth through nsd: dmarc" "$(jq -r '.dmarc.result + " " + .dmarc.disposition' <<<"$LAST")" "fail reject"
t_eq "auth through nsd: arc" "$(jq -r .arc.result <<<"$LAST")" pass
t_eq "auth through nsd: dkim cause" "$(jq -r '.dkim.signatures[0].cause' <<<"$LAST")" body_appended

same "dkim keys" '[.selectors[] | [.selector, .status, .key_bits]]' \
	dkim dkimtest.example.org -s good -s ed -s short -s k1024 -s revoked -s testing \
	-s badsyntax -s multi -s esp -s missing
t_contains "dkim through nsd" "$(jq -r '[.findings[].id] | join(" ")' <<<"$LAST")" dkim.cname_dangling
same "dkim discovery" '.discovery' dkim nodkim.example.org --no-common
t_eq "dkim discovery through nsd" "$(jq -r .discovery.domainkey_node <<<"$LAST")" nxdomain

for d in dmarctest.example.com none.dmarctest.example.com multi.dmarctest.example.com \
	inherit.dmarctest.example.com ext.dmarctest.example.com noauth.dmarctest.example.com \
	auth-example.net; do
	same "dmarc $d" '[.record, .policy_domain, .org_domain]' dmarc "$d"
done
t_eq "dmarc through nsd: policy" "$(jq -r .applied_policy <<<"$LAST")" reject

t_summary
