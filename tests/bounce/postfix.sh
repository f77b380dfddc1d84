#!/bin/bash
# postfix.sh - the real-MTA test: a private Postfix instance on loopback
# (its own config_directory, queue_directory, data_directory and ports;
# no system service is touched) relays five messages to smtp-sink
# instances that reject the recipient with chosen replies. Postfix
# generates real DSNs, delivered to a collecting smtp-sink that dumps
# them to files; maildiag must classify each as the reply meant.
#
#   550 5.1.1 unknown user          -> userunknown, hard bounce
#   552 5.2.2 mailbox full          -> mailboxfull
#   451 4.7.1 greylisted            -> speeding (a deferral: retry later)
#   554 5.7.1 blocked using a DNSBL -> blocked
#   550 5.7.26 unauthenticated      -> authfailure, not a hard bounce
. "$MD_SOURCE_ROOT/tests/lib/common.sh"

for p in postfix smtp-sink python3; do
	if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$p" ]; then
		echo "SKIP: $p is not installed"
		exit 77
	fi
done
export PATH="$PATH:/usr/sbin"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: a private Postfix instance needs root (mail_owner, setgid_group)"
	exit 77
fi
if ! id postfix >/dev/null 2>&1 || ! getent group postdrop >/dev/null; then
	echo "SKIP: the postfix user or the postdrop group is missing"
	exit 77
fi

T=$(mktemp -d /tmp/md-postfix.XXXXXX) || exit 1
chmod 755 "$T"
SINK_PIDS=()
cleanup() {
	postfix -c "$T/conf" stop >/dev/null 2>&1
	for p in "${SINK_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
[ -n "$MD_KEEP" ] && trap - EXIT

PIN=$(free_port)
declare -A PORT REPLY
SCEN=(user full grey block auth)
REPLY[user]="550 5.1.1 <rcpt@user.example.com>: Recipient address rejected: User unknown in virtual mailbox table"
REPLY[full]="552 5.2.2 <rcpt@full.example.com>: Recipient address rejected: Mailbox full"
REPLY[grey]="451 4.7.1 <rcpt@grey.example.com>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/grey.example.com.html"
REPLY[block]="554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/127.0.0.1"
REPLY[auth]="550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM."
mkdir -p "$T/conf" "$T/queue" "$T/data" "$T/dump"
chown postfix "$T/dump" "$T/data"

# one sink per reply, rejecting RCPT (hard replies with -f/-B, soft with -r/-b)
for s in "${SCEN[@]}"; do
	PORT[$s]=$(free_port)
	case "${REPLY[$s]}" in
	4*) smtp-sink -u postfix -r RCPT -b "${REPLY[$s]}" "127.0.0.1:${PORT[$s]}" 10 & ;;
	*) smtp-sink -u postfix -f RCPT -B "${REPLY[$s]}" "127.0.0.1:${PORT[$s]}" 10 & ;;
	esac
	SINK_PIDS+=($!)
done
# the collector: where Postfix delivers its DSNs (to sender@example.net)
PCOL=$(free_port)
smtp-sink -u postfix -d "$T/dump/%Y%m%d%H%M%S." "127.0.0.1:$PCOL" 10 &
SINK_PIDS+=($!)

{
	for s in "${SCEN[@]}"; do
		printf '%s.example.com\tsmtp:[127.0.0.1]:%s\n' "$s" "${PORT[$s]}"
	done
	printf 'example.net\tsmtp:[127.0.0.1]:%s\n' "$PCOL"
} > "$T/conf/transport"

cat > "$T/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $T/queue
data_directory = $T/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mta.example.org
mydomain = example.org
myorigin = example.org
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains = user.example.com, full.example.com, grey.example.com, block.example.com, auth.example.com
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
transport_maps = texthash:$T/conf/transport
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtputf8_enable = no
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
syslog_name = postfix-maildiag-test
maillog_file_prefixes = $T
maillog_file = $T/maillog
CF
cat > "$T/conf/master.cf" <<CF
127.0.0.1:$PIN inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 1  1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
CF

if ! postfix -c "$T/conf" check >"$T/check.log" 2>&1 || ! postfix -c "$T/conf" start >"$T/start.log" 2>&1; then
	echo "FAIL: the private Postfix instance did not start:"
	cat "$T/check.log" "$T/start.log" 2>/dev/null
	exit 1
fi
# wait for its smtpd
for _ in $(seq 50); do
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PIN), 1).close()" 2>/dev/null && break
	sleep 0.2
done

python3 - "$PIN" "${SCEN[@]}" <<'PY'
import smtplib, sys
port = int(sys.argv[1])
for s in sys.argv[2:]:
    msg = ("From: Sender <sender@example.net>\r\nTo: rcpt@%s.example.com\r\n"
           "Subject: maildiag test %s\r\nMessage-ID: <%s-test@example.net>\r\n\r\nhello\r\n") % (s, s, s)
    with smtplib.SMTP('127.0.0.1', port, timeout=20) as c:
        c.sendmail('sender@example.net', ['rcpt@%s.example.com' % s], msg)
PY
t_eq "messages accepted by the private Postfix" "$?" "0"

# every message comes back as a DSN to sender@example.net
for _ in $(seq 120); do
	n=$(ls "$T/dump" | wc -l)
	[ "$n" -ge 5 ] && break
	sleep 0.5
done
t_eq "DSNs generated by Postfix" "$(ls "$T/dump" | wc -l)" "5"

out=$("$MAILDIAG" bounce --format ndjson "$T/dump")
check() { # DOMAIN FIELD WANT
	local got
	got=$(echo "$out" | python3 -c "
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r['recipient'].endswith('@$1'):
        print(r['$2']); break
else:
    print('missing')")
	t_eq "$1 $2" "$got" "$3"
}
check user.example.com reason userunknown
check user.example.com status 5.1.1
check user.example.com hardbounce True
check user.example.com smtpcommand RCPT
check user.example.com format rfc3464
check full.example.com reason mailboxfull
check grey.example.com reason speeding
check grey.example.com status 4.7.1
check grey.example.com retryable True
check block.example.com reason blocked
check block.example.com status 5.7.1
check block.example.com pillar reputation
check auth.example.com reason authfailure
check auth.example.com status 5.7.26
check auth.example.com hardbounce False
check auth.example.com pillar authentication
check auth.example.com messageid auth-test@example.net
check auth.example.com addresser sender@example.net
if [ "$T_FAIL" -gt 0 ]; then
	echo "--- maildiag records:"; echo "$out"
	echo "--- Postfix log:"; tail -40 "$T/maillog" 2>/dev/null
fi
t_summary
