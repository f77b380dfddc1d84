#!/bin/bash
# mx_nsd.sh - the same MX cases through a real NSD serving tests/zones and
# the libunbound backend, compared with the fixture backend: the findings
# (id, severity, subject) and exit codes must be identical. Then a real
# timeout: a resolver address that never answers gives "could not check"
# and exit code 3, not a missing record.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
cd "$MD_SOURCE_ROOT" || exit 2

nsd_start tests/zones || { echo "cannot start nsd"; exit 1; }

findings() { jq -c '[.findings[] | {id, severity, subject, could_not_check}] | sort_by(.id, .subject)'; }

for d in example.com example.net example.org www.example.org intranet.example.org \
	nomail.example.com nonexistent.example.com; do
	fix=$("$MAILDIAG" mx "$d" --dns-fixture tests/zones --format json)
	fix_rc=$?
	live=$("$MAILDIAG" mx "$d" --resolver "127.0.0.1@$NSD_PORT" --format json)
	live_rc=$?
	t_eq "$d: exit code nsd vs fixture" "$live_rc" "$fix_rc"
	t_eq "$d: findings nsd vs fixture" "$(findings <<<"$live")" "$(findings <<<"$fix")"
	t_eq "$d: hosts nsd vs fixture" "$(jq -c .mx <<<"$live")" "$(jq -c .mx <<<"$fix")"
done

# a UDP and TCP port where nothing ever answers
port=$(free_port)
python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", int(sys.argv[1])))
t = socket.socket(); t.bind(("127.0.0.1", int(sys.argv[1]))); t.listen(5)
time.sleep(60)' "$port" &
hole=$!
trap 'kill $hole 2>/dev/null; nsd_stop' EXIT
sleep 0.3
json=$("$MAILDIAG" mx example.com --resolver "127.0.0.1@$port" --timeout 1 --format json)
rc=$?
t_eq "timeout: exit code" "$rc" 3
t_eq "timeout: finding" "$(jq -r '.findings[0].id' <<<"$json")" mx.lookup_failed
t_eq "timeout: could not check" "$(jq -r '.findings[0].could_not_check' <<<"$json")" true
t_contains "timeout: evidence" "$(jq -r '.findings[0].evidence' <<<"$json")" "timeout"

t_summary
