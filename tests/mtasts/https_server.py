#!/usr/bin/env python3
"""https_server.py PORT CERT KEY ROOT - an HTTPS server on 127.0.0.1 for
the MTA-STS and BIMI tests. A request for https://HOST/PATH is answered
from ROOT/HOST/PATH; ROOT/HOST/REDIRECT holds a Location for a 301 on
every path; ROOT/HOST/CONTENT_TYPE overrides the media type. Prints
"ready" when listening. Loopback only."""
import http.server
import os
import ssl
import sys

port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
TYPES = {".txt": "text/plain", ".svg": "image/svg+xml", ".pem": "application/x-pem-file"}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        base = os.path.join(root, host)
        if ".." in self.path or not os.path.isdir(base):
            return self.send_error(404)
        redirect = os.path.join(base, "REDIRECT")
        if os.path.exists(redirect):
            self.send_response(301)
            self.send_header("Location", open(redirect).read().strip())
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = os.path.join(base, self.path.lstrip("/").split("?")[0])
        if not os.path.isfile(path):
            return self.send_error(404)
        body = open(path, "rb").read()
        ctype = TYPES.get(os.path.splitext(path)[1], "application/octet-stream")
        override = os.path.join(base, "CONTENT_TYPE")
        if os.path.exists(override):
            ctype = open(override).read().strip()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
print("ready", flush=True)
httpd.serve_forever()
