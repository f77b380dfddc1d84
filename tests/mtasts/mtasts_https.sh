#!/bin/bash
# mtasts_https.sh - MTA-STS and TLS-RPT against an HTTPS server on loopback
# (python3 http.server wrapped in TLS, certificate from a test CA made
# here) with the records from tests/smtp/zones, and the MX certificates of
# a private Postfix for --probe. Servers are stopped on exit.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/smtp/net.sh"
. "$MD_SOURCE_ROOT/tests/smtp/certs.sh"
. "$MD_SOURCE_ROOT/tests/smtp/postfix.sh"

ZONES="$MD_SOURCE_ROOT/tests/smtp/zones"
Z=infra.example.org
TMP=$(mktemp -d)
PIDS=
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	pf_stop
	rm -rf "$TMP"
}
trap cleanup EXIT

certs_ca "$TMP"
certs_leaf "$TMP" web 30 mta-sts.good.$Z mta-sts.badmx.$Z mta-sts.redirect.$Z mta-sts.badpolicy.$Z bimi.good.$Z
certs_leaf "$TMP" mx 30 mx1.good.$Z mx2.good.$Z
certs_expired "$TMP" exp mx1.good.$Z
# the served tree, plus a stand-in evidence document (a test certificate)
cp -r "$MD_SOURCE_ROOT/tests/mtasts/www" "$TMP/www"
cp "$TMP/mx.pem" "$TMP/www/bimi.good.$Z/vmc.pem"
read -r HP < <(net_ports 1)
python3 "$MD_SOURCE_ROOT/tests/mtasts/https_server.py" "$HP" "$TMP/web.pem" "$TMP/web.key" \
	"$TMP/www" >"$TMP/https.log" 2>&1 &
PIDS="$PIDS $!"
net_wait "$HP" || t_fail "https server did not start"

sts() {
	"$MAILDIAG" mta-sts "$@" --dns-fixture "$ZONES" --connect-to "::127.0.0.1:$HP" \
		--https-ca-file "$TMP/ca.pem" --format json
}
ids() { jq -r '[.findings[].id] | join(" ")'; }

out=$(sts good.$Z); rc=$?
t_eq "good: exit" "$rc" 0
t_eq "good: findings" "$(ids <<<"$out")" "mtasts.record_ok mtasts.policy_ok mtasts.mx_ok tlsrpt.record_ok"
t_eq "good: mode" "$(jq -r .mta_sts.policy.mode <<<"$out")" enforce
t_eq "good: mx" "$(jq -c .mta_sts.policy.mx <<<"$out")" '["mx1.good.infra.example.org","*.good.infra.example.org"]'
t_eq "good: wildcard matched mx2" "$(jq -r '.mta_sts.mx_hosts[1].pattern' <<<"$out")" "*.good.infra.example.org"

out=$(sts badmx.$Z); rc=$?
t_eq "badmx: exit" "$rc" 1
t_contains "badmx: finding" "$(ids <<<"$out")" "mtasts.mx_not_in_policy"
t_eq "badmx: severity (enforce)" "$(jq -r '.findings[] | select(.id=="mtasts.mx_not_in_policy") | .severity' <<<"$out")" error

out=$(sts redirect.$Z); rc=$?
t_eq "redirect: exit" "$rc" 1
t_contains "redirect: finding" "$(ids <<<"$out")" "mtasts.policy_redirect"
t_contains "redirect: location" "$(jq -r '.findings[] | select(.id=="mtasts.policy_redirect") | .evidence' <<<"$out")" "Location: https://mta-sts.good"

out=$(sts wrongcert.$Z); rc=$?
t_eq "wrongcert: exit" "$rc" 1
t_contains "wrongcert: finding" "$(ids <<<"$out")" "mtasts.policy_cert_invalid"

out=$(sts badpolicy.$Z); rc=$?
t_contains "badpolicy: finding" "$(ids <<<"$out")" "mtasts.policy_invalid"
t_contains "badpolicy: line" "$(jq -r '.findings[] | select(.id=="mtasts.policy_invalid") | .title' <<<"$out")" "line 4: max_age"

out=$(sts nohost.$Z); rc=$?
t_contains "nohost: finding" "$(ids <<<"$out")" "mtasts.policy_host_missing"

