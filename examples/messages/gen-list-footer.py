#!/usr/bin/python3
# gen-list-footer.py - make examples/messages/list-footer.eml and the key
# records in examples/zones/auth-example.net.zone: a message DKIM-signed by
# auth-example.net, passed through a mailing list at lists.auth-example.org
# that appended a footer (breaking the body hash) and sealed it with ARC.
# Uses Debian python3-dkim (dkimpy) as an independent signer; keys are made
# fresh each run (the private keys are not kept).
import base64, subprocess, sys, os, dkim

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

def keypair():
    priv = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                           "rsa_keygen_bits:2048"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=priv,
                         capture_output=True, check=True).stdout
    return priv, base64.b64encode(der).decode()

def txt(s):
    return " ".join('"%s"' % s[i:i + 250] for i in range(0, len(s), 250))

author_priv, author_pub = keypair()
list_priv, list_pub = keypair()

msg = (b"From: Alice Example <alice@auth-example.net>\r\n"
       b"To: team@lists.auth-example.org\r\n"
       b"Subject: Quarterly numbers\r\n"
       b"Date: Mon, 23 Nov 2026 09:15:00 +0000\r\n"
       b"Message-ID: <20261123091500.4711@mail.auth-example.net>\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: text/plain; charset=us-ascii\r\n"
       b"\r\n"
       b"Hello team,\r\n\r\nthe quarterly numbers are in the shared folder.\r\n\r\nAlice\r\n")
sig = dkim.sign(msg, b"2026a", b"auth-example.net", author_priv,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=[b"from", b"from", b"to", b"subject", b"date",
                                 b"message-id", b"mime-version", b"content-type"])
msg = sig + msg
# the list receives it, records what it saw, appends its footer and seals
msg = (b"Authentication-Results: lists.auth-example.org; spf=pass "
       b"smtp.mailfrom=alice@auth-example.net; dkim=pass header.d=auth-example.net; "
       b"dmarc=pass header.from=auth-example.net\r\n"
       b"Received: from mail.auth-example.net (mail.auth-example.net [198.51.100.10])\r\n"
       b"\tby lists.auth-example.org (Postfix) with ESMTPS id 4Q2x7Z1kLzz9;\r\n"
       b"\tMon, 23 Nov 2026 09:15:02 +0000 (UTC)\r\n" + msg)
head, body = msg.split(b"\r\n\r\n", 1)
head += (b"\r\nList-Id: Team discussion <team.lists.auth-example.org>"
         b"\r\nList-Unsubscribe: <https://lists.auth-example.org/team/unsubscribe>")
body += (b"\r\n-- \r\nteam mailing list -- team@lists.auth-example.org\r\n"
         b"To unsubscribe send an email to team-leave@lists.auth-example.org\r\n")
msg = head + b"\r\n\r\n" + body
arc = dkim.arc_sign(msg, b"arc2026", b"lists.auth-example.org", list_priv,
                    b"lists.auth-example.org", timestamp=1795424102,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                     b"mime-version", b"content-type", b"list-id"])
msg = b"".join(arc) + msg
msg = (b"Return-Path: <team-bounces@lists.auth-example.org>\r\n"
       b"Received: from lists.auth-example.org (lists.auth-example.org [192.0.2.25])\r\n"
       b"\tby mx.example.com (Postfix) with ESMTPS id 4Q2x7b0Qm3z1\r\n"
       b"\tfor <bob@example.com>; Mon, 23 Nov 2026 09:15:04 +0000 (UTC)\r\n" + msg)
open(os.path.join(here, "list-footer.eml"), "wb").write(msg)

zone = f"""; auth-example.net - a sender with SPF, DKIM and DMARC p=reject. Its mail
; to team@lists.auth-example.org (lists.auth-example.org.zone) comes back
; with a footer that breaks the DKIM body hash: examples/messages/list-footer.eml,
; made by examples/messages/gen-list-footer.py.
$ORIGIN auth-example.net.
$TTL 3600
@         IN SOA  ns1.auth-example.net. hostmaster.auth-example.net. 2026112301 7200 3600 1209600 3600
          IN NS   ns1.auth-example.net.
          IN MX   10 mail.auth-example.net.
          IN TXT  "v=spf1 ip4:198.51.100.10 -all"
ns1       IN A    198.51.100.2
mail      IN A    198.51.100.10
_dmarc    IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc-reports@auth-example.net"
2026a._domainkey IN TXT ( {txt("v=DKIM1; k=rsa; p=" + author_pub)} )
"""
open(os.path.join(root, "examples", "zones", "auth-example.net.zone"), "w").write(zone)
zone = f"""; lists.auth-example.org - the mailing list auth-example.net's mail passed
; through: it appends a footer and seals the message with ARC. Used by
; examples/messages/list-footer.eml (examples/messages/gen-list-footer.py).
$ORIGIN lists.auth-example.org.
$TTL 3600
@         IN SOA  ns1.lists.auth-example.org. hostmaster.lists.auth-example.org. 2026112301 7200 3600 1209600 3600
          IN NS   ns1.lists.auth-example.org.
          IN A    192.0.2.25
          IN MX   10 lists.auth-example.org.
          IN TXT  "v=spf1 ip4:192.0.2.25 -all"
ns1       IN A    192.0.2.26
_dmarc    IN TXT  "v=DMARC1; p=none"
arc2026._domainkey IN TXT ( {txt("v=DKIM1; k=rsa; p=" + list_pub)} )
"""
open(os.path.join(root, "examples", "zones", "lists.auth-example.org.zone"), "w").write(zone)
print("wrote list-footer.eml, auth-example.net.zone and lists.auth-example.org.zone")
