#!/usr/bin/env python3
"""embed_rules.py IN OUT - compile data/bounce-rules.tsv into a C source
file holding its bytes, so the built-in rules are the very same table a
user can load with --rules (one loader, one format)."""
import sys

data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'w') as out:
    out.write('/* Generated from data/bounce-rules.tsv by embed_rules.py: do not edit. */\n')
    out.write('#include <stddef.h>\n')
    out.write('extern const char md_bounce_rules_builtin_text[];\n')
    out.write('extern const size_t md_bounce_rules_builtin_len;\n')
    out.write('const char md_bounce_rules_builtin_text[] = {\n')
    for i in range(0, len(data), 16):
        out.write('  ' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',\n')
    out.write('  0x00\n};\n')
    out.write('const size_t md_bounce_rules_builtin_len = %d;\n' % len(data))
