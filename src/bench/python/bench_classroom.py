#!/usr/bin/python3
"""./lab bench classroom [N]: a class of N students (default 30) on one JupyterHub, this kernel and ipykernel.

Debian's JupyterHub 3.0 with its configurable-http-proxy, run with the project's own hub configuration
(hub/jupyterhub_config.py: PAM, one cgroup per student's server). N real Unix users are made for the
run (useradd, a random password each). Every student, all at once, as a browser does: logs in on the hub's
login form, asks for a server (/hub/spawn) and follows its progress, opens the server (the OAuth hand-shake
between server and hub), starts a kernel over the server's REST API, then runs 20 small cells over the
kernel's websocket, back to back or 2 s apart. Then the hub stops every server through its API and the
processes still there are counted. Each kernel (Concurrency Lab, then ipykernel) and each pace is a run of
its own with a fresh hub.

Prints a table (students served, first cell of the last student counted from the moment all log in, the
first cell's own round trip, cells 2–20 percentiles, memory per kernel RSS / PSS from /proc, kernels left)
and, for every student not served, the step that failed, its error and the tail of the student's server log.

Every user, process, cgroup and file it made is removed at the end, also on Ctrl-C or SIGTERM; a run
killed outright is swept by the next one (users are marked with the owning run's pid).

    bench_classroom.py [N] [--pace both|fast|slow] [--kernels conclab,python3] [--cells 20] [--json FILE]
"""
import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests
import websocket

