#!/bin/bash
# integration.sh - the DNS layer against a real NSD: the same questions
# through libunbound (--resolver 127.0.0.1@PORT) and through the zone-file
# fixture (--dns-fixture) must give the same outcome, canonical name and
# records; plus a real timeout against a UDP port that never answers.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"

ZONES=$MD_SOURCE_ROOT/tests/dns/zones
SILENT_PID=
cleanup() {
	[ -n "$SILENT_PID" ] && kill "$SILENT_PID" 2>/dev/null
	nsd_stop
}
nsd_start "$ZONES" || { echo "0 passed, 1 failed"; exit 1; }
trap cleanup EXIT

# outcome|canonical|sorted records, from maildiag's JSON
summary() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
recs = sorted("%s %s %s %s" % (r["name"], r["ttl"], r["type"], r["data"]) for r in d.get("records", []))
print("%s|%s|%s" % (d["outcome"], d["canonical"], " ; ".join(recs)))'
}

# check NAME TYPE OUTCOME [RECORD-SUBSTRING]
check() {
	local name=$1 type=$2 want=$3 needle=$4 live fix el ef
	live=$("$MAILDIAG" dns "$name" "$type" --resolver "127.0.0.1@$NSD_PORT" --timeout 3 \
		--format json 2>&1)
	el=$?
	fix=$("$MAILDIAG" dns "$name" "$type" --dns-fixture "$ZONES" --format json 2>&1)
	ef=$?
	live=$(printf '%s' "$live" | summary 2>&1)
	fix=$(printf '%s' "$fix" | summary 2>&1)
	t_eq "$name $type: nsd and fixture agree" "$live" "$fix"
	t_eq "$name $type: exit codes agree" "$el" "$ef"
	t_eq "$name $type: outcome" "${fix%%|*}" "$want"
	[ -n "$needle" ] && t_contains "$name $type: records" "$fix" "$needle"
}

check example.com SOA answer "example.com 300 SOA ns1.example.com. hostmaster.example.com. 2024010101"
check example.com MX answer "example.com 300 MX 20 mx2.example.net."
check example.com TXT answer '"v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.net -all"'
check mx1.example.com A answer "mx1.example.com 600 A 192.0.2.25"
check MX1.Example.COM. AAAA answer "mx1.example.com 600 AAAA 2001:db8::25"
check www.example.com A answer "host.example.net 3600 A 192.0.2.80 ; host.example.net 3600 A 192.0.2.81"
check www.example.com AAAA answer "host.example.net|host.example.net 3600 AAAA 2001:db8::80"
check www.example.com CNAME answer "www.example.com 300 CNAME web.example.com."
check www.example.com MX nodata "host.example.net|"
check escaped.example.com TXT answer '"quote\" backslash\\ semicolon; byte\255 nul\000"'
check 'sp\032ace.example.com' A answer 'sp\032ace.example.com 300 A 192.0.2.32'
check sel1._domainkey.example.com TXT answer '"v=DKIM1; k=rsa; " "p=MIGf'
check _domainkey.example.com TXT nodata
check nothere.example.com A nxdomain
check x.nothere.example.com TXT nxdomain
check example.com AAAA nodata
check anything.wild.example.com A answer "anything.wild.example.com 300 A 192.0.2.99"
check a.b.wild.example.com TXT answer 'a.b.wild.example.com 300 TXT "wildcard"'
check near.wild.example.com A nodata
check _25._tcp.mx1.example.com TLSA answer "3 1 1 0123456789ABCDEF"
check odd.example.com TYPE65280 answer '\# 4 0A0B0C0D'
check spf99.example.com SPF answer '"v=spf1 -all"'
check 25.2.0.192.in-addr.arpa PTR answer "mx1.example.com."
check _spf.example.net TXT answer '"v=spf1 ip4:198.51.100.0/24 ~all"'
check loop1.example.com A servfail

# The async core with libunbound: callbacks that ask more, deduplication.
if [ -n "$DNS_ASYNC_CHECK" ]; then
	out=$("$DNS_ASYNC_CHECK" "$NSD_PORT" 2>&1)
	t_eq "async_check exit code" "$?" 0
	t_contains "async_check" "$out" " 0 failed"
	echo "$out" | grep FAIL >&2
fi

# A fixture timeout fault is "could not check": exit code 3.
out=$("$MAILDIAG" dns slow.example.com A --dns-fixture "$ZONES" 2>&1)
t_eq "fixture timeout exit code" "$?" 3
t_contains "fixture timeout outcome" "$out" "timeout"
t_contains "fixture timeout finding" "$out" "dns.could_not_check"

# A real timeout: a UDP port bound by a process that never answers.
SILENT_PORT=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)' "$SILENT_PORT" &
SILENT_PID=$!
sleep 0.3
start=$(date +%s)
out=$("$MAILDIAG" dns example.com MX --resolver "127.0.0.1@$SILENT_PORT" --timeout 1 --format json 2>&1)
code=$?
took=$(( $(date +%s) - start ))
t_eq "silent server: exit code" "$code" 3
t_eq "silent server: outcome" "$(printf '%s' "$out" | summary | cut -d'|' -f1)" timeout
t_contains "silent server: finding" "$out" "dns.could_not_check"
[ "$took" -le 4 ] && t_ok || t_fail "silent server: took ${took}s with --timeout 1"

# Bad input: one clear line, exit code 2.
out=$("$MAILDIAG" dns example.com --dns-fixture "$ZONES/none" 2>&1)
t_eq "missing fixture dir: exit code" "$?" 2
t_contains "missing fixture dir: message" "$out" "$ZONES/none"
bad=$(mktemp -d)
printf '$ORIGIN example.com.\nok A 192.0.2.1\nbad A 192.0.2.256\n' >"$bad/bad.zone"
out=$("$MAILDIAG" dns example.com --dns-fixture "$bad" 2>&1)
t_eq "malformed zone: exit code" "$?" 2
t_contains "malformed zone: FILE:LINE" "$out" "$bad/bad.zone:3: 192.0.2.256: not an IPv4 address"
rm -rf "$bad"
out=$("$MAILDIAG" dns example.com --resolver 192.0.2 2>&1)
t_eq "bad --resolver: exit code" "$?" 2

t_summary
