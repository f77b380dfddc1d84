#!/bin/bash
# lint.sh - machine-enforced house rules (STYLE.md):
#  - banned functions: strcpy strcat sprintf vsprintf strtok atoi atol sscanf gets
#  - <ctype.h> classifiers (locale-dependent, undefined on negative chars)
#  - the library never prints, exits or aborts
#  - layers include only downward; the CLI and server use only the public API
# Each rule is one pass over the tree, so the lint stays fast.
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# code without comments and string literals, each line prefixed FILE:LINE:
find src include -name '*.[ch]' | sort | xargs perl -0777 -ne '
	s{/\*.*?\*/}{ my $c = $&; $c =~ s/[^\n]//g; $c }gse;   # block comments, keep lines
	s{//[^\n]*}{}g;
	s{"(?:[^"\\\n]|\\.)*"}{""}g;
	s{\x27(?:[^\x27\\\n]|\\.)*\x27}{0}g;
	my $n = 0;
	for (split /\n/, $_, -1) { $n++; print "$ARGV:$n:$_\n"; }
' > "$tmp/code"

rule() { # NAME PATTERN [FILE-FILTER]
	local name=$1 pat=$2 filter=${3:-.} hits
	hits=$(grep -E "^[^:]*($filter)[^:]*:[0-9]+:" "$tmp/code" | grep -E "$pat" || true)
	if [ -n "$hits" ]; then t_fail "$name:
$hits"; else t_ok; fi
}
rule "banned function" '[^_a-zA-Z0-9](strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\('
rule "ctype call (use core/ascii.h)" '[^_a-zA-Z0-9.>](isalpha|isdigit|isalnum|isspace|isupper|islower|isxdigit|isprint|ispunct|tolower|toupper)[[:space:]]*\('
rule "library code prints or exits" '[^_a-zA-Z0-9](printf|puts|putchar|perror|exit|abort)[[:space:]]*\(|fprintf[[:space:]]*\([[:space:]]*std(out|err)' '^src/lib/'

# layering: a library file includes only its own or lower layers
rank() {
	case $1 in
	core) echo 0 ;; dns) echo 1 ;; mime) echo 2 ;; diag) echo 4 ;; *) echo 3 ;;
	esac
}
bad=""
while IFS=: read -r f inc; do
	area=$(cut -d/ -f3 <<<"$f")
	other=${inc%%/*}
	[ "$other" = "$inc" ] && continue
	if [ "$(rank "$other")" -gt "$(rank "$area")" ]; then bad="$bad
$f includes upward: $inc"; fi
done < <(grep -rHoE '^#include "[^"]+"' src/lib --include='*.[ch]' | sed -e 's/#include "//' -e 's/"$//')
if [ -n "$bad" ]; then t_fail "layering:$bad"; else t_ok; fi

# the CLI and the server see only the public API
bad=$(grep -rnE '^#include "(core|dns|mime|spf|dkim|dmarc|arc|dnsbl|ptr|mx|smtp|mtasts|bimi|bounce|logs|reports|diag|store)/' src/cli src/server 2>/dev/null || true)
if [ -n "$bad" ]; then t_fail "CLI uses library internals: $bad"; else t_ok; fi

t_summary
