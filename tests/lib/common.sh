# common.sh - shared helpers for shell tests: assertions and free ports.
# Source it: . "$MD_SOURCE_ROOT/tests/lib/common.sh"
# Tests print "N passed, N failed" at the end and exit non-zero on failure.

: "${MAILDIAG:?MAILDIAG must point at the maildiag binary}"
T_PASS=0
T_FAIL=0

t_ok() { T_PASS=$((T_PASS + 1)); }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }

# t_eq NAME GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then t_ok; else t_fail "$1: got [$2], want [$3]"; fi
}

# t_contains NAME HAYSTACK NEEDLE
t_contains() {
	case "$2" in
	*"$3"*) t_ok ;;
	*) t_fail "$1: [$3] not found in output:
$2" ;;
	esac
}

# t_exit NAME WANT CMD...: run CMD, compare its exit code with WANT
t_exit() {
	local name=$1 want=$2 got
	shift 2
	"$@" >/dev/null 2>&1
	got=$?
	t_eq "$name (exit code)" "$got" "$want"
}

# A port free for both UDP and TCP on 127.0.0.1.
free_port() {
	python3 - <<'PY'
import socket
for _ in range(200):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close(); continue
    u.close(); t.close()
    print(port)
    break
PY
}

t_summary() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
