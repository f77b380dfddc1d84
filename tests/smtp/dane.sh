#!/bin/bash
# dane.sh - DANE TLSA checks: records computed here from the test key of a
# private Postfix (TLSA 3 1 1 = SHA-256 of the public key), served from a
# copy of tests/smtp/zones by the fixture resolver (answers are not
# DNSSEC-validated there: dane.tlsa_insecure), then matched by --probe.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/smtp/net.sh"
. "$MD_SOURCE_ROOT/tests/smtp/certs.sh"
. "$MD_SOURCE_ROOT/tests/smtp/postfix.sh"

Z=infra.example.org
TMP=$(mktemp -d)
trap 'pf_stop; rm -rf "$TMP"' EXIT
certs_ca "$TMP"
certs_leaf "$TMP" mx 30 mx1.good.$Z mx2.good.$Z
certs_expired "$TMP" exp mx1.good.$Z
mkdir "$TMP/zones"
cp "$MD_SOURCE_ROOT/tests/smtp/zones/"*.zone "$TMP/zones/"
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
good=$(spki "$TMP/mx.pem")
other=$(spki "$TMP/exp.pem")
cat >>"$TMP/zones/infra.example.org.zone" <<ZONE
dane            MX  10 mx1.good
_25._tcp.mx1.good TLSA 3 1 1 $good
_25._tcp.mx1.good TLSA 0 0 1 $good
stale           MX  10 mx2.good
_25._tcp.mx2.good TLSA 3 1 1 $other
_25._tcp.mx2.good TLSA 3 1 1 abcd
ZONE
dane() { "$MAILDIAG" dane "$@" --dns-fixture "$TMP/zones" --ca-file "$TMP/ca.pem" --format json; }
ids() { jq -r '[.findings[].id] | join(" ")'; }

out=$("$MAILDIAG" dane plain.$Z --dns-fixture "$MD_SOURCE_ROOT/tests/smtp/zones" --format json); rc=$?
t_eq "plain: not used" "$(ids <<<"$out")" "dane.not_used"
t_eq "plain: exit" "$rc" 0

out=$(dane dane.$Z); rc=$?
t_contains "dane: insecure" "$(ids <<<"$out")" "dane.tlsa_insecure"
t_contains "dane: pkix usage flagged" "$(ids <<<"$out")" "dane.tlsa_pkix_usage"
t_contains "dane: mx insecure" "$(ids <<<"$out")" "dane.mx_insecure"
t_eq "dane: record data" "$(jq -r '.dane.hosts[0].records[0].data' <<<"$out")" "$good"
t_eq "dane: dnssec" "$(jq -r '.dane.hosts[0].dnssec' <<<"$out")" insecure

out=$(dane stale.$Z); rc=$?
t_contains "stale: malformed digest" "$(ids <<<"$out")" "dane.tlsa_malformed"
t_eq "stale: exit" "$rc" 1

if pf_start "$TMP/pf" "$TMP/mx.pem" "$TMP/mx.key" "$TMP/exp.pem" "$TMP/exp.key"; then
	# TLSA names use the probe port: publish them for it too
	sed -i "s/_25\._tcp/_$PF_STARTTLS._tcp/" "$TMP/zones/infra.example.org.zone"
	out=$(dane dane.$Z --probe --port "$PF_STARTTLS"); rc=$?
	t_contains "probe: match" "$(ids <<<"$out")" "dane.match"
	t_eq "probe: matched record" "$(jq -c '.dane.hosts[0].match' <<<"$out")" '{"usage":3,"selector":1,"matching_type":1}'
	out=$(dane stale.$Z --probe --port "$PF_STARTTLS"); rc=$?
	t_contains "probe stale: no match" "$(ids <<<"$out")" "dane.no_match"
	t_eq "probe stale: exit" "$rc" 1
else
	t_fail "postfix did not start"
fi
t_exit "usage" 2 "$MAILDIAG" dane
t_summary