ROOT = os.environ.get("CONCLAB_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
CONFIG = os.path.join(ROOT, "hub", "jupyterhub_config.py")
MARK = "conclab-classroom"  # the GECOS field of every user made, followed by the run's pid
PACES = {"fast": ("back to back", 0.0), "slow": ("2 s between cells", 2.0)}
LABELS = {"conclab": "Concurrency Lab", "python3": "ipykernel"}
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


T0 = time.monotonic()


def say(*a):
    print(f"classroom [{time.monotonic() - T0:4.0f} s]:", *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def procs_of(uids):
    """{pid: (uid, cmdline)} of every process owned by one of uids."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{d}").st_uid
            if uid in uids:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    out[int(d)] = (uid, f.read().replace(b"\0", b" ").decode(errors="replace").strip())
        except OSError:
            pass
    return out


def is_kernel(cmd):
    return "ipykernel_launcher" in cmd or "conclab.jar" in cmd or " kernel " in f" {cmd} "


def memory_mb(pid):
    """(RSS, PSS) in MB from /proc/PID/smaps_rollup."""
    vals = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k, _, rest = line.partition(":")
            if k in ("Rss", "Pss"):
                vals[k] = int(rest.split()[0]) / 1024
    return vals.get("Rss", float("nan")), vals.get("Pss", float("nan"))


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def limits_of(pid):
    """(memory limit in bytes of the process's cgroup, or None; its MEM_LIMIT variable, or None)."""
    limit = env_limit = None
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            for line in f:
                _, ctrl, path = line.rstrip("\n").split(":", 2)
                if "memory" in ctrl.split(","):  # cgroup v1
                    file = f"/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"
                elif ctrl == "" and os.path.isfile("/sys/fs/cgroup/cgroup.controllers"):  # v2
                    file = f"/sys/fs/cgroup{path}/memory.max"
                else:
                    continue
                try:
                    with open(file) as g:
                        limit = int(g.read().strip())
                except (OSError, ValueError):
                    pass
        with open(f"/proc/{pid}/environ", "rb") as f:
            for kv in f.read().split(b"\0"):
                if kv.startswith(b"MEM_LIMIT="):
                    env_limit = int(kv[10:])
    except OSError:
        pass
    return limit, env_limit


def pct(xs, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))]


class Failed(Exception):
    def __init__(self, step, error):
        super().__init__(f"{step}: {error}")
        self.step, self.error = step, error


# ---------------------------------------------------------------- the machine's side: users, hub, clean-up
class Classroom:
    def __init__(self, n, mem, cpu):
        self.n, self.mem, self.cpu = n, mem, cpu
        self.pid = os.getpid()
        self.cgroup = f"{MARK}-{self.pid}"
        self.dir = tempfile.mkdtemp(prefix=f"{MARK}-")
        os.chmod(self.dir, 0o755)
        with open(os.path.join(self.dir, "owner.pid"), "w") as f:
            f.write(str(self.pid))
        self.users = []  # (name, password, uid)
        self.hub = None
        self.hub_state = None

    # -- set-up
    def install_kernel(self):
        prefix = os.path.join(self.dir, "prefix")
        if not os.environ.get("JAVA_HOME"):
            raise SystemExit("JAVA_HOME is not set: run this through ./lab bench classroom (it finds a JDK 25)")
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        subprocess.run([java, "-jar", os.path.join(ROOT, "target", "conclab.jar"), "install", "--prefix", prefix],
                       check=True, capture_output=True, text=True, env={**os.environ, "PATH": CLEAN_PATH})
        subprocess.run(["chmod", "-R", "a+rX", prefix], check=True)
        self.jupyter_path = os.path.join(prefix, "share", "jupyter")

    def make_users(self):
        home = os.path.join(self.dir, "home")
        os.makedirs(home, mode=0o755)
        tag = secrets.token_hex(2)
        lines = []
        for i in range(self.n):
            name = f"clb{tag}s{i + 1:02d}"
            subprocess.run(["useradd", "--create-home", "--home-dir", os.path.join(home, name), "--shell", "/bin/sh",
                            "--comment", f"{MARK} {self.pid}", name], check=True, capture_output=True, text=True)
            password = secrets.token_urlsafe(12)
            lines.append(f"{name}:{password}")
            self.users.append((name, password, pwd.getpwnam(name).pw_uid))
        subprocess.run(["chpasswd"], input="\n".join(lines) + "\n", check=True, capture_output=True, text=True)

    def start_hub(self, label):
        self.hub_state = os.path.join(self.dir, f"hub-{label}")
        logs = os.path.join(self.hub_state, "servers")
        os.makedirs(logs)
        self.port = free_port()
        self.token = secrets.token_hex(32)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "CONCLAB_HUB"))}
        env.update(PATH=CLEAN_PATH, CONCLAB_HUB_IP="127.0.0.1", CONCLAB_HUB_PORT=str(self.port),
                   CONCLAB_HUB_HUB_PORT=str(free_port()), CONCLAB_HUB_PROXY_API_PORT=str(free_port()),
                   CONCLAB_HUB_STATE=self.hub_state, CONCLAB_HUB_AUTH="pam",
                   CONCLAB_HUB_USERS=",".join(u[0] for u in self.users), CONCLAB_HUB_MEM=self.mem,
                   CONCLAB_HUB_CPU=str(self.cpu), CONCLAB_HUB_LESSONS=os.path.join(ROOT, "notebooks"),
                   CONCLAB_HUB_JUPYTER_PATH=self.jupyter_path, CONCLAB_HUB_LOG_DIR=logs,
                   CONCLAB_HUB_SERVICE_TOKEN=self.token, CONCLAB_HUB_CGROUP=self.cgroup,
                   CONCLAB_HUB_REQUIRE_LIMITS="1")
        self.hub_log = os.path.join(self.hub_state, "hub.log")
        with open(self.hub_log, "wb") as log:
            self.hub = subprocess.Popen(["jupyterhub", "-f", CONFIG], cwd=self.hub_state, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.hub.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.hub.returncode}):\n{self.tail(self.hub_log, 30)}")
            try:
                if requests.get(self.base + "/hub/api", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer within 120 s:\n{self.tail(self.hub_log, 30)}")

    def nodelay(self, name):
        """Whether this student's server loaded conclab_server (TCP_NODELAY on its kernel websockets): it says
        so in its log as it starts."""
        try:
            with open(os.path.join(self.hub_state, "servers", f"{name}.log"), errors="replace") as f:
                return "conclab_server: TCP_NODELAY on kernel websockets" in f.read()
        except OSError:
            return False

    def server_log(self, name, lines=6):
        """The lines of a student's server log that say what went wrong (kernel deaths, restarts, bind
        failures, timeouts, the JVM's own errors), then its last lines."""
        path = os.path.join(self.hub_state, "servers", f"{name}.log")
        try:
            with open(path, errors="replace") as f:
                text = f.readlines()
        except OSError:
            return "(no log)"
        cause = re.compile(r"died|restart|Address already in use|Exception in thread|Error:|Timeout|"
                           r"OutOfMemory|Killed|exit(ed)? (code|status)|\[E ")
        picked, seen = [], set()
        for line in text:
            key = re.sub(r"^\S+ \S+ \S+ ", "", line.strip())[:120]
            if cause.search(line) and key not in seen and not line.startswith(" "):
                seen.add(key)
                picked.append(line)
        tail = [line for line in text[-lines:] if line not in picked]
        return "".join(picked[:12]) + ("...\n" if tail else "") + "".join(tail)

    def oom_kills(self, name):
        """How many processes the kernel's OOM killer ended in this student's cgroup (its memory limit)."""
        for path, key in ((f"/sys/fs/cgroup/memory/{self.cgroup}/{name}/memory.oom_control", "oom_kill"),
                          (f"/sys/fs/cgroup/{self.cgroup}/{name}/memory.events", "oom_kill")):
            try:
                with open(path) as f:
                    for line in f:
                        k, _, v = line.partition(" ")
                        if k == key:
                            return int(v)
            except OSError:
                pass
        return 0

    @staticmethod
    def tail(path, lines):
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- the hub stops the servers; what is left is counted
    def stop_servers(self):
        auth = {"Authorization": f"token {self.token}"}
        for name, _, _ in self.users:
            requests.delete(f"{self.base}/hub/api/users/{name}/server", headers=auth, timeout=60)
        deadline = time.monotonic() + 180
        pending = [u[0] for u in self.users]
        while pending and time.monotonic() < deadline:
            r = requests.get(f"{self.base}/hub/api/users", headers=auth, timeout=60)
            running = {u["name"] for u in r.json() if u.get("servers")}
            pending = [n for n in pending if n in running]
            if pending:
                time.sleep(0.5)
        left = procs_of({u[2] for u in self.users})
        with open(self.hub_log, errors="replace") as f:
            swept = sum(int(m.group(1)) for m in re.finditer(r"(\d+) process\(es\) outlived the server", f.read()))
        with open(self.hub_log, errors="replace") as f:
            outlived = [line.strip() for line in f if "outlived the server" in line]
        return {"servers not stopped": len(pending), "outlived": outlived,
                "kernels left": sum(1 for _, cmd in left.values() if is_kernel(cmd)),
                "servers left": sum(1 for _, cmd in left.values() if "jupyterhub-singleuser" in cmd),
                "processes killed by the cgroup sweep": swept}

    def stop_hub(self):
        if self.hub is None:
            return
        if self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                self.hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
                self.hub.wait(10)
        try:  # the proxy, if the hub died without stopping it
            with open(os.path.join(self.hub_state, "jupyterhub-proxy.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        self.hub = None

    def cleanup(self):
        self.stop_hub()
        remove_users([u[0] for u in self.users], {u[2] for u in self.users})
        remove_cgroups(self.cgroup)
        shutil.rmtree(self.dir, ignore_errors=True)


def remove_users(names, uids):
    for _ in range(3):  # their processes first (by pid), else userdel refuses
        left = procs_of(uids)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)


def remove_cgroups(name):
    for base in ("/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup"):
        d = os.path.join(base, name)
        if os.path.isdir(d):
            for child in os.listdir(d):
                if os.path.isdir(os.path.join(d, child)):
                    try:
                        os.rmdir(os.path.join(d, child))
                    except OSError:
                        pass
            try:
                os.rmdir(d)
            except OSError:
                pass


def sweep_stale():
    """Removes what a run killed outright (SIGKILL, power loss) left: its users, cgroups and directory."""
    stale = {}
    for pw in pwd.getpwall():
        parts = pw.pw_gecos.split()
        if len(parts) == 2 and parts[0] == MARK and parts[1].isdigit() and not pid_alive(int(parts[1])):
            stale.setdefault(int(parts[1]), []).append(pw)
    for pid, pws in stale.items():
        say(f"removing {len(pws)} users left by an earlier run (pid {pid})")
        remove_users([p.pw_name for p in pws], {p.pw_uid for p in pws})
        remove_cgroups(f"{MARK}-{pid}")
    tmp = tempfile.gettempdir()
    for d in os.listdir(tmp):
        if d.startswith(f"{MARK}-"):
            try:
                with open(os.path.join(tmp, d, "owner.pid")) as f:
                    if pid_alive(int(f.read())):
                        continue
            except (OSError, ValueError):
                pass
            shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)


# ---------------------------------------------------------------- one student, as a browser
def cookie_header(session, path):
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies if path.startswith(c.path or "/"))


