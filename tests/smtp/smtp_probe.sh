#!/bin/bash
# smtp_probe.sh - the SMTP probe against real servers on loopback:
#   a private Postfix (STARTTLS, implicit TLS, an expired certificate, AUTH
#   offered before TLS) with certificates made here by openssl;
#   smtp-sink answering 554 at connect; a port that refuses; a scripted
#   server that sends "220-" and stalls. Every server is stopped on exit.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/smtp/net.sh"
. "$MD_SOURCE_ROOT/tests/smtp/certs.sh"
. "$MD_SOURCE_ROOT/tests/smtp/postfix.sh"

ZONES="$MD_SOURCE_ROOT/tests/smtp/zones"
TMP=$(mktemp -d)
PIDS=
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	pf_stop
	rm -rf "$TMP"
}
trap cleanup EXIT

H=mx1.good.infra.example.org
certs_ca "$TMP"
certs_leaf "$TMP" mx 30 $H mx2.good.infra.example.org
certs_expired "$TMP" exp $H
if ! pf_start "$TMP/pf" "$TMP/mx.pem" "$TMP/mx.key" "$TMP/exp.pem" "$TMP/exp.key"; then
	t_fail "postfix did not start"
	t_summary
	exit 1
fi

probe() { "$MAILDIAG" smtp "$@" --dns-fixture "$ZONES" --ca-file "$TMP/ca.pem" --format json; }
ids() { jq -r '[.findings[].id] | join(" ")'; }

# STARTTLS on the MX port: clean, TLS 1.2+, certificate verified and named
out=$(probe $H --port "$PF_STARTTLS"); rc=$?
t_eq "starttls: exit" "$rc" 0
t_contains "starttls: findings" "$(ids <<<"$out")" "smtp.tls_ok"
t_contains "starttls: reachable" "$(ids <<<"$out")" "smtp.reachable"
t_eq "starttls: phases" "$(jq -r '[.smtp[0].phases[].phase] | join(",")' <<<"$out")" \
	"resolve,connect,banner,ehlo,starttls,tls,ehlo_tls,quit"
t_eq "starttls: verified" "$(jq -r '.smtp[0].tls.verified' <<<"$out")" true
t_eq "starttls: name" "$(jq -r '.smtp[0].tls.name_match' <<<"$out")" true
t_contains "starttls: protocol" "$(jq -r '.smtp[0].tls.version' <<<"$out")" "TLSv1."
t_eq "starttls: days" "$(jq -r '.smtp[0].tls.certificate.days_left >= 28' <<<"$out")" true
# without the test CA the chain does not verify: a warning on port 25 (MX)
out=$("$MAILDIAG" smtp $H --port "$PF_STARTTLS" --dns-fixture "$ZONES" --format json); rc=$?
t_eq "untrusted mx: exit" "$rc" 0
t_contains "untrusted mx: finding" "$(ids <<<"$out")" "smtp.cert_untrusted"
t_eq "untrusted mx: severity" "$(jq -r '.findings[] | select(.id=="smtp.cert_untrusted") | .severity' <<<"$out")" warning
# ... and an error on submission
out=$("$MAILDIAG" smtp $H --port "$PF_STARTTLS" --mode submission --dns-fixture "$ZONES" --format json); rc=$?
t_eq "untrusted submission: exit" "$rc" 1
t_eq "untrusted submission: severity" "$(jq -r '.findings[] | select(.id=="smtp.cert_untrusted") | .severity' <<<"$out")" error
t_contains "submission without AUTH" "$(ids <<<"$out")" "smtp.submission_no_auth"

# implicit TLS (port 465 behaviour on another port)
out=$(probe $H --port "$PF_SMTPS" --mode smtps); rc=$?
t_eq "smtps: exit" "$rc" 0
t_eq "smtps: phases" "$(jq -r '[.smtp[0].phases[].phase] | join(",")' <<<"$out")" \
	"resolve,connect,tls_implicit,banner,ehlo,quit"
t_contains "smtps: tls ok" "$(ids <<<"$out")" "smtp.tls_ok"
# STARTTLS client against the implicit-TLS port: the banner never comes
out=$(probe $H --port "$PF_SMTPS" --phase-timeout 1); rc=$?
t_eq "smtps as plain: stopped at" "$(jq -r '.smtp[0].stopped_at' <<<"$out")" banner

# expired certificate
out=$(probe $H --port "$PF_EXPIRED"); rc=$?
t_eq "expired: exit" "$rc" 1
t_contains "expired: finding" "$(ids <<<"$out")" "smtp.cert_expired"
t_eq "expired: days_left negative" "$(jq -r '.smtp[0].tls.certificate.days_left < 0' <<<"$out")" true

