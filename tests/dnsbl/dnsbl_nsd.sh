#!/bin/bash
# dnsbl_nsd.sh - the DNSBL cases through a real NSD serving
# tests/dnsbl/zones and the libunbound backend: listed, policy, refused
# (127.255.255.254), error code, answers outside 127/8 and 127.0.0.1,
# bitmask domain lists, IPv6, a wildcard list; finding ids and exit codes
# must equal the fixture's. Then a resolver that never answers: every list
# "could not check", exit 3, nothing reported as listed or not listed.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
. "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
cd "$MD_SOURCE_ROOT" || exit 2
D=tests/dnsbl

nsd_start "$D/zones" || { echo "cannot start nsd"; exit 1; }
LIVE=(--resolver "127.0.0.1@$NSD_PORT" --timeout 2)

findings() { jq -c '[.findings[] | {id, severity, could_not_check}] | sort_by(.id, .severity)'; }
results() { jq -c '[.lists[] | {zone, result, answers: [.answers[].address], reason}]'; }

# 203.0.113.16 is left out: its timeout is a fixture-only fault
for t in 203.0.113.10 203.0.113.11 203.0.113.12 203.0.113.13 203.0.113.14 203.0.113.15 \
	203.0.113.17 203.0.113.18 203.0.113.19 203.0.113.99 2001:db8::10 \
	spam.example.com both.example.com refused.example.com phish.example.com clean.example.com; do
	fix=$("$MAILDIAG" dnsbl "$t" --lists "$D/lists.conf" --dns-fixture "$D/zones" --format json)
	fix_rc=$?
	live=$("$MAILDIAG" dnsbl "$t" --lists "$D/lists.conf" "${LIVE[@]}" --format json)
	live_rc=$?
	t_eq "$t: exit code nsd vs fixture" "$live_rc" "$fix_rc"
	t_eq "$t: findings nsd vs fixture" "$(findings <<<"$live")" "$(findings <<<"$fix")"
	t_eq "$t: list results nsd vs fixture" "$(results <<<"$live")" "$(results <<<"$fix")"
done

# what a user sees through a real server
json=$("$MAILDIAG" dnsbl 203.0.113.10 --lists "$D/lists.conf" "${LIVE[@]}" --format json)
t_eq "nsd listed: exit" "$?" 1
t_eq "nsd listed: id" "$(jq -r '[.findings[] | select(.severity == "error") | .id][0]' <<<"$json")" dnsbl.listed
t_eq "nsd listed: reason" "$(jq -r '.lists[0].reason' <<<"$json")" "Listed for spam: see https://bl.example.net/q/203.0.113.10"
json=$("$MAILDIAG" dnsbl 203.0.113.12 --lists "$D/lists.conf" "${LIVE[@]}" --format json)
t_eq "nsd refused: exit" "$?" 3
t_eq "nsd refused: id" "$(jq -r '[.findings[] | select(.severity == "warning") | .id][0]' <<<"$json")" dnsbl.resolver_refused
json=$("$MAILDIAG" dnsbl 203.0.113.13 --lists "$D/lists.conf" "${LIVE[@]}" --format json)
t_eq "nsd non-127: id" "$(jq -r '[.findings[] | select(.severity == "warning") | .id][0]' <<<"$json")" dnsbl.unknown_answer
json=$("$MAILDIAG" dnsbl 203.0.113.99 --lists "$D/lists-wild.conf" "${LIVE[@]}" --format json)
t_eq "nsd wildcard: exit" "$?" 3
t_eq "nsd wildcard: result" "$(jq -r '.lists[1].result' <<<"$json")" unreliable

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
start=$(date +%s)
json=$("$MAILDIAG" dnsbl 203.0.113.10 --lists "$D/lists.conf" --resolver "127.0.0.1@$port" --timeout 1 --format json)
rc=$?
took=$(($(date +%s) - start))
t_eq "timeout: exit code" "$rc" 3
t_eq "timeout: every list could not check" "$(jq -r '[.lists[].result] | unique | join(",")' <<<"$json")" could_not_check
t_eq "timeout: findings" "$(jq -r '[.findings[] | select(.id != "dnsbl.not_public") | .id] | unique | join(",")' <<<"$json")" dnsbl.could_not_check
t_eq "timeout: nothing listed" "$(jq '.summary.listed + .summary.not_listed' <<<"$json")" 0
# the lists are asked in parallel: two lists cost one timeout, not two
t_eq "timeout: in parallel (<= 3 s)" "$([ "$took" -le 3 ] && echo yes || echo "no: ${took}s")" yes

t_summary
