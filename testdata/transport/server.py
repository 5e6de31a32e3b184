#!/usr/bin/env python3
"""Loopback servers for the HTTP transport's tests and benchmark (Tests/RegistryClientTests, bench/transport).

Usage: server.py PKI_DIR [--remove-on-exit]   (PKI_DIR made by make-certs.sh; removed at the end if asked)

Listens on 127.0.0.1 on free ports and prints one JSON line naming them:
  https     TLS with server.pem (from ca): the ordinary server
  other     TLS with other.pem (a certificate for another host name)
  expired   TLS with expired.pem
  stranger  TLS with stranger.pem (from ca2, an authority the client is not given)
  http      plain HTTP
  silent    a socket that listens and never accepts (connects complete in the kernel; nothing answers)
  proxy     an HTTP proxy: CONNECT tunnels and absolute-form forwarding, to 127.0.0.1 and localhost only
Then serves until its standard input closes (the test process ending closes it too).
Connections are numbered in the order the listeners accepted them (one count for all listeners).

Paths served by https/other/expired/stranger/http (GET and HEAD; HEAD sends the same headers, no body):
  /status/N            status N, headers X-Test: yes and two Set-Thing lines, body "hello"
  /body?size=N         N bytes of "x" with Content-Length; &chunked=1 sends them chunked instead
  /head-length?size=N  like /body, but the HEAD answer announces N bytes it never sends
  /interim             a 100 Continue with an X-Interim header, then 200 with X-Final
  /redirect            302 to /status/200
  /echo                200 with JSON: method, path, headers, body, client certificate subject
  /slow?ms=N           waits N ms, then 200
  /close               closes the connection without an answer
  /rst                 resets the connection (SO_LINGER 0) without an answer
  /connection          JSON: the number of the connection this request came on
  /proxy-log           JSON: what the proxy was asked (request lines, and whether Authorization came along)
"""

import json
import os
import select
import shutil
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import StreamRequestHandler, ThreadingTCPServer

PROXY_LOG = []
PROXY_LOCK = threading.Lock()
CONNECTIONS = [0]
CONNECTIONS_LOCK = threading.Lock()
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls_context):
        super().__init__(("127.0.0.1", 0), Handler)
        self.tls_context = tls_context

    def handle_error(self, request, client_address):
        pass  # handshakes the client refused, resets: expected in these tests


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "transport-test"
    sys_version = ""

    def setup(self):
        with CONNECTIONS_LOCK:
            CONNECTIONS[0] += 1
            self.connection_number = CONNECTIONS[0]
        # Without it, a TLS 1.3 answer waits ~40 ms behind the session tickets (Nagle and delayed ACK).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.server.tls_context is not None:
            self.request = self.server.tls_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self.respond(head=True)

    def do_GET(self):
        self.respond(head=False)

    def do_POST(self):
        self.respond(head=False)

    def do_PUT(self):
        self.respond(head=False)

    def do_DELETE(self):
        self.respond(head=False)

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def send(self, status, body=b"", headers=(), head=False, content_length=None):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def respond(self, head):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        body = self.read_body()
        if path.startswith("/status/"):
            status = int(path[len("/status/"):])
            headers = [("X-Test", "yes"), ("Set-Thing", "one"), ("Set-Thing", "two")]
            self.send(status, b"hello", headers, head)
        elif path == "/body" or path == "/head-length":
            size = int(query.get("size", "0"))
            if query.get("chunked") == "1" and not head:
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                left = size
                while left > 0:
                    n = min(left, 16384)
                    self.wfile.write(b"%x\r\n" % n + b"x" * n + b"\r\n")
                    left -= n
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send(200, b"x" * size, [("Content-Type", "application/octet-stream")], head)
        elif path == "/interim":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")
            self.send(200, b"final", [("X-Final", "yes")], head)
        elif path == "/redirect":
            self.send(302, b"moved", [("Location", "/status/200")], head)
        elif path == "/echo":
            subject = None
            if hasattr(self.request, "getpeercert"):
                cert = self.request.getpeercert()
                if cert:
                    subject = dict(item[0] for item in cert.get("subject", ())).get("commonName")
            answer = {
                "method": self.command,
                "path": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "clientCertificate": subject,
            }
            self.send(200, json.dumps(answer).encode(), [("Content-Type", "application/json")], head)
        elif path == "/slow":
            time.sleep(int(query.get("ms", "1000")) / 1000)
            self.send(200, b"late", (), head)
        elif path == "/close":
            self.close_connection = True
            self.wfile.flush()
            self.request.shutdown(socket.SHUT_RDWR)
            self.request.close()
        elif path == "/rst":
            self.close_connection = True
            raw = self.request
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.close()
        elif path == "/connection":
            answer = json.dumps({"connection": self.connection_number}).encode()
            self.send(200, answer, [("Content-Type", "application/json")], head)
        elif path == "/proxy-log":
            with PROXY_LOCK:
                log = list(PROXY_LOG)
            self.send(200, json.dumps(log).encode(), [("Content-Type", "application/json")], head)
        else:
            self.send(404, b"not found", (), head)


