#!/bin/bash
# cli.sh - what a user sees from the maildiag command itself: help,
# version, and one clear error line with exit code 2 for bad usage or input.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$MAILDIAG" --version)
t_contains "version" "$out" "maildiag 0."
out=$("$MAILDIAG" help)
t_contains "help lists mx" "$out" "  mx "
t_contains "help lists dns" "$out" "  dns "
out=$("$MAILDIAG" mx --help)
t_contains "mx --help" "$out" "usage: maildiag mx DOMAIN"
t_contains "mx --help common options" "$out" "--dns-fixture DIR"
t_exit "help exits 0" 0 "$MAILDIAG" help
t_exit "no command" 2 "$MAILDIAG"

# errors: exit 2, exactly one line on stderr naming the input
check_error() { # NAME WANT_SUBSTRING CMD...
	local name=$1 want=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	t_eq "$name: exit code" "$rc" 2
	t_eq "$name: one line" "$(printf '%s\n' "$err" | wc -l)" 1
	t_contains "$name: message" "$err" "$want"
}
check_error "unknown command" "frobnicate: unknown command" "$MAILDIAG" frobnicate
check_error "unknown option" "--bogus: unknown option" "$MAILDIAG" mx example.com --bogus
check_error "bad format" "--format yaml: unknown format" "$MAILDIAG" mx example.com --format yaml
check_error "missing value" "option --format needs a value" "$MAILDIAG" mx example.com --format
check_error "bad timeout" "--timeout abc" "$MAILDIAG" mx example.com --timeout abc
check_error "missing domain" "missing DOMAIN" "$MAILDIAG" mx --dns-fixture tests/zones
check_error "invalid domain" "exa mple.com: not a valid domain name" "$MAILDIAG" mx "exa mple.com" --dns-fixture tests/zones
check_error "no fixture dir" "--dns-fixture $tmp/nope" "$MAILDIAG" mx example.com --dns-fixture "$tmp/nope"
mkdir "$tmp/badzone"
printf '$ORIGIN example.com.\n@ IN SOA ns1 host 1 2 3 4 5\nmx1 IN A 999.1.2.3\n' > "$tmp/badzone/example.com.zone"
check_error "malformed zone" "example.com.zone:3" "$MAILDIAG" mx example.com --dns-fixture "$tmp/badzone"
check_error "unknown dns type" "BOGUS: unknown record type" "$MAILDIAG" dns example.com BOGUS --dns-fixture tests/zones

t_summary
