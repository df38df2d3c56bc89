#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""HTTPS test server for the fetch tests, on 127.0.0.1 only.

Serves files from DOCROOT with an ETag (sha256 of the body) and answers
If-None-Match with 304.  DOCROOT/.faults (re-read on every request) makes
paths misbehave, one "PATH MODE [ARG]" per line:

  PATH status N        answer with HTTP status N and a short body
  PATH stall           send headers and half the body, then hang
  PATH truncate        Content-Length of the whole body, send half, close
  PATH html            a captive-portal HTML page with status 200
  PATH oversize N      N bytes of CIDR lines, with a Content-Length
  PATH oversize-nolen N  the same without Content-Length (close-delimited)
  PATH redirect URL    302 to URL

Every request is appended to DOCROOT/.log as "METHOD PATH INM" (INM: the
If-None-Match header or "-").

usage: fetch_server.py DOCROOT CERT KEY PORTFILE
"""
import hashlib
import http.server
import os
import ssl
import sys
import time

DOCROOT, CERT, KEY, PORTFILE = sys.argv[1:5]


def faults():
    out = {}
    try:
        with open(os.path.join(DOCROOT, ".faults")) as f:
            for line in f:
                w = line.split()
                if len(w) >= 2:
                    out[w[0]] = w[1:]
    except FileNotFoundError:
        pass
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, length=None, headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None
                                               else length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        path = self.path.split("?")[0]
        with open(os.path.join(DOCROOT, ".log"), "a") as log:
            log.write("GET %s %s\n" % (self.path,
                      self.headers.get("If-None-Match", "-")))
        f = faults().get(path)
        if f and f[0] == "delay":       # slow but correct: for overlapping runs
            time.sleep(float(f[1]))
        elif f:
            return self.fault(f)
        local = os.path.join(DOCROOT, path.lstrip("/"))
        if not os.path.isfile(local):
            return self.send(404, b"not found\n")
        body = open(local, "rb").read()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send(200, body, headers=[("ETag", etag)])

    def fault(self, f):
        mode = f[0]
        body = b"".join(b"1.%d.%d.0/24\n" % (i // 256 % 256, i % 256)
                        for i in range(200))
        if mode == "status":
            return self.send(int(f[1]), b"error page\n")
        if mode == "html":
            return self.send(200, b"<!DOCTYPE html>\n<html><body>Please "
                             b"log in to the hotel Wi-Fi</body></html>\n")
        if mode == "redirect":
            return self.send(302, b"", headers=[("Location", f[1])])
        if mode in ("stall", "truncate"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            if mode == "stall":
                time.sleep(30)
            self.close_connection = True
            return
        if mode in ("oversize", "oversize-nolen"):
            n = int(f[1])
            big = (body * (n // len(body) + 1))[:n]
            self.send_response(200)
            if mode == "oversize":
                self.send_header("Content-Length", str(n))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                for i in range(0, n, 65536):
                    self.wfile.write(big[i:i + 65536])
            except OSError:
                pass
            self.close_connection = True
            return
        self.send(500, b"bad fault\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


main()
