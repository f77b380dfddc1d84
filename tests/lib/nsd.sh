# nsd.sh - run a private NSD serving fixture zones on a free loopback port.
# Source it after common.sh:
#     . "$MD_SOURCE_ROOT/tests/lib/common.sh"
#     . "$MD_SOURCE_ROOT/tests/lib/nsd.sh"
#     nsd_start "$MD_SOURCE_ROOT/tests/zones" || exit 1
#     "$MAILDIAG" dns example.com MX --resolver "127.0.0.1@$NSD_PORT"
# nsd_start ZONEDIR writes an nsd.conf into a fresh temp dir (no chroot,
# no user switch, its own pid/xfrd/zonelist files, no database), one
# `zone:` per master file in ZONEDIR (the zone name is the file's $ORIGIN,
# else the owner of its SOA), starts /usr/sbin/nsd -d in the background,
# waits until it answers, and exports NSD_PORT, NSD_DIR, NSD_PID.
# nsd_stop kills it and removes the temp dir; it is installed as an EXIT
# trap, so NSD never outlives the test, even when the test fails.
# Never touches the system's nsd service.

NSD_BIN=${NSD_BIN:-/usr/sbin/nsd}
NSD_PID=
NSD_DIR=
NSD_PORT=

# The zone a master file holds: its $ORIGIN, else the owner of its SOA.
nsd_zone_name() {
	awk '
		/^[$][Oo][Rr][Ii][Gg][Ii][Nn][ \t]/ && origin == "" { origin = $2 }
		toupper($0) ~ /(^|[ \t])SOA([ \t]|$)/ && soa == "" {
			if ($1 == "@" || $0 ~ /^[ \t]/) soa = origin; else soa = $1
		}
		END {
			z = soa != "" ? soa : origin
			if (z == "") exit 1
			if (z !~ /[.]$/ && origin != "" && z != origin) z = z "." origin
			print z
		}' "$1"
}

nsd_stop() {
	if [ -n "$NSD_PID" ]; then
		kill "$NSD_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$NSD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$NSD_PID" 2>/dev/null
		wait "$NSD_PID" 2>/dev/null
		NSD_PID=
	fi
	if [ -n "$NSD_DIR" ] && [ -d "$NSD_DIR" ]; then
		rm -rf "$NSD_DIR"
		NSD_DIR=
	fi
}

# nsd_start ZONEDIR: 0 when NSD answers, 1 (with the reason) otherwise.
nsd_start() {
	local zonedir=$1 f zone conf i
	if [ ! -x "$NSD_BIN" ]; then
		echo "nsd_start: $NSD_BIN not found (apt-get install nsd)" >&2
		return 1
	fi
	zonedir=$(cd "$zonedir" && pwd) || return 1
	NSD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/md-nsd.XXXXXX") || return 1
	# keep the caller's EXIT trap: run it after stopping NSD
	local prev
	prev=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
	# shellcheck disable=SC2064
	trap "nsd_stop; ${prev}" EXIT
	NSD_PORT=$(free_port)
	conf=$NSD_DIR/nsd.conf
	cat >"$conf" <<CONF
server:
	ip-address: 127.0.0.1@$NSD_PORT
	port: $NSD_PORT
	do-ip6: no
	chroot: ""
	username: ""
	zonesdir: "$zonedir"
	pidfile: "$NSD_DIR/nsd.pid"
	xfrdfile: "$NSD_DIR/xfrd.state"
	zonelistfile: "$NSD_DIR/zone.list"
	xfrdir: "$NSD_DIR"
	database: ""
	logfile: "$NSD_DIR/nsd.log"
	server-count: 1
	verbosity: 1
	hide-version: yes
	refuse-any: no
remote-control:
	control-enable: no
CONF
	for f in "$zonedir"/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in .* | *.conf | *.md | *.key) continue ;; esac
		zone=$(nsd_zone_name "$f") || {
			echo "nsd_start: $f: no \$ORIGIN or SOA to name the zone" >&2
			continue
		}
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$zone" "$f" >>"$conf"
	done
	"$NSD_BIN" -d -c "$conf" >"$NSD_DIR/nsd.out" 2>&1 &
	NSD_PID=$!
	export NSD_PORT NSD_DIR NSD_PID
	for i in $(seq 1 100); do
		if ! kill -0 "$NSD_PID" 2>/dev/null; then
			echo "nsd_start: nsd exited:" >&2
			cat "$NSD_DIR/nsd.out" "$NSD_DIR/nsd.log" >&2 2>/dev/null
			NSD_PID=
			return 1
		fi
		if nsd_answers; then
			return 0
		fi
		sleep 0.1
	done
	echo "nsd_start: nsd did not answer on 127.0.0.1@$NSD_PORT" >&2
	cat "$NSD_DIR/nsd.log" >&2 2>/dev/null
	return 1
}

# True when NSD answers a question about its first zone.
nsd_answers() {
	local zone
	zone=$(awk '$1 == "name:" { gsub(/"/, "", $2); print $2; exit }' "$NSD_DIR/nsd.conf")
	[ -n "$zone" ] || zone=.
	if command -v drill >/dev/null 2>&1; then
		drill -p "$NSD_PORT" "$zone" SOA @127.0.0.1 2>/dev/null | grep -q 'rcode: NOERROR'
	else
		"$MAILDIAG" dns "$zone" SOA --resolver "127.0.0.1@$NSD_PORT" --timeout 1 >/dev/null 2>&1
	fi
}
