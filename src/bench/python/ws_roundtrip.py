"""A cell's round trip through the Jupyter server's kernel websocket, sent as JupyterLab sends it.

Starts Debian's jupyter_server (1.23) on a free port, with or without Concurrency Lab's server extension
(src/main/python/conclab_server: TCP_NODELAY on kernel websockets), starts a kernel over the REST API, opens
/api/kernels/ID/channels and times execute_request → execute_reply and idle for `1+N` cells.
"""
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import time
import urllib.request
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

ROOT = os.environ.get("CONCLAB_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
EXTENSION_PATH = os.path.join(ROOT, "src", "main", "python")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A jupyter_server subprocess; `nodelay` loads the conclab_server extension."""

    def __init__(self, nodelay, root_dir):
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ)
        args = ["/usr/bin/python3", "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--ServerApp.token={self.token}",
                f"--ServerApp.root_dir={root_dir}"]
        if os.geteuid() == 0:
            args.append("--ServerApp.allow_root=True")
        if nodelay:
            env["PYTHONPATH"] = os.pathsep.join(p for p in (EXTENSION_PATH, env.get("PYTHONPATH")) if p)
            args += ["--ServerApp.jpserver_extensions", "conclab_server=True"]
        self.log = open(os.path.join(root_dir, f"server-{self.port}.log"), "w")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.rest("GET", "/api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter_server did not start (log: {self.log.name})")
                time.sleep(0.2)

    def rest(self, method, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return json.loads(text) if text else None

    def log_text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def request(msg_type, content, session):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench", "session": session,
                       "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}


async def _cells(server, kernel_id, codes, warm):
    session = uuid.uuid4().hex
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={session}"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {server.token}"}))
    ws.protocol.stream.set_nodelay(True)   # as a browser's socket: the client side never waits for an ACK
    try:
        samples = []
        for i, code in enumerate(codes):
            msg = request("execute_request", {"code": code, "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False,
                                              "stop_on_error": True}, session)
            t0 = time.perf_counter()
            await ws.write_message(json.dumps(msg))
            replied = idle = False
            while not (replied and idle):
                raw = await asyncio.wait_for(ws.read_message(), 120)
                if raw is None:
                    raise RuntimeError("the kernel websocket closed")
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if m["msg_type"] == "execute_reply":
                    if m["content"]["status"] != "ok":
                        raise RuntimeError(f"cell {code!r} failed: {m['content']}")
                    replied = True
                elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    idle = True
            if i >= warm:
                samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)
    finally:
        ws.close()


def round_trip(kernel_name, nodelay, n=40, warm=10, root_dir=None):
    """Median ms of a `1+N` cell through the websocket, with (nodelay) or without the extension, and whether
    the server's log says the extension loaded."""
    root_dir = root_dir or os.path.join(ROOT, "target", "ws-bench")
    os.makedirs(root_dir, exist_ok=True)
    server = Server(nodelay, root_dir)
    try:
        kernel = server.rest("POST", "/api/kernels", {"name": kernel_name})
        try:
            codes = ["1+1"] + [f"1+{i + 2000}" for i in range(warm + n)]
            ms = asyncio.run(_cells(server, kernel["id"], codes, warm + 1))
        finally:
            server.rest("DELETE", f"/api/kernels/{kernel['id']}")
        return ms, "conclab_server: TCP_NODELAY" in server.log_text()
    finally:
        server.stop()


if __name__ == "__main__":
    import sys
    name = sys.argv[1] if len(sys.argv) > 1 else "python3"
    for nd in (False, True):
        print(name, "TCP_NODELAY" if nd else "Nagle", "%.1f ms, extension loaded: %s" % round_trip(name, nd))
