#!/bin/bash
# dane_dnssec.sh - DANE with a DNSSEC-signed zone made here: keys from
# ldns-keygen, the zone signed with ldns-signzone, served by a private NSD,
# validated by libunbound with the KSK's DS as trust anchor
# (--trust-anchor). TLSA records are computed from the key of a private
# Postfix: a match, a stale record (another key) and a record altered
# after signing (bogus). Every server is stopped on exit.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
. "$MD_SOURCE_ROOT/tests/smtp/net.sh"
. "$MD_SOURCE_ROOT/tests/smtp/certs.sh"
. "$MD_SOURCE_ROOT/tests/smtp/postfix.sh"

Z=infra.example.org
TMP=$(mktemp -d)
trap 'pf_stop; nsd_stop; rm -rf "$TMP"' EXIT
command -v ldns-signzone >/dev/null || { echo "ldns-signzone missing (ldnsutils)"; exit 1; }
certs_ca "$TMP"
certs_leaf "$TMP" mx 30 mx1.good.$Z mx2.good.$Z
certs_expired "$TMP" exp mx1.good.$Z
pf_start "$TMP/pf" "$TMP/mx.pem" "$TMP/mx.key" "$TMP/exp.pem" "$TMP/exp.key" || { t_fail "postfix"; t_summary; exit 1; }
P=$PF_STARTTLS
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
good=$(spki "$TMP/mx.pem")
other=$(spki "$TMP/exp.pem")

mkdir "$TMP/keys" "$TMP/zones"
cp "$MD_SOURCE_ROOT/tests/smtp/zones/infra.example.org.zone" "$TMP/keys/zone"
cat >>"$TMP/keys/zone" <<ZONE
dane            MX  10 mx1.good
stale           MX  10 mx2.good
bogus           MX  10 mx3.good
mx3.good        A   127.0.0.1
_$P._tcp.mx1.good TLSA 3 1 1 $good
_$P._tcp.mx2.good TLSA 3 1 1 $other
_$P._tcp.mx3.good TLSA 3 1 1 $good
ZONE
(
	cd "$TMP/keys" || exit 1
	ksk=$(ldns-keygen -a ECDSAP256SHA256 -k $Z) && zsk=$(ldns-keygen -a ECDSAP256SHA256 $Z) &&
		ldns-signzone -n -f signed zone "$ksk" "$zsk" && cp "$ksk.ds" ../anchor.ds
) || { t_fail "signing failed"; t_summary; exit 1; }
# alter the mx3 TLSA data after signing: its RRSIG no longer validates
sed -e "/^_$P\._tcp\.mx3\.good\.$Z\..*TLSA/s/ $good/ $other/" "$TMP/keys/signed" >"$TMP/zones/$Z.zone"
nsd_start "$TMP/zones" || { t_fail "nsd"; t_summary; exit 1; }
trap 'pf_stop; nsd_stop; rm -rf "$TMP"' EXIT # nsd_start set its own trap

dane() {
	"$MAILDIAG" dane "$@" --resolver "127.0.0.1@$NSD_PORT" --port "$P" --ca-file "$TMP/ca.pem" --format json
}
ids() { jq -r '[.findings[].id] | join(" ")'; }

out=$(dane dane.$Z --trust-anchor "$TMP/anchor.ds" --probe); rc=$?
t_eq "signed match: exit" "$rc" 0
t_eq "signed match: findings" "$(ids <<<"$out")" "dane.match"
t_eq "signed match: dnssec" "$(jq -r '"\(.dane.mx_dnssec) \(.dane.hosts[0].dnssec)"' <<<"$out")" "secure secure"

out=$(dane stale.$Z --trust-anchor "$TMP/anchor.ds" --probe); rc=$?
t_eq "signed stale: exit" "$rc" 1
t_eq "signed stale: findings" "$(ids <<<"$out")" "dane.no_match"
t_eq "signed stale: critical" "$(jq -r '.findings[0].severity' <<<"$out")" critical

out=$(dane bogus.$Z --trust-anchor "$TMP/anchor.ds"); rc=$?
t_eq "bogus: exit" "$rc" 1
t_contains "bogus: finding" "$(ids <<<"$out")" "dane.tlsa_bogus"
t_eq "bogus: dnssec" "$(jq -r '.dane.hosts[0].dnssec' <<<"$out")" bogus

# without the anchor nothing is validated: the records are not trusted
out=$(dane dane.$Z --probe); rc=$?
t_contains "no anchor: insecure" "$(ids <<<"$out")" "dane.tlsa_insecure"
t_eq "no anchor: dnssec" "$(jq -r '.dane.hosts[0].dnssec' <<<"$out")" insecure

t_summary
