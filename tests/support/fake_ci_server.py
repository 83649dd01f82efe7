#!/usr/bin/env python3
"""A scripted stand-in for the GitHub and GitLab APIs, for relgate's tests.

    fake_ci_server.py SCENARIO.json PORT_FILE [LOG_FILE]

Listens on 127.0.0.1 on a free port, writes the port to PORT_FILE, and
answers each GET from the scenario, which is read again on every request (a
test rewrites it to change the answers):

    {"routes": [{"path": "/repos/o/n/commits/SHA/status",
                 "query": {"page": "2"},          # optional: must match
                 "status": 200,                   # default 200
                 "headers": {"Link": "<{base}/...>; rel=\\"next\\""},
                 "json": {...} | "text": "...",   # {base}: http://127.0.0.1:PORT
                 "fault": "truncate" | "huge" | "drip" | "hang" | "close"}]}

The first route whose path and query match answers; no match is a 404.
Faults: truncate sends half of the body; huge sends 9 MiB; drip sends one
byte every 0.5 s; hang accepts and never answers; close drops the connection.
Each request is appended to LOG_FILE as one JSON line (method, path, headers).
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SCENARIO, PORT_FILE = sys.argv[1], sys.argv[2]
LOG_FILE = sys.argv[3] if len(sys.argv) > 3 else None
log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if LOG_FILE:
            with log_lock, open(LOG_FILE, "a") as f:
                f.write(json.dumps({"path": url.path, "query": query, "headers": dict(self.headers)}) + "\n")
        with open(SCENARIO) as f:
            scenario = json.load(f)
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        for route in scenario.get("routes", []):
            if route["path"] != url.path:
                continue
            if any(query.get(k) != v for k, v in route.get("query", {}).items()):
                continue
            return self.answer(route, base)
        self.send(404, {}, b'{"message":"Not Found"}')

    def answer(self, route, base):
        fault = route.get("fault")
        if fault == "hang":
            time.sleep(120)
            return
        if fault == "close":
            self.close_connection = True
            return
        if "json" in route:
            body = json.dumps(route["json"]).replace("{base}", base).encode()
        else:
            body = route.get("text", "").replace("{base}", base).encode()
        if fault == "huge":
            body = b'{"check_runs":[' + b" " * (9 << 20) + b"]}"
        headers = {k: v.replace("{base}", base) for k, v in route.get("headers", {}).items()}
        status = route.get("status", 200)
        if fault == "truncate":
            self.send(status, headers, body[: len(body) // 2], length=len(body))
            self.close_connection = True
        elif fault == "drip":
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.5)
        else:
            self.send(status, headers, body)

    def send(self, status, headers, body, length=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402

os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
