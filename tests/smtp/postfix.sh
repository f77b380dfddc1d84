# postfix.sh - a private Postfix instance on free loopback ports, for the
# SMTP probe tests. Source after common.sh and net.sh.
#   pf_start DIR CERT KEY EXPCERT EXPKEY
# starts Postfix with its own config, queue and data directories in DIR and
# four smtpd listeners on 127.0.0.1, exported as:
#   PF_STARTTLS   STARTTLS with CERT (AUTH only after TLS)
#   PF_SMTPS      implicit TLS (wrapper mode) with CERT
#   PF_EXPIRED    STARTTLS with the expired EXPCERT
#   PF_AUTHPLAIN  STARTTLS, AUTH PLAIN LOGIN offered before TLS (Cyrus SASL)
# pf_stop stops it (call it from the test's EXIT trap). Needs root (Postfix
# drops to mail_owner itself); returns 1 when it cannot start.
PF_DIR=

pf_stop() {
	if [ -n "$PF_DIR" ] && [ -d "$PF_DIR/conf" ]; then
		postfix -c "$PF_DIR/conf" stop >/dev/null 2>&1
		postfix -c "$PF_DIR/conf" abort >/dev/null 2>&1
		rm -rf "$PF_DIR/queue" "$PF_DIR/data"
	fi
	PF_DIR=
}

pf_start() {
	local d=$1 cert=$2 key=$3 ecert=$4 ekey=$5
	[ "$(id -u)" = 0 ] || { echo "pf_start: needs root" >&2; return 1; }
	command -v postfix >/dev/null || { echo "pf_start: postfix not installed" >&2; return 1; }
	PF_DIR=$d
	mkdir -p "$d/conf" "$d/queue" "$d/data" "$d/sasl"
	read -r PF_STARTTLS PF_SMTPS PF_EXPIRED PF_AUTHPLAIN < <(net_ports 4)
	printf 'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s/sasl/db\nmech_list: PLAIN LOGIN\n' \
		"$d" >"$d/sasl/smtpd.conf"
	cat >"$d/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx1.good.infra.example.org
mydomain = infra.example.org
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
maillog_file = $d/maillog
maillog_file_prefixes = $d
smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $d/sasl
alias_maps =
alias_database =
local_recipient_maps =
biff = no
CF
	# only the services the probe needs, plus postlog for maillog_file
	cat >"$d/conf/master.cf" <<MF
127.0.0.1:$PF_STARTTLS inet n - n - - smtpd
127.0.0.1:$PF_SMTPS inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt
127.0.0.1:$PF_EXPIRED inet n - n - - smtpd -o smtpd_tls_cert_file=$ecert -o smtpd_tls_key_file=$ekey
127.0.0.1:$PF_AUTHPLAIN inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=no
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
MF
	chmod 755 "$d" "$(dirname "$d")"
	chown postfix "$d/data"
	if ! postfix -c "$d/conf" start >"$d/start.log" 2>&1; then
		echo "pf_start: postfix did not start:" >&2
		cat "$d/start.log" >&2
		return 1
	fi
	net_wait "$PF_AUTHPLAIN" && return 0
	echo "pf_start: postfix does not listen" >&2
	return 1
}
