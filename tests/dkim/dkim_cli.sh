#!/bin/bash
# dkim_cli.sh - maildiag dkim on tests/dkim/zones: every key problem has its
# finding id, severity and exit code; selector discovery from messages,
# DMARC reports (plain and gzip) and the RFC 8020 probe; --verify on the
# bundled list-footer example names the cause and both body hashes.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
Z="--dns-fixture tests/dkim/zones"

ids() { jq -r '[.findings[] | .id + ":" + .severity] | join(" ")'; }

check_sel() { # SELECTOR WANT-ID WANT-SEVERITY
	local out
	out=$("$MAILDIAG" dkim dkimtest.example.org -s "$1" $Z --format json)
	t_contains "selector $1" "$(ids <<<"$out")" "$2:$3"
}
check_sel good dkim.key_ok ok
check_sel ed dkim.key_ok ok
check_sel short dkim.key_too_short critical
check_sel k1024 dkim.key_1024 warning
check_sel revoked dkim.key_revoked error
check_sel testing dkim.key_testing warning
check_sel sha1only dkim.key_hash_not_allowed error
check_sel badsyntax dkim.key_syntax error
check_sel multi dkim.key_multiple error
check_sel unknownk dkim.key_unknown_type error
check_sel badb64 dkim.key_bad_base64 error
check_sel esp dkim.cname_dangling error
check_sel slow dkim.key_lookup_failed error
check_sel missing dkim.key_not_found error

out=$("$MAILDIAG" dkim dkimtest.example.org -s good -s ed $Z --format json)
t_eq "good keys: bits" "$(jq -c '[.selectors[].key_bits]' <<<"$out")" "[2048,256]"
t_eq "good keys: types" "$(jq -c '[.selectors[].key_type]' <<<"$out")" '["rsa","ed25519"]'
t_exit "good keys: exit 0" 0 "$MAILDIAG" dkim dkimtest.example.org -s good $Z
t_exit "missing key: exit 1" 1 "$MAILDIAG" dkim dkimtest.example.org -s missing $Z
t_exit "timeout: exit 3" 3 "$MAILDIAG" dkim dkimtest.example.org -s slow $Z
out=$("$MAILDIAG" dkim dkimtest.example.org -s badsyntax $Z --format json)
t_contains "syntax error position" "$(jq -r '.findings[0].evidence' <<<"$out")" "at byte"

# discovery: the RFC 8020 probe
out=$("$MAILDIAG" dkim nodkim.example.org $Z --format json)
t_eq "no _domainkey: finding" "$(jq -r '.findings[0].id' <<<"$out")" dkim.no_keys
t_eq "no _domainkey: probe" "$(jq -r '.discovery.domainkey_node' <<<"$out")" nxdomain
out=$("$MAILDIAG" dkim dkimtest.example.org $Z --format json)
t_eq "unknown selectors: finding" "$(jq -r '.findings[0].id' <<<"$out")" dkim.selector_unknown
t_eq "unknown selectors: probe" "$(jq -r '.discovery.domainkey_node' <<<"$out")" exists

# discovery from a message and from DMARC aggregate reports
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'DKIM-Signature: v=1; a=rsa-sha256; d=dkimtest.example.org; s=good; h=from; bh=AAAA; b=AAAA\r\nDKIM-Signature: v=1; a=rsa-sha256; d=other.example.org; s=nope; h=from; bh=AAAA; b=AAAA\r\nFrom: a@dkimtest.example.org\r\n\r\nhi\r\n' >"$tmp/m.eml"
out=$("$MAILDIAG" dkim dkimtest.example.org --from-message "$tmp/m.eml" --no-common $Z --format json)
t_eq "from message: selectors" "$(jq -c '[.selectors[] | [.selector, .source, .status]]' <<<"$out")" '[["good","message","ok"]]'
out=$("$MAILDIAG" dkim dkimtest.example.org --from-message tests/dkim/data/bounce-rfc822-headers.eml --no-common $Z --format json)
t_eq "from a bounce's enclosed headers" "$(jq -c '[.selectors[] | [.selector, .source]]' <<<"$out")" '[["k1024","message"]]'
cat >"$tmp/r.xml" <<'XML'
<?xml version="1.0"?>
<feedback><record><auth_results>
<dkim><domain>dkimtest.example.org</domain><selector>k1024</selector><result>pass</result></dkim>
<dkim><domain>elsewhere.example.net</domain><selector>x</selector><result>pass</result></dkim>
<spf><domain>dkimtest.example.org</domain><result>pass</result></spf>
</auth_results></record></feedback>
XML
out=$("$MAILDIAG" dkim dkimtest.example.org --from-report "$tmp/r.xml" --no-common $Z --format json)
t_eq "from report: selectors" "$(jq -c '[.selectors[] | [.selector, .source]]' <<<"$out")" '[["k1024","dmarc-report"]]'
gzip -c "$tmp/r.xml" >"$tmp/r.xml.gz"
out=$("$MAILDIAG" dkim dkimtest.example.org --from-report "$tmp/r.xml.gz" --no-common $Z --format json)
t_eq "from gzip report: selectors" "$(jq -c '[.selectors[].selector]' <<<"$out")" '["k1024"]'

# usage errors
t_exit "no domain: exit 2" 2 "$MAILDIAG" dkim $Z
t_exit "bad domain: exit 2" 2 "$MAILDIAG" dkim 'bad..name' $Z
t_exit "missing file: exit 2" 2 "$MAILDIAG" dkim dkimtest.example.org --from-message "$tmp/none" $Z

# --verify on the bundled example: a footer appended by a mailing list
out=$("$MAILDIAG" dkim --verify examples/messages/list-footer.eml --dns-fixture examples/zones --format json)
t_eq "verify: reason" "$(jq -r '.dkim.signatures[0].reason_id' <<<"$out")" dkim.body_hash_mismatch
t_eq "verify: cause" "$(jq -r '.dkim.signatures[0].cause' <<<"$out")" body_appended
bh=$(jq -r '.dkim.signatures[0].body_hash_expected' <<<"$out")
got=$(jq -r '.dkim.signatures[0].body_hash_computed' <<<"$out")
t_eq "verify: both hashes, different" "$([ -n "$bh" ] && [ -n "$got" ] && [ "$bh" != "$got" ] && echo yes)" yes
t_contains "verify: footer shown" "$(jq -r '.dkim.signatures[0].appended_text' <<<"$out")" "team mailing list"
text=$("$MAILDIAG" dkim --verify examples/messages/list-footer.eml --dns-fixture examples/zones)
t_contains "verify text: expected hash" "$text" "$bh"
t_contains "verify text: computed hash" "$text" "$got"

t_summary
