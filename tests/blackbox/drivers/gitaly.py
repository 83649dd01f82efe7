#!/usr/bin/env python3
"""Gitaly's hooks, small (tests/blackbox/platforms.sh).

`gitaly.py serve SOCKET CUSTOM_HOOKS_DIR` plays the Gitaly server; run as
gitaly-hooks/<hook> (git's hook, core.hooksPath) it plays gitaly-hooks,
which forwards the hook's arguments, input and environment to the server
and prints what comes back. From gitlab-org/gitaly v15 (mirror
xuxiaowei-io/gitaly, internal/gitaly/hook/custom.go at 30a4417ddb8a,
prereceive.go at 6383cfed4089):
- the server runs, in order, <repo>/custom_hooks/<hook>,
  <repo>/custom_hooks/<hook>.d/* and <custom_hooks_dir>/<hook>.d/* (sorted,
  executable, no trailing ~), each as its own child, in the repository,
  with the same input, stopping at the first that fails;
- their environment (customHooksEnv): an allowed part of the hook's
  (command.AllowedEnvironment), the push options as GIT_PUSH_OPTION_*,
  GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES as git gave
  them to gitaly-hooks, then GIT_DIR, GL_REPOSITORY, GL_PROJECT_PATH,
  GL_ID, GL_USERNAME, GL_PROTOCOL from the payload.
Left out: the /internal/allowed call to Rails (always allowed here),
transactions, Praefect.
"""
import base64, json, os, socket, socketserver, subprocess, sys

ALLOWED = ["HOME", "PATH", "LD_LIBRARY_PATH", "TZ", "GIT_TRACE", "GIT_TRACE_PACK_ACCESS",
           "GIT_TRACE_PACKET", "GIT_TRACE_PERFORMANCE", "GIT_TRACE_SETUP", "all_proxy",
           "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
           "SSL_CERT_DIR", "SSL_CERT_FILE"]
# The test's own isolation (no host configuration leaks into a test).
TEST_ONLY = ["RELGATE_SYSTEM_CONFIG", "GIT_CONFIG_NOSYSTEM", "LC_ALL"]


def send(sock, obj):
    data = json.dumps(obj).encode()
    sock.sendall(len(data).to_bytes(8, "big") + data)


def receive(sock):
    def exactly(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf
    return json.loads(exactly(int.from_bytes(exactly(8), "big")))


def hooks_of(repo, name, custom_dir):
    def valid(p):
        return not p.endswith("~") and os.path.isfile(p) and os.access(p, os.X_OK)
    found = []
    own = os.path.join(repo, "custom_hooks", name)
    if valid(own):
        found.append(own)
    for d in (os.path.join(repo, "custom_hooks", name + ".d"), os.path.join(custom_dir, name + ".d")):
        if os.path.isdir(d):
            found += [os.path.join(d, f) for f in sorted(os.listdir(d)) if valid(os.path.join(d, f))]
    return found


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        req = receive(self.request)
        env_in = req["env"]
        payload = json.loads(base64.b64decode(env_in["GITALY_HOOKS_PAYLOAD"]))
        repo = payload["repository"]["relative_path"]
        user = payload["user_details"]
        env = {k: v for k, v in env_in.items() if k in ALLOWED or k in TEST_ONLY}
        count = int(env_in.get("GIT_PUSH_OPTION_COUNT", "0") or 0)
        if count:
            env["GIT_PUSH_OPTION_COUNT"] = str(count)
            for i in range(count):
                env["GIT_PUSH_OPTION_%d" % i] = env_in.get("GIT_PUSH_OPTION_%d" % i, "")
        for k in ("GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"):
            if env_in.get(k):
                env[k] = env_in[k]
        env.update({"GIT_DIR": repo, "GL_REPOSITORY": payload["repository"]["gl_repository"],
                    "GL_PROJECT_PATH": payload["repository"]["gl_project_path"],
                    "GL_ID": user["userid"], "GL_USERNAME": user["username"],
                    "GL_PROTOCOL": user["protocol"]})
        out, err, code = b"", b"", 0
        for hook in hooks_of(repo, req["hook"], self.server.custom_dir):
            p = subprocess.run([hook] + req["args"], cwd=repo, env=env,
                               input=req["stdin"].encode("latin-1"), capture_output=True)
            out += p.stdout
            err += p.stderr
            if p.returncode != 0:
                code = 1
                break
        send(self.request, {"code": code, "stdout": out.decode("latin-1"), "stderr": err.decode("latin-1")})


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def serve(path, custom_dir):
    if os.path.exists(path):
        os.unlink(path)
    server = Server(path, Handler)
    server.custom_dir = custom_dir
    server.serve_forever()


def hook(name, args):
    stdin = sys.stdin.buffer.read().decode("latin-1") if name != "update" else ""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.environ["GITALY_SOCKET"])
    send(sock, {"hook": name, "args": args, "env": dict(os.environ), "stdin": stdin})
    res = receive(sock)
    sys.stdout.write(res["stdout"])
    sys.stderr.write(res["stderr"])
    sys.stdout.flush()
    sys.stderr.flush()
    return res["code"]


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        sys.exit(hook(os.path.basename(sys.argv[0]), sys.argv[1:]))