out=$(sts badrec.$Z); rc=$?
t_eq "badrec: findings" "$(ids <<<"$out")" "mtasts.record_invalid tlsrpt.record_invalid"
out=$(sts two.$Z); rc=$?
t_contains "two: finding" "$(ids <<<"$out")" "mtasts.multiple_records"
out=$(sts plain.$Z); rc=$?
t_eq "plain: exit" "$rc" 0
t_eq "plain: findings" "$(ids <<<"$out")" "mtasts.no_record tlsrpt.no_record"

# tlsrpt alone
out=$("$MAILDIAG" tlsrpt good.$Z --dns-fixture "$ZONES" --format json); rc=$?
t_eq "tlsrpt good: exit" "$rc" 0
t_eq "tlsrpt good: rua" "$(jq -r .tls_rpt.rua <<<"$out")" "mailto:tls-reports@good.infra.example.org"
t_exit "tlsrpt badrec: exit" 1 "$MAILDIAG" tlsrpt badrec.$Z --dns-fixture "$ZONES"

# a lookup that times out is "could not check": exit 3
mkdir -p "$TMP/zones"
cp "$ZONES"/*.zone "$TMP/zones/"
printf ';! timeout _mta-sts.good.infra.example.org. TXT\n' >>"$TMP/zones/infra.example.org.zone"
out=$("$MAILDIAG" mta-sts good.$Z --dns-fixture "$TMP/zones" --format json); rc=$?
t_eq "dns timeout: exit" "$rc" 3
t_eq "dns timeout: could not check" "$(jq -r '.findings[0] | "\(.id) \(.could_not_check)"' <<<"$out")" "mtasts.lookup_failed true"

# --probe: the MX certificates a sender under the policy requires
if pf_start "$TMP/pf" "$TMP/mx.pem" "$TMP/mx.key" "$TMP/exp.pem" "$TMP/exp.key"; then
	out=$(sts good.$Z --probe --port "$PF_STARTTLS" --ca-file "$TMP/ca.pem"); rc=$?
	t_eq "probe good: exit" "$rc" 0
	t_eq "probe good: tls" "$(jq -r '[.mta_sts.mx_hosts[].tls] | join(" ")' <<<"$out")" "ok ok"
	out=$(sts good.$Z --probe --port "$PF_EXPIRED" --ca-file "$TMP/ca.pem"); rc=$?
	t_eq "probe expired: exit" "$rc" 1
	t_contains "probe expired: finding" "$(ids <<<"$out")" "mtasts.mx_tls_invalid"
	t_contains "probe expired: why" "$(jq -r '.mta_sts.mx_hosts[0].tls' <<<"$out")" "expired"
	out=$(sts good.$Z --probe --port "$PF_STARTTLS"); rc=$?
	t_contains "probe untrusted: why" "$(jq -r '.mta_sts.mx_hosts[0].tls' <<<"$out")" "does not verify"
else
	t_fail "postfix did not start"
fi

# BIMI: record, DMARC enforcement, logo and evidence document over HTTPS
bimi() {
	"$MAILDIAG" bimi "$@" --dns-fixture "$ZONES" --connect-to "::127.0.0.1:$HP" \
		--https-ca-file "$TMP/ca.pem" --format json
}
out=$(bimi good.$Z); rc=$?
t_eq "bimi good: exit" "$rc" 0
t_eq "bimi good: findings" "$(ids <<<"$out")" "bimi.record_ok bimi.logo_ok bimi.vmc_ok"
t_eq "bimi good: logo type" "$(jq -r .bimi.logo.content_type <<<"$out")" "image/svg+xml"
cp "$TMP/exp.pem" "$TMP/www/bimi.good.$Z/vmc.pem"
t_contains "bimi expired vmc" "$(bimi good.$Z | ids)" "bimi.vmc_expired"
rm "$TMP/www/bimi.good.$Z/logo.svg"
t_contains "bimi logo 404" "$(bimi good.$Z | ids)" "bimi.logo_unreachable"
out=$(bimi badrec.$Z); rc=$?
t_eq "bimi badrec: findings" "$(ids <<<"$out")" "bimi.record_invalid bimi.dmarc_not_enforced"
t_eq "bimi badrec: exit" "$rc" 1
t_eq "bimi plain: findings" "$(bimi plain.$Z | ids)" "bimi.no_record"

t_exit "usage: no domain" 2 "$MAILDIAG" mta-sts
t_summary
