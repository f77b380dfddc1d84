#!/bin/bash
# dnssec.sh - DNSSEC through libunbound against NSD serving a zone signed
# at test time (ldns-keygen, ldns-signzone): with the zone's key as trust
# anchor answers are secure, NXDOMAIN is proven secure, a tampered record
# is bogus (servfail with the validator's reason, "could not check"),
# without an anchor everything is insecure. The signed zone also loads as
# a fixture (RRSIG, NSEC3, NSEC3PARAM presentation forms).
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"

for tool in ldns-keygen ldns-signzone; do
	command -v $tool >/dev/null || { echo "$tool missing (apt-get install ldnsutils)"; echo "0 passed, 1 failed"; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/md-dnssec.XXXXXX")
cleanup() { nsd_stop; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir "$WORK/zones"
cat >"$WORK/example.org.zone" <<'ZONE'
$ORIGIN example.org.
$TTL 300
@	SOA	ns1 hostmaster 1 7200 3600 1209600 300
	NS	ns1
	MX	10 mx1
ns1	A	192.0.2.53
mx1	A	192.0.2.25
www	A	192.0.2.80
tamper	A	192.0.2.90
ZONE
(
	cd "$WORK" || exit 1
	key=$(ldns-keygen -a ECDSAP256SHA256 -k example.org) || exit 1
	ldns-signzone -n -f zones/example.org.signed example.org.zone "$key" || exit 1
	cp "$key.key" anchor.key
) || { echo "0 passed, 1 failed"; exit 1; }
# change the signed address: the signature no longer matches
sed -i 's/^\(tamper\.example\.org\.[[:space:]].*[[:space:]]A[[:space:]]*\)192\.0\.2\.90/\1192.0.2.91/' \
	"$WORK/zones/example.org.signed"
grep -q '192.0.2.91' "$WORK/zones/example.org.signed" || t_fail "could not tamper with the signed zone"

nsd_start "$WORK/zones" || { echo "0 passed, 1 failed"; exit 1; }
R="--resolver 127.0.0.1@$NSD_PORT --timeout 3"
TA="--trust-anchor $WORK/anchor.key"

field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$1"; }

out=$("$MAILDIAG" dns www.example.org A $R $TA --format json)
t_eq "signed answer: exit code" "$?" 0
t_eq "signed answer: outcome" "$(echo "$out" | field outcome)" answer
t_eq "signed answer: dnssec" "$(echo "$out" | field dnssec)" secure

out=$("$MAILDIAG" dns nothere.example.org A $R $TA --format json)
t_eq "signed nxdomain: outcome" "$(echo "$out" | field outcome)" nxdomain
t_eq "signed nxdomain: dnssec" "$(echo "$out" | field dnssec)" secure

out=$("$MAILDIAG" dns example.org TXT $R $TA --format json)
t_eq "signed nodata: outcome" "$(echo "$out" | field outcome)" nodata
t_eq "signed nodata: dnssec" "$(echo "$out" | field dnssec)" secure

out=$("$MAILDIAG" dns tamper.example.org A $R $TA --format json)
t_eq "tampered: exit code (could not check)" "$?" 3
t_eq "tampered: outcome" "$(echo "$out" | field outcome)" servfail
t_eq "tampered: dnssec" "$(echo "$out" | field dnssec)" bogus
t_contains "tampered: validator reason" "$(echo "$out" | field why)" "signature"
t_contains "tampered: finding" "$out" "dns.could_not_check"

out=$("$MAILDIAG" dns www.example.org A $R --format json)
t_eq "no anchor: dnssec" "$(echo "$out" | field dnssec)" insecure
out=$("$MAILDIAG" dns tamper.example.org A $R --format json)
t_eq "no anchor: tampered record is just an answer" "$(echo "$out" | field outcome)" answer

out=$("$MAILDIAG" dns www.example.org A $R --trust-anchor "$WORK/none.key" 2>&1)
t_eq "missing anchor file: exit code" "$?" 2
t_contains "missing anchor file: message" "$out" "none.key"

# the signed zone loads as a fixture and answers the same records
out=$("$MAILDIAG" dns www.example.org A --dns-fixture "$WORK/zones" --format json)
t_eq "signed zone as fixture: outcome" "$(echo "$out" | field outcome)" answer
t_contains "signed zone as fixture: record" "$out" "192.0.2.80"
out=$("$MAILDIAG" dns example.org NSEC3PARAM --dns-fixture "$WORK/zones" --format json)
t_eq "signed zone as fixture: NSEC3PARAM" "$(echo "$out" | field outcome)" answer

t_summary