# AUTH PLAIN/LOGIN offered before STARTTLS on a submission port
out=$(probe $H --port "$PF_AUTHPLAIN" --mode submission); rc=$?
t_eq "auth before tls: exit" "$rc" 1
t_eq "auth before tls: severity" "$(jq -r '.findings[] | select(.id=="smtp.auth_before_tls") | .severity' <<<"$out")" error
t_contains "auth before tls: mechanisms" "$(jq -r '.smtp[0].auth_before_tls' <<<"$out")" "PLAIN"
t_contains "auth after tls" "$(jq -r '.smtp[0].auth' <<<"$out")" "LOGIN"
# the good submission port keeps AUTH behind TLS (smtpd_tls_auth_only)
out=$(probe $H --port "$PF_STARTTLS" --mode submission); rc=$?
t_eq "tls-only auth: no auth_before_tls" "$(jq -r '.smtp[0].auth_before_tls' <<<"$out")" null

# RCPT probe only when asked: Postfix refuses relaying
out=$(probe $H --port "$PF_STARTTLS" --rcpt someone@elsewhere.example.net); rc=$?
t_eq "rcpt: exit" "$rc" 1
t_contains "rcpt: finding" "$(ids <<<"$out")" "smtp.rcpt_rejected"
t_eq "rcpt: code" "$(jq -r '.smtp[0].rcpt.code' <<<"$out")" 554
t_eq "no rcpt without --rcpt" "$(probe $H --port "$PF_STARTTLS" | jq -r '[.smtp[0].phases[].phase | select(.=="rcpt")] | length')" 0

# 554 at connect (smtp-sink -f CONNECT with a hard reply)
read -r SINK DEAD STALL < <(net_ports 3)
smtp-sink -u nobody -f CONNECT -B "554 5.7.1 Client host blocked using zen.example.net" \
	127.0.0.1:"$SINK" 5 >/dev/null 2>&1 &
PIDS="$PIDS $!"
net_wait "$SINK"
out=$(probe 127.0.0.1 --port "$SINK"); rc=$?
t_eq "554 banner: exit" "$rc" 1
t_contains "554 banner: finding" "$(ids <<<"$out")" "smtp.banner_rejected"
t_eq "554 banner: stopped at" "$(jq -r '.smtp[0].stopped_at' <<<"$out")" banner
t_contains "554 banner: evidence" "$(jq -r '.findings[0].evidence' <<<"$out")" "554 5.7.1"

# nothing listens
out=$(probe 127.0.0.1 --port "$DEAD"); rc=$?
t_eq "refused: exit" "$rc" 1
t_contains "refused: finding" "$(ids <<<"$out")" "smtp.connect_refused"

# a server that sends "220-" and stalls: the banner phase times out cleanly
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
print("ready", flush=True)
conns = []
while True:
    c, _ = s.accept(); c.sendall(b"220-mx.example.org slow\r\n220-"); conns.append(c)
' "$STALL" >"$TMP/stall.out" &
PIDS="$PIDS $!"
net_wait "$STALL"
start=$(date +%s%N)
out=$(probe 127.0.0.1 --port "$STALL" --phase-timeout 1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_eq "stall: exit" "$rc" 1
t_contains "stall: finding" "$(ids <<<"$out")" "smtp.banner_timeout"
t_eq "stall: outcome" "$(jq -r '.smtp[0].phases[] | select(.phase=="banner") | .outcome' <<<"$out")" timeout
t_contains "stall: partial reply kept" "$(jq -r '.smtp[0].phases[] | select(.phase=="banner") | .reply' <<<"$out")" "220-mx.example.org slow"
t_eq "stall: bounded by the phase timeout ($ms ms)" "$([ "$ms" -lt 8000 ] && echo yes)" yes

# MX deepening: every MX host of the domain probed after the MX check
out=$(probe --mx good.infra.example.org --port "$PF_STARTTLS"); rc=$?
# the MX check rightly calls loopback MX addresses unusable (exit 1)
t_eq "mx: exit" "$rc" 1
t_contains "mx: loopback flagged" "$(ids <<<"$out")" "mx.address_not_public"
t_eq "mx: hosts probed" "$(jq -r '[.smtp[].host] | join(" ")' <<<"$out")" \
	"mx1.good.infra.example.org mx2.good.infra.example.org"
t_eq "mx: tls ok twice" "$(jq -r '[.findings[] | select(.id=="smtp.tls_ok")] | length' <<<"$out")" 2

# ... with the reverse DNS of every probed address (ptr module)
out=$(probe --mx good.infra.example.org --port "$PF_STARTTLS" --ptr); rc=$?
t_eq "mx --ptr: fcrdns" "$(jq -r '.smtp[0].reverse_dns.fcrdns' <<<"$out")" true
t_eq "mx --ptr: ptr name" "$(jq -r '.smtp[0].reverse_dns.ptr[0].name' <<<"$out")" mx1.good.infra.example.org
t_eq "mx --ptr: reported once per address" "$(jq -r '[.findings[] | select(.id=="ptr.ok")] | length' <<<"$out")" 1

# usage
t_exit "usage: no host" 2 "$MAILDIAG" smtp
t_exit "usage: bad port" 2 "$MAILDIAG" smtp $H --port 70000
t_exit "usage: bad mode" 2 "$MAILDIAG" smtp $H --mode ftp

t_summary
