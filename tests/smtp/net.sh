# net.sh - port helpers for the infrastructure tests (one python start for
# many ports: python3 starts slowly on a loaded CI machine).
#   net_ports N        print N distinct free TCP ports on 127.0.0.1
#   net_wait PORT      wait up to 5 s until 127.0.0.1:PORT accepts
net_ports() {
	python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

net_wait() {
	local i
	for i in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
