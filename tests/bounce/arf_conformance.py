#!/usr/bin/env python3
"""arf_conformance.py - the ARF conformance set (../shared/conformance/arf):
every sample that has a message/feedback-report part must be read as
feedback with its Feedback-Type, Source-IP and Original-Mail-From (the
"reporting and source addresses"); the samples without one must still be
read without error. All samples go through one maildiag run.
Prints "N passed, N failed"."""
import json, os, subprocess, sys

shared = os.environ.get('MD_SHARED', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
base = os.path.join(shared, 'conformance', 'arf')
manifest = os.path.join(base, 'manifest.json')
if not os.path.exists(manifest):
    print('SKIP: no ARF conformance set at', base)
    sys.exit(77)
cases = json.load(open(manifest))
files = [os.path.normpath(os.path.join(base, c['file'])) for c in cases]
run = subprocess.run([os.environ['MAILDIAG'], 'bounce', '--format', 'ndjson'] + files,
                     capture_output=True, text=True)
records = {}
for line in run.stdout.splitlines():
    r = json.loads(line)
    records.setdefault(os.path.normpath(r['file']), []).append(r)
passed = failed = 0


def strip(a):
    a = (a or '').strip()
    return a[1:-1] if a.startswith('<') and a.endswith('>') else a


for c, f in zip(cases, files):
    name = os.path.relpath(f, base)
    got = records.get(f, [])
    fr = c.get('feedback_report') or {}
    problems = []
    if c.get('feedback_type'):
        if not got:
            problems.append('no record')
        else:
            r = got[0]
            if r['reason'] != 'feedback':
                problems.append('reason %s' % r['reason'])
            if r['feedback_type'] != c['feedback_type']:
                problems.append('feedback_type %r, want %r' % (r['feedback_type'], c['feedback_type']))
            sip = (fr.get('source-ip') or [''])[0]
            if sip and r['source_ip'] != sip:
                problems.append('source_ip %r, want %r' % (r['source_ip'], sip))
            omf = strip((fr.get('original-mail-from') or [''])[0])
            if omf and r['addresser'] != omf:
                problems.append('addresser %r, want %r' % (r['addresser'], omf))
            rcpt = strip((fr.get('original-rcpt-to') or [''])[0])
            if rcpt and r['recipient'] != rcpt:
                problems.append('recipient %r, want %r' % (r['recipient'], rcpt))
    if problems:
        failed += 1
        print('FAIL: %s: %s' % (name, '; '.join(problems)))
    else:
        passed += 1
if run.returncode not in (0, 1):
    failed += 1
    print('FAIL: maildiag exit code %d: %s' % (run.returncode, run.stderr.strip()))
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
