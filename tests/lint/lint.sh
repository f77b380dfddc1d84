#!/bin/bash
# lint.sh - machine-enforced house rules (STYLE.md):
#  - banned functions: strcpy strcat sprintf vsprintf strtok atoi atol sscanf gets
#  - <ctype.h> classifiers (locale-dependent, undefined on negative chars)
#  - the library never prints, exits or aborts
#  - layers include only downward; the CLI and server use only the public API
. "$MD_SOURCE_ROOT/tests/lib/common.sh"
cd "$MD_SOURCE_ROOT" || exit 2

c_files() { find src include -name '*.[ch]' | sort; }

# strip comments and string literals roughly: good enough for a lint
code_of() { sed -e 's://.*$::' -e 's:/\*.*\*/::g' -e 's/"\([^"\\]\|\\.\)*"/""/g' "$1"; }

while read -r f; do
	code=$(code_of "$f")
	bad=$(printf '%s\n' "$code" | grep -nE '(^|[^_a-z0-9])(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\(' |
		grep -vE '(snprintf|vsnprintf|strncat)' || true)
	if [ -n "$bad" ]; then t_fail "$f: banned function: $bad"; else t_ok; fi
	bad=$(printf '%s\n' "$code" | grep -nE '(^|[^_a-z0-9.>])(isalpha|isdigit|isalnum|isspace|isupper|islower|isxdigit|isprint|ispunct|tolower|toupper)[[:space:]]*\(' || true)
	if [ -n "$bad" ]; then t_fail "$f: ctype call (use core/ascii.h): $bad"; else t_ok; fi
	case $f in
	src/lib/*)
		bad=$(printf '%s\n' "$code" | grep -nE '(^|[^_a-z0-9])(printf|puts|putchar|perror|exit|abort)[[:space:]]*\(|fprintf[[:space:]]*\([[:space:]]*std(out|err)' || true)
		if [ -n "$bad" ]; then t_fail "$f: library code prints or exits: $bad"; else t_ok; fi
		;;
	esac
done < <(c_files)

# layering: rank of each library area
rank() {
	case $1 in
	core) echo 0 ;;
	dns) echo 1 ;;
	mime) echo 2 ;;
	diag) echo 4 ;;
	store) echo 3 ;;
	*) echo 3 ;;
	esac
}
while read -r f; do
	area=$(echo "$f" | cut -d/ -f3)
	r=$(rank "$area")
	while read -r inc; do
		[ -z "$inc" ] && continue
		other=${inc%%/*}
		[ "$other" = "$inc" ] && continue # same-folder include
		ro=$(rank "$other")
		if [ "$ro" -gt "$r" ]; then t_fail "$f includes upward: $inc"; else t_ok; fi
	done < <(grep -oE '^#include "[^"]+"' "$f" | sed -e 's/#include "//' -e 's/"$//')
done < <(find src/lib -name '*.[ch]' | sort)

while read -r f; do
	bad=$(grep -nE '^#include "' "$f" | grep -vE '"(cli|commands|[a-z_]+)\.h"' || true)
	bad2=$(grep -nE '^#include "(core|dns|mime|spf|dkim|dmarc|arc|dnsbl|ptr|mx|smtp|mtasts|bimi|bounce|logs|reports|diag|store)/' "$f" || true)
	if [ -n "$bad$bad2" ]; then t_fail "$f uses library internals: $bad$bad2"; else t_ok; fi
done < <(find src/cli src/server -name '*.[ch]' 2>/dev/null | sort)

t_summary