class ProxyHandler(StreamRequestHandler):
    """CONNECT host:port tunnels; absolute-form requests are forwarded with Connection: close."""

    def handle(self):
        line = self.rfile.readline(65537).decode("latin-1").rstrip("\r\n")
        if not line:
            return
        headers = []
        while True:
            header = self.rfile.readline(65537).decode("latin-1")
            if header in ("\r\n", "\n", ""):
                break
            headers.append(header.rstrip("\r\n"))
        names = [h.split(":", 1)[0].strip().lower() for h in headers]
        with PROXY_LOCK:
            PROXY_LOG.append({"line": line, "authorization": "authorization" in names})
        method, target, _ = (line.split(" ") + ["", ""])[:3]
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            if host not in LOOPBACK:
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
            except OSError:
                self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            self.pump(upstream)
            return
        url = urllib.parse.urlsplit(target)
        if url.scheme != "http" or url.hostname not in LOOPBACK:
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        length = 0
        kept = []
        for header in headers:
            name, _, value = header.partition(":")
            lowered = name.strip().lower()
            if lowered == "content-length":
                length = int(value.strip())
            if lowered in ("connection", "proxy-connection", "keep-alive"):
                continue
            kept.append(header)
        body = self.rfile.read(length) if length else b""
        path = url.path or "/"
        if url.query:
            path += "?" + url.query
        request = "%s %s HTTP/1.1\r\n%s\r\nConnection: close\r\n\r\n" % (method, path, "\r\n".join(kept))
        upstream = socket.create_connection((url.hostname, url.port or 80), timeout=5)
        upstream.sendall(request.encode("latin-1") + body)
        while True:
            chunk = upstream.recv(65536)
            if not chunk:
                break
            self.wfile.write(chunk)
        upstream.close()

    def pump(self, upstream):
        client = self.connection
        sockets = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            return
        finally:
            upstream.close()


class ProxyServer(ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass


def tls(pki, name, client_ca=True):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(pki, name + ".pem"), os.path.join(pki, name + ".key"))
    if client_ca:
        context.load_verify_locations(os.path.join(pki, "ca.pem"))
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


def main():
    pki = sys.argv[1]
    servers = {
        "https": Server(tls(pki, "server")),
        "other": Server(tls(pki, "other")),
        "expired": Server(tls(pki, "expired")),
        "stranger": Server(tls(pki, "stranger")),
        "http": Server(None),
        "proxy": ProxyServer(("127.0.0.1", 0), ProxyHandler),
    }
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    ports = {name: server.server_address[1] for name, server in servers.items()}
    ports["silent"] = silent.getsockname()[1]
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(ports), flush=True)
    sys.stdin.read()  # until the parent closes it or ends
    if "--remove-on-exit" in sys.argv[2:]:
        shutil.rmtree(pki, ignore_errors=True)
    os._exit(0)  # without waiting for open connections


if __name__ == "__main__":
    main()
