#!/bin/bash
# ptr.sh - maildiag ptr against the fixture zones in tests/ptr/zones: the
# finding ids, severities and exit codes for PTR, forward confirmation,
# pool-style names and HELO names, the JSON members, and usage errors.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
FIX=(--dns-fixture tests/ptr/zones --format json)

# case IP HELO EXIT "id:severity ..."   (HELO "-" for none)
ptr_case() {
	local ip=$1 helo=$2 want_exit=$3 want=$4 json rc pair args=()
	[ "$helo" != - ] && args=(--helo "$helo")
	json=$("$MAILDIAG" ptr "$ip" "${args[@]}" "${FIX[@]}")
	rc=$?
	t_eq "$ip $helo: exit code" "$rc" "$want_exit"
	for pair in $want; do
		t_eq "$ip $helo: ${pair%%:*}" \
			"$(jq -r --arg id "${pair%%:*}" '[.findings[] | select(.id == $id) | .severity][0]' <<<"$json")" \
			"${pair#*:}"
	done
}

ptr_case 192.0.2.10 - 0 "ptr.ok:ok ptr.not_public:notice"
ptr_case 192.0.2.10 mta1.out.example.com 0 "ptr.ok:ok helo.matches_ptr:ok"
ptr_case 192.0.2.10 MTA1.out.example.com. 0 "helo.matches_ptr:ok"
ptr_case 192.0.2.10 alias.out.example.com 0 "helo.mismatch:notice"
ptr_case 192.0.2.10 other.out.example.com 0 "helo.mismatch:notice"
ptr_case 192.0.2.10 nowhere.out.example.com 0 "helo.unresolvable:warning"
ptr_case 192.0.2.10 localhost 0 "helo.not_fqdn:warning"
ptr_case 192.0.2.10 192.0.2.10 0 "helo.not_fqdn:warning"
ptr_case 192.0.2.10 '[192.0.2.10]' 0 "helo.address_literal:notice"
ptr_case 192.0.2.10 '[192.0.2.11]' 0 "helo.address_literal:warning"
ptr_case 192.0.2.10 slow.out.example.com 3 "helo.could_not_check:warning"
ptr_case 192.0.2.11 - 1 "ptr.fcrdns_failed:error"
ptr_case 192.0.2.12 - 0 "ptr.ok:ok ptr.multiple:notice"
ptr_case 192.0.2.13 - 3 "ptr.could_not_check:warning"
ptr_case 192.0.2.14 - 3 "ptr.could_not_check:warning"
ptr_case 192.0.2.15 - 1 "ptr.missing:error"
ptr_case 192.0.2.16 - 1 "ptr.fcrdns_failed:error"
ptr_case 192.0.2.20 - 0 "ptr.ok:ok ptr.dynamic_name:warning"
ptr_case 192.0.2.21 - 0 "ptr.ok:ok ptr.generic_name:notice"
ptr_case 2001:db8::10 mta1.out.example.com 0 "ptr.ok:ok helo.matches_ptr:ok"
ptr_case 2001:db8::11 - 1 "ptr.fcrdns_failed:error"
ptr_case ::ffff:192.0.2.10 - 0 "ptr.ok:ok"

# a timeout is "could not check", never "missing"
json=$("$MAILDIAG" ptr 192.0.2.14 "${FIX[@]}")
t_eq "timeout: not missing" "$(jq '[.findings[] | select(.id == "ptr.missing")] | length' <<<"$json")" 0
t_eq "timeout: flag" "$(jq '.findings[] | select(.id == "ptr.could_not_check") | .could_not_check' <<<"$json")" true
t_eq "timeout: fcrdns unknown" "$(jq '.fcrdns' <<<"$json")" null
t_eq "timeout: status" "$(jq -r .status <<<"$json")" incomplete

# JSON members
json=$("$MAILDIAG" ptr 192.0.2.12 --helo other.out.example.com "${FIX[@]}")
t_eq "ip" "$(jq -r .ip <<<"$json")" 192.0.2.12
t_eq "reverse name" "$(jq -r .reverse_name <<<"$json")" 12.2.0.192.in-addr.arpa
t_eq "ptr names" "$(jq -r '[.ptr[].name] | join(",")' <<<"$json")" mta2.out.example.com,multi.out.example.com
t_eq "confirms" "$(jq -r '[.ptr[].confirms] | join(",")' <<<"$json")" false,true
t_eq "forward addresses" "$(jq -r '.ptr[0].addresses | join(",")' <<<"$json")" 192.0.2.99
t_eq "fcrdns" "$(jq .fcrdns <<<"$json")" true
t_eq "name class" "$(jq -r .name_class <<<"$json")" specific
t_eq "helo kind" "$(jq -r .helo.kind <<<"$json")" name
t_eq "helo addresses" "$(jq -r '.helo.addresses | join(",")' <<<"$json")" 192.0.2.77
t_eq "helo resolves to ip" "$(jq .helo.resolves_to_ip <<<"$json")" false
json=$("$MAILDIAG" ptr 192.0.2.20 "${FIX[@]}")
t_eq "dynamic: name class" "$(jq -r .name_class <<<"$json")" dynamic
t_contains "dynamic: why" "$(jq -r '.ptr[0].name_why' <<<"$json")" "pool keyword 'dsl'"
json=$("$MAILDIAG" ptr 2001:db8::10 "${FIX[@]}")
t_eq "ipv6 reverse name" "$(jq -r .reverse_name <<<"$json")" 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa

# impact stated plainly
json=$("$MAILDIAG" ptr 192.0.2.15 "${FIX[@]}")
t_contains "missing: who rejects" "$(jq -r '.findings[] | select(.id == "ptr.missing") | .explanation' <<<"$json")" "Gmail"
json=$("$MAILDIAG" ptr 192.0.2.10 --helo other.out.example.com "${FIX[@]}")
t_contains "mismatch: rarely matters" "$(jq -r '.findings[] | select(.id == "helo.mismatch") | .explanation' <<<"$json")" "rarely matters"

# text output
out=$("$MAILDIAG" ptr 192.0.2.11 --dns-fixture tests/ptr/zones)
t_contains "text: title" "$out" "192.0.2.11's PTR name does not resolve back to 192.0.2.11"
t_contains "text: evidence" "$out" "mta2.out.example.com A -> 192.0.2.99"

# the demo zones
out=$("$MAILDIAG" ptr 93.184.215.60 --helo mta1.out.example.com --dns-fixture examples/zones --format json)
t_eq "demo: ok" "$(jq -r '[.findings[].id] | sort | join(",")' <<<"$out")" helo.matches_ptr,ptr.ok

# usage errors
t_exit "no ip" 2 "$MAILDIAG" ptr
t_exit "not an ip" 2 "$MAILDIAG" ptr mail.example.com --dns-fixture tests/ptr/zones
t_exit "two ips" 2 "$MAILDIAG" ptr 192.0.2.1 192.0.2.2
t_exit "--helo without value" 2 "$MAILDIAG" ptr 192.0.2.1 --helo
t_exit "empty --helo" 2 "$MAILDIAG" ptr 192.0.2.1 --helo=
t_exit "unknown option" 2 "$MAILDIAG" ptr 192.0.2.1 --frob
err=$("$MAILDIAG" ptr mail.example.com --dns-fixture tests/ptr/zones 2>&1)
t_eq "not an ip: message" "$err" "maildiag ptr: mail.example.com: not an IPv4 or IPv6 address"

t_summary
