#!/bin/bash
# nsd_spf.sh - SPF evaluated through real DNS: a private NSD serves
# tests/spf/zones on a free loopback port and maildiag asks it through the
# libunbound backend (--resolver). A black-hole server (reads, never
# answers) on another loopback port gives the timeout case: temperror and
# exit code 3. Never touches anything outside 127.0.0.1.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
cd "$MD_SOURCE_ROOT" || exit 2
py=$(command -v /usr/bin/python3 || command -v python3)

nsd_start tests/spf/zones || { echo "cannot start nsd"; exit 1; }
BH_PID=
cleanup() { nsd_stop; [ -n "$BH_PID" ] && kill "$BH_PID" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
dns="--resolver 127.0.0.1@$NSD_PORT --timeout 2"

field() { $py -c 'import json,sys; d=json.load(sys.stdin); print(" | ".join(str(d.get(k)) for k in sys.argv[1:]))' "$@"; }

out=$("$MAILDIAG" spf basic.spf.example.com --ip 203.0.113.9 $dns --format json)
t_eq "fail: exit code" "$?" 1
t_eq "fail: result, explanation" "$(printf '%s' "$out" | field result explanation term lookups)" \
	"fail | 203.0.113.9 is not allowed to send mail for basic.spf.example.com | -all | 2"
out=$("$MAILDIAG" spf basic.spf.example.com --ip 198.51.100.25 $dns --format json)
t_eq "mx pass" "$(printf '%s' "$out" | field result term)" "pass | mx"
out=$("$MAILDIAG" spf basic.spf.example.com --ip 2001:db8::10 $dns --format json)
t_eq "ipv6 a pass" "$(printf '%s' "$out" | field result term)" "pass | a:mail.basic.spf.example.com"
out=$("$MAILDIAG" spf redir.spf.example.com --ip 192.0.2.200 $dns --format json)
t_eq "redirect pass" "$(printf '%s' "$out" | field result term_domain)" "pass | basic.spf.example.com"
out=$("$MAILDIAG" spf inc.spf.example.com --ip 2001:db8:1::5 $dns --format json)
t_eq "include pass" "$(printf '%s' "$out" | field result term)" "pass | include:_spf.inc.spf.example.com"
out=$("$MAILDIAG" spf macro.spf.example.com --ip 192.0.2.1 --sender user@macro.spf.example.com $dns --format json)
t_eq "macro exists pass" "$(printf '%s' "$out" | field result)" "pass"
out=$("$MAILDIAG" spf many.spf.example.com --ip 192.0.2.9 $dns --format json)
t_eq "11 lookups: permerror" "$(printf '%s' "$out" | field result lookups over_limit)" "permerror | 11 | True"
out=$("$MAILDIAG" spf loop.spf.example.com --ip 192.0.2.9 $dns --format json)
t_eq "loop: permerror" "$(printf '%s' "$out" | field result)" "permerror"
out=$("$MAILDIAG" spf none.spf.example.com --ip 192.0.2.9 $dns --format json)
t_eq "no record: none" "$(printf '%s' "$out" | field result)" "none"
out=$("$MAILDIAG" spf many.spf.example.com $dns)
t_eq "lint over the limit: exit code" "$?" 1
t_contains "lint names the 11th lookup" "$out" 'lookup 11 is "a:h10.spf.example.com"'

# the timeout: a server that never answers
BH_PORT=$(free_port)
$py - "$BH_PORT" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", port)); t.listen(8)
t.settimeout(0.2); u.settimeout(0.2)
end = time.time() + 60
conns = []
while time.time() < end:
    try: u.recvfrom(4096)
    except OSError: pass
    try: conns.append(t.accept()[0])
    except OSError: pass
PY
BH_PID=$!
sleep 0.3
start=$(date +%s)
out=$("$MAILDIAG" spf basic.spf.example.com --ip 192.0.2.7 --resolver "127.0.0.1@$BH_PORT" --timeout 1 --format json)
rc=$?
t_eq "timeout: exit code" "$rc" 3
t_eq "timeout: temperror" "$(printf '%s' "$out" | field result)" "temperror"
t_contains "timeout: reason" "$(printf '%s' "$out" | field reason)" "timeout"
t_eq "timeout: bounded" "$(( $(date +%s) - start < 10 ))" 1
out=$("$MAILDIAG" spf basic.spf.example.com --resolver "127.0.0.1@$BH_PORT" --timeout 1)
t_eq "timeout lint: exit code" "$?" 3
t_contains "timeout lint: could not check" "$out" "[spf.dns_error]"

t_summary
