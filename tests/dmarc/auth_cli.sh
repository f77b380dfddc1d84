#!/bin/bash
# auth_cli.sh - maildiag auth on the bundled list-footer example: DKIM fails
# with the footer as the cause and both body hashes, ARC passes, DMARC fails
# with p=reject; --format header prints an RFC 8601 field; --trust-received
# and --ip agree; usage errors exit 2.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
Z="--dns-fixture examples/zones"
MSG=examples/messages/list-footer.eml

out=$("$MAILDIAG" auth "$MSG" --trust-received $Z --format json)
rc=$?
t_eq "exit code" "$rc" 1
t_eq "client from Received" "$(jq -c '[.client.ip, .client.helo, .client.source]' <<<"$out")" '["192.0.2.25","lists.auth-example.org","received"]'
t_eq "mail from Return-Path" "$(jq -r .client.mail_from <<<"$out")" team-bounces@lists.auth-example.org
t_eq "dkim" "$(jq -r '.dkim.signatures[0] | [.result, .reason_id, .cause] | join(" ")' <<<"$out")" "fail dkim.body_hash_mismatch body_appended"
t_eq "dkim: appended bytes" "$(jq -r '.dkim.signatures[0].appended_bytes > 0' <<<"$out")" true
t_eq "arc" "$(jq -r '.arc | [.result, .sealer] | join(" ")' <<<"$out")" "pass lists.auth-example.org"
t_eq "dmarc" "$(jq -r '.dmarc | [.result, .disposition, .policy_domain] | join(" ")' <<<"$out")" "fail reject auth-example.net"
t_eq "spf evaluated for the list" "$(jq -r '.spf | [.result, .identity, .domain] | join(" ")' <<<"$out")" "pass mailfrom lists.auth-example.org"
t_eq "dmarc: spf passes but is not aligned" "$(jq -c '[.dmarc.alignment[] | select(.method=="spf") | [.aligned, .pass]]' <<<"$out")" '[[false,true]]'
t_eq "dmarc: dkim aligned but failed" "$(jq -c '[.dmarc.alignment[] | select(.method=="dkim") | [.aligned, .pass]]' <<<"$out")" '[[true,false]]'
t_contains "findings" "$(jq -r '[.findings[].id] | join(" ")' <<<"$out")" "dkim.body_hash_mismatch"
t_contains "findings" "$(jq -r '[.findings[].id] | join(" ")' <<<"$out")" "dmarc.fail"
t_contains "findings" "$(jq -r '[.findings[].id] | join(" ")' <<<"$out")" "auth.arc_may_override"

hdr=$("$MAILDIAG" auth "$MSG" --trust-received $Z --format header)
t_contains "header: name" "$hdr" "Authentication-Results: maildiag;"
t_contains "header: dkim" "$hdr" "dkim=fail (body hash mismatch: content appended after signing) header.d=auth-example.net"
t_contains "header: arc" "$hdr" "arc=pass"
t_contains "header: dmarc" "$hdr" "dmarc=fail (p=reject dis=reject) header.from=auth-example.net"
t_eq "header: CRLF folding" "$(printf '%s' "$hdr" | head -1 | od -c | grep -c '\\r')" 1
hdr2=$("$MAILDIAG" auth "$MSG" --ip 192.0.2.25 --helo lists.auth-example.org $Z --format header --authserv-id mx.example.com)
t_contains "header: authserv-id" "$hdr2" "Authentication-Results: mx.example.com;"

# RFC 7489 reading, and an SPF result given by the caller
out=$("$MAILDIAG" auth "$MSG" --ip 192.0.2.25 --reading 7489 --spf pass --mail-from alice@auth-example.net $Z --format json)
t_eq "spf given + aligned: dmarc pass" "$(jq -r '.dmarc | [.result, .reading] | join(" ")' <<<"$out")" "pass rfc7489"

# the author's own server: SPF passes aligned, DMARC passes though DKIM fails
out=$("$MAILDIAG" auth "$MSG" --ip 198.51.100.10 --helo mail.auth-example.net --mail-from alice@auth-example.net $Z --format json)
t_eq "author's server: spf, dmarc" "$(jq -r '[.spf.result, .dmarc.result] | join(" ")' <<<"$out")" "pass pass"
t_eq "author's server: an unauthorised IP fails SPF" "$("$MAILDIAG" auth "$MSG" --ip 203.0.113.9 --mail-from alice@auth-example.net $Z --format json | jq -r .spf.result)" fail

text=$("$MAILDIAG" auth "$MSG" --trust-received $Z)
json=$("$MAILDIAG" auth "$MSG" --trust-received $Z --format json)
bh=$(jq -r '.dkim.signatures[0].body_hash_expected' <<<"$json")
got=$(jq -r '.dkim.signatures[0].body_hash_computed' <<<"$json")
t_eq "hashes differ" "$([ ${#bh} -eq 44 ] && [ ${#got} -eq 44 ] && [ "$bh" != "$got" ] && echo yes)" yes
t_contains "text: expected hash" "$text" "$bh"
t_contains "text: computed hash" "$text" "$got"
t_contains "text: appended" "$text" "bytes were appended"

t_exit "no ip: exit 2" 2 "$MAILDIAG" auth "$MSG" $Z
t_exit "bad ip: exit 2" 2 "$MAILDIAG" auth "$MSG" --ip 300.1.1.1 $Z
t_exit "missing file: exit 2" 2 "$MAILDIAG" auth /nonexistent.eml --ip 192.0.2.1 $Z
t_exit "bad --spf: exit 2" 2 "$MAILDIAG" auth "$MSG" --ip 192.0.2.1 --spf maybe $Z

t_summary