def path_cookie(session, name, path):
    for c in session.cookies:
        if c.name == name and path.startswith(c.path or "/"):
            return c.value
    return None


def msg(session_id, msg_type, content, channel="shell"):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session_id, "username": "",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}


class KernelGone(RuntimeError):
    """The server no longer has the kernel (it died and its restarts failed): no wait can bring an answer."""


def recv(ws, deadline, alive):
    """The next websocket message, waiting until deadline; every 10 s of silence asks alive() whether the server
    still has the kernel, so a kernel that died fails the student at once instead of after the whole wait."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no message from the kernel before the deadline")
        ws.settimeout(min(10.0, left))
        try:
            return json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            gone = alive()
            if gone:
                raise KernelGone(gone) from None


def run_cell(ws, session_id, code, timeout, alive):
    """Sends an execute_request; returns the result's text/plain once both execute_reply and idle came."""
    m = msg(session_id, "execute_request", {"code": code, "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    ws.send(json.dumps(m))
    mid, reply, idle, result = m["header"]["msg_id"], None, False, None
    deadline = time.monotonic() + timeout
    while reply is None or not idle:
        r = recv(ws, deadline, alive)
        if r.get("parent_header", {}).get("msg_id") != mid:
            continue
        t = r["msg_type"]
        if t == "execute_reply":
            reply = r["content"]
        elif t == "execute_result":
            result = r["content"]["data"].get("text/plain")
        elif t == "error":
            raise RuntimeError(r["content"]["ename"] + ": " + r["content"]["evalue"])
        elif t == "status" and r["content"]["execution_state"] == "idle":
            idle = True
    if reply.get("status") != "ok":
        raise RuntimeError(f"execute_reply status {reply.get('status')}")
    return result


def connect_kernel(url, cookie, xsrf, session_id, out, alive, attempts=7, wait=300, total=600):
    """Opens the kernel's websocket as JupyterLab does: a kernel_info request first, cells only after its
    reply; when the server closes the socket first (its own wait for the kernel timed out), reconnects
    after 1, 2, 4 ... s, up to 7 times, unless the server says the kernel is gone. Gives up after `total`
    seconds (a student would have reloaded the page long before). Returns the open websocket;
    out["reconnects"] counts the retries."""
    out["reconnects"] = 0
    give_up = time.monotonic() + total
    for attempt in range(attempts):
        try:
            left = max(1.0, min(wait, give_up - time.monotonic()))
            ws = websocket.create_connection(url, cookie=cookie, timeout=left, header=[f"X-XSRFToken: {xsrf or ''}"])
            m = msg(session_id, "kernel_info_request", {})
            ws.send(json.dumps(m))
            deadline = time.monotonic() + max(1.0, min(wait, give_up - time.monotonic()))
            while True:
                r = recv(ws, deadline, alive)
                if r["msg_type"] == "kernel_info_reply" and r["parent_header"].get("msg_id") == m["header"]["msg_id"]:
                    return ws
        except (websocket.WebSocketException, OSError, TimeoutError) as e:
            gone = alive()
            if gone:
                raise KernelGone(gone) from e
            if attempt == attempts - 1 or time.monotonic() >= give_up:
                raise RuntimeError(f"no kernel_info reply after {attempt + 1} connection(s) in {total} s, the last: "
                                   f"{type(e).__name__}: {e}") from e
            out["reconnects"] += 1
            time.sleep(2 ** attempt)


def student(base, name, password, kernel, cells, pace, start, out):
    """One student's session; fills out with the timings, or with the failed step and its error."""
    s = requests.Session()
    step = "hub: login page"
    try:
        start.wait()
        t0 = time.monotonic()
        out["t0"] = t0
        r = s.get(f"{base}/hub/login", timeout=120)
        r.raise_for_status()
        step = "hub: log in (PAM)"
        form = {"username": name, "password": password}
        if path_cookie(s, "_xsrf", "/hub/"):
            form["_xsrf"] = path_cookie(s, "_xsrf", "/hub/")
        r = s.post(f"{base}/hub/login?next=", data=form, allow_redirects=False, timeout=300)
        if r.status_code != 302:
            text = re.sub(r"<[^>]+>|\s+", " ", r.text)
            raise RuntimeError(f"HTTP {r.status_code}, no session ({text[:200]})")
        step = "hub: spawn request"
        r = s.get(f"{base}/hub/spawn", allow_redirects=False, timeout=300)
        if r.status_code not in (302, 303):
            raise RuntimeError(f"HTTP {r.status_code}")
        step = "spawner: server start"
        if f"/user/{name}/" not in r.headers.get("Location", ""):
            pending = f"{base}/hub/spawn-pending/{name}"
            ready = None
            with s.get(f"{base}/hub/api/users/{name}/server/progress", headers={"Referer": pending},
                       stream=True, timeout=400) as ev:
                ev.raise_for_status()
                for line in ev.iter_lines(decode_unicode=True):
                    if line and line.startswith("data:"):
                        event = json.loads(line[5:])
                        if event.get("failed"):
                            raise RuntimeError(event.get("message", "failed"))
                        if event.get("ready"):
                            ready = event
                            break
            if ready is None:
                raise RuntimeError("the progress stream ended without ready")
        out["server ready"] = time.monotonic() - t0
        step = "server: open it (OAuth with the hub)"
        home = f"/user/{name}/"
        r = s.get(base + home, timeout=300)
        if r.status_code >= 400 or not r.url.startswith(base + home):
            raise RuntimeError(f"HTTP {r.status_code} at {r.url}")
        xsrf = path_cookie(s, "_xsrf", home)
        step = "server: start a kernel (REST)"
        t_post = time.monotonic()
        r = s.post(f"{base}{home}api/kernels", json={"name": kernel}, headers={"X-XSRFToken": xsrf or ""},
                   timeout=300)
        if r.status_code != 201:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
        out["kernel id"] = kid = r.json()["id"]
        step = "kernel: websocket and kernel_info"
        session_id = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}{home}api/kernels/{kid}/channels?session_id={session_id}"

        def alive():
            """None while the server has the kernel; else why not (a dead kernel is removed from its map)."""
            try:
                k = s.get(f"{base}{home}api/kernels/{kid}", headers={"X-XSRFToken": xsrf or ""}, timeout=30)
            except requests.RequestException:
                return None  # the server is busy: keep waiting for the kernel
            if k.status_code == 404:
                return "the kernel died: its server no longer has it (see the server log below)"
            return None

        ws = connect_kernel(url, cookie_header(s, home), xsrf, session_id, out, alive)
        try:
            lat = []
            for i in range(cells):
                step = "kernel: first cell" if i == 0 else f"kernel: cell {i + 1}"
                code = f"{i + 1} * 2 + 1"
                t = time.monotonic()
                got = run_cell(ws, session_id, code, 300 if i == 0 else 120, alive)
                dt = (time.monotonic() - t) * 1000
                if got != str((i + 1) * 2 + 1):
                    raise RuntimeError(f"{code} gave {got!r}")
                if i == 0:
                    out["first cell round trip"] = dt
                    out["kernel start to first result"] = time.monotonic() - t_post
                    out["first cell at"] = time.monotonic() - t0
                else:
                    lat.append(dt)
                if pace and i < cells - 1:
                    time.sleep(pace)
            out["latencies"] = lat
        finally:
            ws.close()
        out["ok"] = True
    except Exception as e:  # noqa: BLE001 (every failure is the student's result, reported with its step)
        out["failed"] = (step, f"{type(e).__name__}: {e}")


# ---------------------------------------------------------------- one run: one kernel, one pace, a fresh hub
def one_run(room, kernel, pace_key, cells):
    pace_label, pace = PACES[pace_key]
    say(f"{room.n} students, {LABELS[kernel]}, {pace_label}: starting the hub")
    room.start_hub(f"{kernel}-{pace_key}")
    start = threading.Event()
    results = {name: {} for name, _, _ in room.users}
    threads = [threading.Thread(target=student, args=(room.base, name, pw, kernel, cells, pace, start, results[name]),
                                daemon=True) for name, pw, _ in room.users]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    start.set()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    served = [n for n, r in results.items() if r.get("ok")]
    uid = {n: u for n, _, u in room.users}
    # memory of each served student's kernel, idle after its cells, before the servers stop
    mem, server_mem, cpu, limited = [], [], [], 0
    want = parse_bytes(room.mem)
    for n in served:
        kid = results[n]["kernel id"]
        for pid, (_, cmd) in procs_of({uid[n]}).items():
            try:
                if kid in cmd:
                    mem.append(memory_mb(pid))
                    cpu.append(cpu_seconds(pid))
                    limited += limits_of(pid) == (want, want)
                elif "jupyterhub-singleuser" in cmd:
                    server_mem.append(memory_mb(pid))
            except OSError:
                pass
    ooms = {n: room.oom_kills(n) for n in results}
    failures = [(n, *results[n]["failed"], room.server_log(n)
                 + (f"(the OOM killer ended {ooms[n]} process(es) in this student's cgroup)\n" if ooms[n] else ""))
                for n in results if not results[n].get("ok")]
    lessons_ok = all(os.path.isdir(os.path.join(pwd.getpwnam(n).pw_dir, "notebooks")) for n in served)
    nodelay = sum(room.nodelay(n) for n in served)
    say(f"{len(served)}/{room.n} served in {wall:.0f} s; the hub stops the servers")
    stopped = room.stop_servers()
    say("servers stopped; stopping the hub")
    room.stop_hub()
    lat = [x for n in served for x in results[n]["latencies"]]
    first_at = [results[n]["first cell at"] for n in served]
    first_rt = [results[n]["first cell round trip"] for n in served]
    kernel_first = [results[n]["kernel start to first result"] for n in served]
    return {"kernel": kernel, "label": LABELS[kernel], "pace": pace_label, "students": room.n, "served": len(served),
            "first cell, last student (s)": max(first_at) if first_at else None,
            "first cell round trip median (s)": statistics.median(first_rt) / 1000 if first_rt else None,
            "kernel start to first result median (s)": statistics.median(kernel_first) if kernel_first else None,
            "websocket reconnects": sum(r.get("reconnects", 0) for r in results.values()),
            "cells 2-N ms": {"p50": pct(lat, 50), "p90": pct(lat, 90), "p99": pct(lat, 99), "max": max(lat)}
            if lat else None,
            "memory per kernel MB": {"rss": statistics.median(m[0] for m in mem),
                                     "pss": statistics.median(m[1] for m in mem), "measured": len(mem)}
            if mem else None,
            "memory per server MB": {"rss": statistics.median(m[0] for m in server_mem),
                                     "pss": statistics.median(m[1] for m in server_mem)} if server_mem else None,
            "kernel CPU seconds (start-up and cells)": statistics.median(cpu) if cpu else None,
            "OOM kills": sum(ooms.values()), "lessons copied": lessons_ok, "servers with TCP_NODELAY": nodelay, "kernels under the memory limit (cgroup and MEM_LIMIT)": limited,
            **stopped,
            "failures": [{"student": n, "step": st, "error": e, "server log": lg} for n, st, e, lg in failures]}


def parse_bytes(spec):
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    return int(float(spec[:-1]) * units[spec[-1].upper()]) if spec[-1].upper() in units else int(spec)


def fmt_row(r):
    f = lambda x, d=1: "–" if x is None else f"{x:,.{d}f}"  # noqa: E731
    c = r["cells 2-N ms"] or {}
    m = r["memory per kernel MB"]
    return (f"| {r['students']} | {r['pace']} | {r['label']} | {r['served']}/{r['students']} "
            f"| {f(r['first cell, last student (s)'])} s | {f(r['kernel start to first result median (s)'])} s "
            f"| {f(c.get('p50'), 0)} / {f(c.get('p90'), 0)} / {f(c.get('p99'), 0)} / {f(c.get('max'), 0)} ms "
            f"| {f(m['rss'], 0) if m else '–'} / {f(m['pss'], 0) if m else '–'} MB "
            f"| {r['kernels left'] + r['processes killed by the cgroup sweep']} |")


def main(argv):
    ap = argparse.ArgumentParser(prog="./lab bench classroom", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=30, help="students (default 30)")
    ap.add_argument("--pace", choices=["both", "fast", "slow"], default="both")
    ap.add_argument("--kernels", default="conclab,python3", help="kernelspec names, in order (default conclab,python3)")
    ap.add_argument("--cells", type=int, default=20)
    ap.add_argument("--mem", default="512M", help="memory limit of each student's server (default 512M)")
    ap.add_argument("--cpu", type=float, default=1.0, help="CPU limit of each student's server in cores (default 1)")
    ap.add_argument("--json", help="also write the results to this file")
    a = ap.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("./lab bench classroom makes Unix users and cgroups: run it as root")
    if a.n < 1 or a.cells < 2:
        sys.exit("N must be at least 1 and --cells at least 2")

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    sweep_stale()
    load_before = os.getloadavg()
    room = Classroom(a.n, a.mem, a.cpu)
    rows = []
    try:
        room.install_kernel()
        room.make_users()
        say(f"kernelspec installed, {a.n} users made")
        paces = ["fast", "slow"] if a.pace == "both" else [a.pace]
        for pace in paces:
            for kernel in a.kernels.split(","):
                rows.append(one_run(room, kernel, pace, a.cells))
                say("row: " + fmt_row(rows[-1]))
    except KeyboardInterrupt:
        say("interrupted: cleaning up")
        raise SystemExit(130)
    finally:
        room.cleanup()
        left = [p.pw_name for p in pwd.getpwall() if p.pw_gecos == f"{MARK} {room.pid}"]
        say("cleaned up: users, processes, cgroups and files removed" if not left and not os.path.exists(room.dir)
            else f"clean-up incomplete: users {left}, directory {room.dir}")
    try:
        import ipykernel
        ipk = f"ipykernel {ipykernel.__version__}"
    except ImportError:
        ipk = "ipykernel"
    load = os.getloadavg()
    print(f"\nA class on one server: Debian's JupyterHub 3.0, PAM users, one cgroup per student ({a.mem}, "
          f"{a.cpu:g} core), {os.cpu_count()} cores, load average before the run {load_before[0]:.2f}\n")
    print(f"| students | pace | kernel | served | first cell, last student | kernel start → first result (median) "
          f"| cells 2–{a.cells} p50 / p90 / p99 / max | memory per kernel RSS / PSS | kernels left after the "
          f"hub stopped the servers |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(fmt_row(r).replace("| ipykernel |", f"| {ipk} |"))
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for r in rows:
        sm, kc = r["memory per server MB"], r["kernel CPU seconds (start-up and cells)"]
        if sm and kc is not None:
            print(f"{r['label']}, {r['pace']}: per student, the single-user server {sm['rss']:.0f} / {sm['pss']:.0f} MB "
                  f"RSS / PSS; the kernel's CPU time for its start-up and {a.cells} cells: {kc:.2f} s (median)")
        if r["websocket reconnects"]:
            print(f"{r['label']}, {r['pace']}: {r['websocket reconnects']} websocket reconnection(s): the server closed "
                  f"a socket while waiting for its kernel, the student reconnected as JupyterLab does")
        print(f"{r['label']}, {r['pace']}: {r['kernels under the memory limit (cgroup and MEM_LIMIT)']} of "
              f"{r['served']} kernels ran in their student's cgroup limited to {a.mem} with MEM_LIMIT set; "
              f"lessons copied into every served student's home: {'yes' if r['lessons copied'] else 'NO'}")
        print(f"{r['label']}, {r['pace']}: {r['servers with TCP_NODELAY']} of {r['served']} servers set TCP_NODELAY on "
              f"kernel websockets (conclab_server)")
        if r["servers not stopped"] or r["servers left"]:
            print(f"{r['label']}, {r['pace']}: {r['servers not stopped']} server(s) the hub did not stop, "
                  f"{r['servers left']} server process(es) left")
        if r["processes killed by the cgroup sweep"]:
            print(f"{r['label']}, {r['pace']}: {r['processes killed by the cgroup sweep']} process(es) outlived "
                  f"their server and were killed by the spawner's cgroup sweep")
            for line in r["outlived"]:
                print("  " + line[:400])
        if r["OOM kills"]:
            print(f"{r['label']}, {r['pace']}: the OOM killer ended {r['OOM kills']} process(es) in the students' "
                  f"cgroups ({a.mem} each)")
        for f in r["failures"]:
            print(f"\nnot served: {f['student']} ({r['label']}, {r['pace']}) at step '{f['step']}': {f['error']}")
            print("  server log (last lines):\n    " + f["server log"].rstrip().replace("\n", "\n    "))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "run pid": room.pid, "directory": room.dir, "users left": left,
                       "directory left": os.path.exists(room.dir),
                       "load before": load_before, "load after": load}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
