#!/bin/bash
# ptr_nsd.sh - the reverse DNS cases through a real NSD serving
# tests/ptr/zones (an in-addr.arpa and an ip6.arpa zone) and the libunbound
# backend: finding ids and exit codes must equal the fixture's. Then a
# resolver that never answers: "could not check", exit 3, never "missing".
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
cd "$MD_SOURCE_ROOT" || exit 2

nsd_start tests/ptr/zones || { echo "cannot start nsd"; exit 1; }

findings() { jq -c '[.findings[] | {id, severity, could_not_check}] | sort_by(.id, .severity)'; }

# 192.0.2.13, .14 and slow.out.example.com are left out: fixture-only faults
while read -r ip helo; do
	args=()
	[ "$helo" != - ] && args=(--helo "$helo")
	fix=$("$MAILDIAG" ptr "$ip" "${args[@]}" --dns-fixture tests/ptr/zones --format json)
	fix_rc=$?
	live=$("$MAILDIAG" ptr "$ip" "${args[@]}" --resolver "127.0.0.1@$NSD_PORT" --timeout 2 --format json)
	live_rc=$?
	t_eq "$ip $helo: exit code nsd vs fixture" "$live_rc" "$fix_rc"
	t_eq "$ip $helo: findings nsd vs fixture" "$(findings <<<"$live")" "$(findings <<<"$fix")"
	t_eq "$ip $helo: ptr nsd vs fixture" "$(jq -c .ptr <<<"$live")" "$(jq -c .ptr <<<"$fix")"
done <<'CASES'
192.0.2.10 mta1.out.example.com
192.0.2.10 alias.out.example.com
192.0.2.10 other.out.example.com
192.0.2.10 nowhere.out.example.com
192.0.2.10 [192.0.2.10]
192.0.2.11 -
192.0.2.12 -
192.0.2.15 -
192.0.2.16 -
192.0.2.20 -
192.0.2.21 -
2001:db8::10 mta1.out.example.com
2001:db8::11 -
CASES

json=$("$MAILDIAG" ptr 192.0.2.15 --resolver "127.0.0.1@$NSD_PORT" --format json)
t_eq "nsd missing: exit" "$?" 1
t_eq "nsd missing: id" "$(jq -r '[.findings[] | select(.severity == "error") | .id][0]' <<<"$json")" ptr.missing
json=$("$MAILDIAG" ptr 192.0.2.20 --resolver "127.0.0.1@$NSD_PORT" --format json)
t_eq "nsd dynamic: fcrdns" "$(jq .fcrdns <<<"$json")" true
t_eq "nsd dynamic: class" "$(jq -r .name_class <<<"$json")" dynamic

# a UDP and TCP port where nothing ever answers
port=$(free_port)
python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", int(sys.argv[1])))
t = socket.socket(); t.bind(("127.0.0.1", int(sys.argv[1]))); t.listen(5)
time.sleep(30)' "$port" &
hole=$!
trap 'kill $hole 2>/dev/null; nsd_stop' EXIT
sleep 0.3
json=$("$MAILDIAG" ptr 192.0.2.10 --helo mta1.out.example.com --resolver "127.0.0.1@$port" --timeout 1 --format json)
t_eq "timeout: exit code" "$?" 3
t_eq "timeout: ptr could not check" "$(jq -r '[.findings[].id] | map(select(. == "ptr.could_not_check")) | length' <<<"$json")" 1
t_eq "timeout: helo could not check" "$(jq -r '[.findings[].id] | map(select(. == "helo.could_not_check")) | length' <<<"$json")" 1
t_eq "timeout: never missing" "$(jq '[.findings[] | select(.id == "ptr.missing" or .id == "helo.unresolvable")] | length' <<<"$json")" 0

t_summary
