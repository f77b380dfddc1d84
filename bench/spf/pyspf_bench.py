#!/usr/bin/python3
"""pyspf_bench.py - the openspf RFC 7208 suite through pyspf (python3-spf)
with in-memory DNS built by the suite's conventions (SPEC.md section 2;
the same rules as tests/spf/spf_suite.c): prints one "R" line per test in
--raw mode, then "SCORE passed total" and "BENCH evaluations seconds rate".

usage: pyspf_bench.py SUITE.yml [SECONDS] [--raw]
"""
import socket
import sys
import time

import spf
import yaml

ZONE = {}


def load(path):
    sections = []
    with open(path, encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            if not doc:
                continue
            zone = {}
            for name, recs in (doc.get("zonedata") or {}).items():
                recs = recs or []
                has_txt = any(isinstance(r, dict) and "TXT" in r for r in recs)
                out = []
                for r in recs:
                    if r == "TIMEOUT":
                        out.append("TIMEOUT")
                        continue
                    for t, v in r.items():
                        # NONE only marks the name and blocks the copying
                        if v == "NONE" and t in ("TXT", "SPF"):
                            continue
                        out.append((t, v))
                if not has_txt:
                    for r in recs:
                        if isinstance(r, dict) and "SPF" in r:
                            out.append(("TXT", r["SPF"]))
                zone[name.lower()] = out
            sections.append((zone, doc.get("tests") or {}))
    return sections


def dns_lookup(name, qtype, strict=True, timeout=None):
    """What the suite's own driver (pyspf test/testspf.py) answers."""
    name = name.rstrip(".").lower()
    recs = ZONE.get(name)
    if recs is None:
        return []
    out = []
    seen = False
    for r in recs:
        if r == "TIMEOUT":
            if not seen:
                raise spf.TempError("DNS timeout")
            return out
        t, v = r
        if t == qtype:
            seen = True
        if v == "TIMEOUT":
            if t == qtype:
                raise spf.TempError("DNS timeout")
            continue
        if v == "NONE" and t in ("TXT", "SPF"):
            continue
        if t == "AAAA":
            v = bytes(socket.inet_pton(socket.AF_INET6, v))
        elif t in ("TXT", "SPF"):
            if isinstance(v, str):
                v = (v,)
            v = tuple(s.encode("latin-1") for s in v)
        elif t == "MX":
            v = (v[0], v[1])
        out.append(((name, t), v))
    return out


spf.DNSLookup = dns_lookup


def run_one(t):
    q = spf.query(i=t["host"], s=t.get("mailfrom", ""), h=t.get("helo", ""),
                  strict=t.get("strict", True), receiver="localhost")
    q.set_default_explanation("DEFAULT")
    res, _code, exp = q.check()
    return res, exp


def main():
    global ZONE
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    raw = "--raw" in sys.argv
    path = args[0]
    seconds = float(args[1]) if len(args) > 1 else 0
    sections = load(path)
    passed = total = 0
    for zone, tests in sections:
        ZONE = zone
        for name, t in tests.items():
            total += 1
            res, exp = run_one(t)
            want = t["result"] if isinstance(t["result"], list) else [t["result"]]
            ok = res in want
            if ok and "explanation" in t and res == "fail" and exp != t["explanation"]:
                ok = False
            passed += ok
            if raw:
                print("R\t%s\t%s\t%s" % (name, res, exp or ""))
    print("SCORE\t%d\t%d" % (passed, total))
    if seconds > 0:
        evals = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            for zone, tests in sections:
                ZONE = zone
                for t in tests.values():
                    run_one(t)
                    evals += 1
        el = time.perf_counter() - start
        print("BENCH\t%d\t%.6f\t%.0f" % (evals, el, evals / el))


if __name__ == "__main__":
    main()
