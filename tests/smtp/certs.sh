# certs.sh - a test CA and certificates made at test time with openssl.
# Source it, then: certs_make DIR NAME... (NAME: host names of one leaf)
#   DIR/ca.pem ca.key          the test CA (trusted via --ca-file)
#   certs_leaf DIR FILE DAYS NAME...   FILE.pem/FILE.key signed by the CA
#   certs_expired DIR FILE NAME...     a leaf that expired in 2021
#   certs_self DIR FILE NAME           a self-signed leaf (not from the CA)
certs_ca() {
	local d=$1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
		-days 30 -subj "/CN=maildiag test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

certs_san() {
	local s="" n
	for n in "$@"; do s="${s:+$s,}DNS:$n"; done
	echo "$s"
}

certs_leaf() {
	local d=$1 f=$2 days=$3
	shift 3
	openssl req -newkey rsa:2048 -nodes -keyout "$d/$f.key" -out "$d/$f.csr" \
		-subj "/CN=$1" 2>/dev/null
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$(certs_san "$@")" >"$d/$f.ext"
	openssl x509 -req -in "$d/$f.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days "$days" -extfile "$d/$f.ext" -out "$d/$f.pem" 2>/dev/null
}

# openssl ca sets past dates (openssl 3.0 x509 cannot)
certs_expired() {
	local d=$1 f=$2
	shift 2
	mkdir -p "$d/ca-db"
	: >"$d/ca-db/index.txt"
	echo 1000 >"$d/ca-db/serial"
	cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $d/ca-db/index.txt
serial = $d/ca-db/serial
new_certs_dir = $d/ca-db
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
CNF
	openssl req -newkey rsa:2048 -nodes -keyout "$d/$f.key" -out "$d/$f.csr" \
		-subj "/CN=$1" -addext "subjectAltName=$(certs_san "$@")" 2>/dev/null
	openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" \
		-startdate 20200101000000Z -enddate 20210101000000Z \
		-in "$d/$f.csr" -out "$d/$f.pem" -notext 2>/dev/null
}

certs_self() {
	local d=$1 f=$2 n=$3
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$f.key" -out "$d/$f.pem" \
		-days 30 -subj "/CN=$n" -addext "subjectAltName=DNS:$n" 2>/dev/null
}
