#!/usr/bin/python3
# dkim_tamper.py - sign messages with an independent signer (Debian
# python3-dkim, dkimpy) using keys made now, tamper with body and headers,
# and check that maildiag agrees with the signer on every untampered message
# and catches every tampering.
#
# Usage: dkim_tamper.py CONFORMANCE_DKIM_BINARY
# Writes a manifest in the conformance format (cases.json + dns.json +
# msgs/) into a temporary directory, checks each expectation with dkimpy's
# own verifier first (so a tamper that does not break the signature is a
# test bug, not a pass), then runs maildiag's conformance driver on it.
import base64, json, os, re, subprocess, sys, tempfile
import dkim, nacl.signing, nacl.encoding

driver = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="md-tamper.")
os.makedirs(os.path.join(tmp, "msgs"))
D = b"tamper.example.org"

def rsa_key(bits):
    priv = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                           "rsa_keygen_bits:%d" % bits], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=priv,
                         capture_output=True, check=True).stdout
    return priv, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()

def ed_key():
    sk = nacl.signing.SigningKey.generate()
    return (sk.encode(encoder=nacl.encoding.Base64Encoder),
            "v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(sk.verify_key)).decode())

keys = {b"rsa": rsa_key(2048), b"rsa1k": rsa_key(1024), b"ed": ed_key()}
dns = {"%s._domainkey.%s" % (s.decode(), D.decode()): k[1] for s, k in keys.items()}

def dnsfunc(name, timeout=5):
    return dns.get(name.decode().rstrip("."), "").encode()

H = [b"from", b"from", b"to", b"subject", b"date", b"message-id", b"content-type"]
messages = {
    "plain": b"From: Alice <alice@tamper.example.org>\r\nTo: bob@example.net\r\n"
             b"Subject: Plain text\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
             b"Message-ID: <t1@tamper.example.org>\r\nContent-Type: text/plain\r\n\r\n"
             b"Hello Bob,\r\n\r\nthe  numbers\tare in.   \r\n\r\nAlice\r\n\r\n\r\n",
    "multipart": b"From: Alice <alice@tamper.example.org>\r\nTo: bob@example.net\r\n"
             b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Mon, 23 Nov 2026 10:01:00 +0000\r\n"
             b"Message-ID: <t2@tamper.example.org>\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: multipart/alternative;\r\n boundary=\"b1\"\r\n\r\n"
             b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi\r\n"
             b"--b1\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--b1--\r\n",
    "empty": b"From: alice@tamper.example.org\r\nTo: bob@example.net\r\nSubject: empty\r\n"
             b"Date: Mon, 23 Nov 2026 10:02:00 +0000\r\nMessage-ID: <t3@tamper.example.org>\r\n"
             b"Content-Type: text/plain\r\n\r\n",
    "folded": b"From: Alice\r\n  <alice@tamper.example.org>\r\nTo: bob@example.net,\r\n\tcarol@example.net\r\n"
             b"Subject:   a   long\r\n subject  line\r\nDate: Mon, 23 Nov 2026 10:03:00 +0000\r\n"
             b"Message-ID: <t4@tamper.example.org>\r\nContent-Type: text/plain\r\n\r\n"
             b"line one\r\n \r\n\tline three with tab\r\nno final line end",
}

def split(m):
    i = m.find(b"\r\n\r\n")
    return (m[:i + 2], m[i + 4:]) if i >= 0 else (m, b"")

def set_header(m, name, value):
    h, b = split(m)
    h2 = re.sub(rb"(?im)^" + name + rb":.*\r\n(?:[ \t].*\r\n)*", name + b": " + value + b"\r\n", h, count=1)
    return h2 + b"\r\n" + b

# tampers that must break every signature, or only simple canonicalisation
# (body-space, header-refold); each returns None when it does not apply
tampers = {
    "body-append": lambda m, c: m + b"-- \r\nlist footer\r\n",
    "body-char": lambda m, c: (lambda h, b: h + b"\r\n" + b.replace(b"i", b"1", 1)
                               if b"i" in b else None)(*split(m)),
    "subject-changed": lambda m, c: set_header(m, b"Subject", b"[list] changed"),
    "from-changed": lambda m, c: set_header(m, b"From", b"Mallory <mallory@tamper.example.org>"),
    "from-added": lambda m, c: (lambda h, b: b"From: Eve <eve@tamper.example.org>\r\n" + m)(*split(m)),
    "header-removed": lambda m, c: (lambda h, b: re.sub(rb"(?im)^Date:.*\r\n", b"", h) + b"\r\n" + b)(*split(m)),
    "body-space": lambda m, c: (lambda h, b: h + b"\r\n" + b.replace(b"\r\n", b" \r\n", 1)
                                if b"\r\n" in b else None)(*split(m)),
    "header-refold": lambda m, c: set_header(m, b"To", b"bob@example.net,\r\n   carol@example.net")
                                  if b"carol" in m else None,
}
# non-breaking under relaxed: whitespace; under any: an unsigned header prepended
keepers = {
    "received-added": lambda m, c: b"Received: from relay.example.net by mx.example.com; Mon, 23 Nov 2026 10:09:00 +0000\r\n" + m,
}

cases, n_signed, n_tampered, errors = [], 0, 0, []

def add(name, data, expect):
    fn = "msgs/%s.eml" % name
    open(os.path.join(tmp, fn), "wb").write(data)
    cases.append({"id": name, "file": fn, "signatures": [expect], "expect": expect})

for mname, msg in messages.items():
    for sel, (priv, _) in keys.items():
        for canon in [(b"simple", b"simple"), (b"simple", b"relaxed"),
                      (b"relaxed", b"simple"), (b"relaxed", b"relaxed")]:
            alg = b"ed25519-sha256" if sel == b"ed" else b"rsa-sha256"
            sig = dkim.sign(msg, sel, D, priv, canonicalize=canon, include_headers=H,
                            signature_algorithm=alg)
            signed = sig + msg
            base = "%s-%s-%s-%s" % (mname, sel.decode(), canon[0].decode(), canon[1].decode())
            ok = dkim.verify(signed, dnsfunc=dnsfunc, minkey=1024)
            if not ok:
                errors.append("dkimpy does not verify its own %s" % base)
                continue
            add(base, signed, "pass")
            n_signed += 1
            for tname, t in list(tampers.items()) + list(keepers.items()):
                tm = t(signed, canon)
                if tm is None or tm == signed:
                    continue
                peer = dkim.verify(tm, dnsfunc=dnsfunc, minkey=1024)
                # what RFC 6376 says must happen
                if tname in keepers:
                    want = True
                elif tname == "from-added":
                    want = False  # From is over-signed (h= names it twice)
                elif tname == "body-space":
                    want = canon[1] == b"relaxed"
                elif tname == "header-refold":
                    want = canon[0] == b"relaxed"
                else:
                    want = False
                if peer != want:
                    errors.append("%s/%s: dkimpy says %s, RFC 6376 says %s" % (base, tname, peer, want))
                    continue
                add(base + "--" + tname, tm, "pass" if want else "fail")
                if not want:
                    n_tampered += 1

# l= lets content be appended: passes (maildiag warns), dkimpy agrees
sig = dkim.sign(messages["plain"], b"rsa", D, keys[b"rsa"][0], include_headers=H, length=True)
lm = sig + messages["plain"] + b"appended by anyone\r\n"
if dkim.verify(lm, dnsfunc=dnsfunc):
    add("plain-l-appended", lm, "pass")
else:
    errors.append("dkimpy fails l= with appended text")

json.dump(dns, open(os.path.join(tmp, "dns.json"), "w"), indent=1)
json.dump({"verify_time": None, "dns": "dns.json", "cases": cases},
          open(os.path.join(tmp, "cases.json"), "w"), indent=1)
for e in errors:
    print("SIGNER: " + e)
print("%d signed messages, %d tampered copies that must fail, %d cases" %
      (n_signed, n_tampered, len(cases)))
sys.stdout.flush()
rc = subprocess.run([driver, os.path.join(tmp, "cases.json")]).returncode
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if errors or rc else 0)
