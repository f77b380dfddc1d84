#!/usr/bin/env python3
# embed.py IN OUT - write the built-in DNSBL list file IN (data/dnsbl.conf)
# as a C string md_dnsbl_default_conf in OUT, so maildiag works without an
# installed data directory. The file stays the one place to edit.
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
out = ['/* generated from data/dnsbl.conf by embed.py: do not edit */',
       '#include "dnsbl/dnsbl_internal.h"',
       'const char md_dnsbl_default_conf[] =']
lines = data.split(b'\n')
if lines and lines[-1] == b'':
    lines.pop()
for line in lines:
    esc = ''.join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\?' else '\\%03o' % ord(c)
                  for c in line.decode('latin-1'))
    out.append('\t"%s\\n"' % esc)
out[-1] += ';'
open(dst, 'w').write('\n'.join(out) + '\n')
