# JupyterHub configuration of Concurrency Lab's classroom: `./lab hub` and `./lab bench classroom` run the
# hub with this file (jupyterhub -f hub/jupyterhub_config.py). Debian's JupyterHub 3.0, its
# configurable-http-proxy, one Unix user and one single-user server (Debian's jupyter_server) per student.
#
# Settings come from the environment (./lab hub sets them; every one has a default):
#   CONCLAB_HUB_IP, CONCLAB_HUB_PORT   where the proxy listens (default 0.0.0.0:8000)
#   CONCLAB_HUB_STATE                  the hub's database, cookie secret and proxy pid file (default: cwd)
#   CONCLAB_HUB_AUTH                   pam (default: the machine's Unix accounts and passwords) or dummy
#                                      (any user name in CONCLAB_HUB_USERS with CONCLAB_HUB_PASSWORD: a trial)
#   CONCLAB_HUB_GROUP                  with pam, only members of this Unix group may log in (e.g. students)
#   CONCLAB_HUB_USERS, CONCLAB_HUB_ADMINS   comma-separated user names allowed / made admins
#   CONCLAB_HUB_MEM, CONCLAB_HUB_CPU   per-student limits of the whole server and its kernels (512M, 1 core),
#                                      enforced by a cgroup per student (see ConclabSpawner); MEM_LIMIT and
#                                      CPU_LIMIT are passed to the server and its kernels too
#   CONCLAB_HUB_LESSONS                a directory copied into each student's home as ~/notebooks on first login
#   CONCLAB_HUB_JUPYTER_PATH           JUPYTER_PATH of the servers (where the kernelspec is, if not system-wide)
#   CONCLAB_HUB_SERVER_ARGS            extra arguments of every single-user server, shell-quoted
#   CONCLAB_HUB_NODELAY=0              servers without the conclab_server extension (TCP_NODELAY on kernel websockets)
#   CONCLAB_HUB_SERVER_PYTHON          where the servers load conclab_server from (default /usr/local/lib/conclab/python)
#   CONCLAB_HUB_LOG_DIR                one log file per student's server (default: the hub's own output)
#   CONCLAB_HUB_SERVICE_TOKEN          an API token with admin rights on users and servers (the benchmark's)
#   CONCLAB_HUB_CGROUP                 the name of the cgroup holding the students' (default conclab-hub)
#   CONCLAB_HUB_REQUIRE_LIMITS=1       refuse to start a server whose limits cannot be enforced
import asyncio
import os
import shlex
import shutil
import signal
import subprocess
import time

from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

env = os.environ.get
STATE = os.path.abspath(env("CONCLAB_HUB_STATE", "."))
os.makedirs(STATE, exist_ok=True)

# The single-user server: Debian's jupyter_server (the REST API and websockets JupyterLab and Notebook use),
# with the classic Notebook UI (nbclassic) when installed. Extra arguments (a server extension, e.g.
# --ServerApp.jpserver_extensions='{"my_ext": True}' with PYTHONPATH exported) go in SERVER_ARGS.
SERVER_ARGS = shlex.split(env("CONCLAB_HUB_SERVER_ARGS", ""))

c.JupyterHub.bind_url = f"http://{env('CONCLAB_HUB_IP', '0.0.0.0')}:{env('CONCLAB_HUB_PORT', '8000')}"
c.JupyterHub.hub_ip = "127.0.0.1"
if env("CONCLAB_HUB_HUB_PORT"):
    c.JupyterHub.hub_port = int(env("CONCLAB_HUB_HUB_PORT"))
if env("CONCLAB_HUB_PROXY_API_PORT"):
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('CONCLAB_HUB_PROXY_API_PORT')}"
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True
# Debian's configurable-http-proxy finds its modules in /usr/share/nodejs, on Debian's own node's search
# path but not on a Node.js from elsewhere (NodeSource's, on this machine): name it.
if os.path.isdir("/usr/share/nodejs") and "NODE_PATH" not in os.environ:
    os.environ["NODE_PATH"] = "/usr/share/nodejs"

c.JupyterHub.cleanup_proxy = True

# ---------------------------------------------------------------- who may log in
auth = env("CONCLAB_HUB_AUTH", "pam")
users = {u for u in env("CONCLAB_HUB_USERS", "").split(",") if u}
admins = {u for u in env("CONCLAB_HUB_ADMINS", "").split(",") if u}
if auth == "pam":
    # Each student is a Unix account of this machine (useradd; the password is theirs). For a class,
    # put them in one group and name it in CONCLAB_HUB_GROUP. With an identity provider instead (GitHub,
    # Google, a university's OpenID Connect), use an OAuthenticator and LocalAuthenticator.create_system_users.
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
    if env("CONCLAB_HUB_GROUP"):
        c.PAMAuthenticator.allowed_groups = {env("CONCLAB_HUB_GROUP")}
elif auth == "dummy":
    # A trial on one's own machine only: anyone in CONCLAB_HUB_USERS logs in with the shared password.
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    c.DummyAuthenticator.password = env("CONCLAB_HUB_PASSWORD") or None
else:
    raise ValueError(f"CONCLAB_HUB_AUTH={auth!r}: expected pam or dummy")
if users:
    c.Authenticator.allowed_users = users
if admins:
    c.Authenticator.admin_users = admins

if env("CONCLAB_HUB_SERVICE_TOKEN"):
    c.JupyterHub.services = [{"name": "conclab-admin", "api_token": env("CONCLAB_HUB_SERVICE_TOKEN")}]
    c.JupyterHub.load_roles = [{"name": "conclab-admin", "services": ["conclab-admin"],
                                "scopes": ["admin:users", "admin:servers", "list:users", "read:users"]}]


# ---------------------------------------------------------------- one server per student, in its own cgroup
def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def _procs(d):
    try:
        with open(os.path.join(d, "cgroup.procs")) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]
    except OSError:
        return "?"


class ConclabSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose servers each live in a cgroup of their own, with the memory and CPU limits
    (mem_limit, cpu_limit) enforced by the kernel: JupyterHub only passes MEM_LIMIT/CPU_LIMIT on, and the
    local spawners enforce nothing. The server's kernels are its children and so inherit the cgroup.

    cgroup v1 (memory and cpu hierarchies, as on this machine) and v2 (the unified hierarchy, as under
    systemd) are both written directly through /sys/fs/cgroup. The student's lessons are copied into the
    home on the first login. When the server stops, what outlived it in the cgroup is named in the log
    and killed: a student's kernels never outlive the student's server."""

    #: port -> user, for every server of this hub that was given a port and has not stopped since
    _ports = {}

    def _distinct_port(self):
        """A free port as JupyterHub chooses one (bind port 0, read it, close it), but never one this hub has
        given another student's server that is still running. JupyterHub 3.0 gives each server such a port and
        forgets it; with 30 students starting at once two servers were given the same port, and the later one
        died with "the Jupyter server could not be started because port P is not available"."""
        others = {p for p, who in ConclabSpawner._ports.items() if who != self.user.name}
        port = random_port()
        for _ in range(50):
            if port not in others:
                break
            port = random_port()
        ConclabSpawner._ports[port] = self.user.name
        return port

    def _release_port(self):
        for p in [p for p, who in ConclabSpawner._ports.items() if who == self.user.name]:
            del ConclabSpawner._ports[p]

    def _cgroup_dirs(self):
        root = env("CONCLAB_HUB_CGROUP", "conclab-hub")
        if os.path.isfile("/sys/fs/cgroup/cgroup.controllers"):
            return 2, [f"/sys/fs/cgroup/{root}/{self.user.name}"]
        if os.path.isdir("/sys/fs/cgroup/memory") and os.path.isdir("/sys/fs/cgroup/cpu"):
            return 1, [f"/sys/fs/cgroup/memory/{root}/{self.user.name}",
                       f"/sys/fs/cgroup/cpu/{root}/{self.user.name}"]
        return 0, []

    def _limit(self, pid):
        version, dirs = self._cgroup_dirs()
        if version == 0:
            raise OSError("no cgroup file system at /sys/fs/cgroup")
        mem = self.mem_limit
        quota = int(self.cpu_limit * 100_000) if self.cpu_limit else -1
        if version == 2:
            parent = os.path.dirname(dirs[0])
            os.makedirs(dirs[0], exist_ok=True)
            _write("/sys/fs/cgroup/cgroup.subtree_control", "+memory +cpu")
            _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +cpu")
            _write(os.path.join(dirs[0], "memory.max"), mem or "max")
            _write(os.path.join(dirs[0], "cpu.max"), f"{quota if quota > 0 else 'max'} 100000")
        else:
            memdir, cpudir = dirs
            os.makedirs(memdir, exist_ok=True)
            os.makedirs(cpudir, exist_ok=True)
            _write(os.path.join(memdir, "memory.limit_in_bytes"), mem or -1)
            if os.path.exists(os.path.join(memdir, "memory.memsw.limit_in_bytes")):
                _write(os.path.join(memdir, "memory.memsw.limit_in_bytes"), mem or -1)  # no swapping past it
            _write(os.path.join(cpudir, "cpu.cfs_period_us"), 100_000)
            _write(os.path.join(cpudir, "cpu.cfs_quota_us"), quota)
        for d in dirs:
            _write(os.path.join(d, "cgroup.procs"), pid)
        self.log.info("conclab-hub: %s's server %d in cgroup %s (memory %s, CPU %s)", self.user.name, pid,
                      " ".join(dirs), f"{mem // 2**20} MB" if mem else "unlimited",
                      f"{self.cpu_limit:g} core(s)" if self.cpu_limit else "unlimited")

    def _copy_lessons(self):
        lessons = env("CONCLAB_HUB_LESSONS")
        if not lessons or not os.path.isdir(lessons):
            return
        import pwd
        pw = pwd.getpwnam(self.user.name)
        dest = os.path.join(pw.pw_dir, "notebooks")
        if os.path.exists(dest):
            return  # not the first login: the student's own copy stays as it is
        shutil.copytree(lessons, dest)
        for d, _, files in os.walk(dest):
            os.chown(d, pw.pw_uid, pw.pw_gid)
            for f in files:
                os.chown(os.path.join(d, f), pw.pw_uid, pw.pw_gid)
        self.log.info("conclab-hub: copied the lessons into %s", dest)

    async def start(self):
        self._copy_lessons()
        if "port" not in self.config.Spawner:  # JupyterHub's random port, unless the operator fixed one
            self._release_port()
            self.port = self._distinct_port()
        log = None
        if env("CONCLAB_HUB_LOG_DIR"):
            log = open(os.path.join(env("CONCLAB_HUB_LOG_DIR"), f"{self.user.name}.log"), "ab")
            self.popen_kwargs = {"stdout": log, "stderr": subprocess.STDOUT}
        try:
            address = await super().start()
        finally:
            if log:
                log.close()
        try:
            self._limit(self.pid)
        except OSError as e:
            msg = f"conclab-hub: limits NOT enforced for {self.user.name}: {e}"
            if env("CONCLAB_HUB_REQUIRE_LIMITS") == "1":
                os.kill(self.pid, signal.SIGKILL)
                raise RuntimeError(msg) from e
            self.log.warning(msg)
        return address

    async def stop(self, now=False):
        await super().stop(now=now)
        self._release_port()
        _, dirs = self._cgroup_dirs()
        deadline = time.monotonic() + 5  # the server's own shutdown ends its kernels; give them that long
        while any(_procs(d) for d in dirs) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for d in dirs:
            left = _procs(d)
            if left:
                self.log.warning("conclab-hub: %s: %d process(es) outlived the server, killed: %s", self.user.name,
                                 len(left), "; ".join(f"{p} {_cmdline(p)}" for p in left))
                for p in left:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                for _ in range(50):
                    if not _procs(d):
                        break
                    await asyncio.sleep(0.1)
            try:
                os.rmdir(d)
            except OSError:
                pass


c.JupyterHub.spawner_class = ConclabSpawner
c.Spawner.mem_limit = env("CONCLAB_HUB_MEM", "512M")
c.Spawner.cpu_limit = float(env("CONCLAB_HUB_CPU", "1"))
# A kernel starting while a whole class logs in answers its first kernel_info late (JVMs and ipykernels alike
# took 60–150 s at 30 students on 2 cores): the server's default 60 s wait closed the websocket under the
# student, and in one such run (ipykernel) the reconnected websockets then got no answer for minutes.
SERVER_ARGS = ["--MappingKernelManager.kernel_info_timeout=300"] + SERVER_ARGS
c.Spawner.args = SERVER_ARGS
if env("CONCLAB_HUB_NODELAY", "1") != "0":
    # conclab_server (src/main/python): TCP_NODELAY on every kernel websocket, as `./lab start` has it; Debian's
    # jupyter_server 1.23 leaves Nagle's algorithm on, ~40 ms per cell whatever the kernel. The servers run as
    # the students, so they load it from a copy each of them can read, refreshed at every start of the hub.
    _source = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "main", "python")
    _target = env("CONCLAB_HUB_SERVER_PYTHON", "/usr/local/lib/conclab/python")
    try:
        _dest = os.path.join(_target, "conclab_server")
        shutil.rmtree(_dest, ignore_errors=True)
        shutil.copytree(os.path.join(_source, "conclab_server"), _dest,
                        ignore=shutil.ignore_patterns("__pycache__"))
        for _dir, _dirs, _files in os.walk(_target):
            os.chmod(_dir, 0o755)
            for _f in _files:
                os.chmod(os.path.join(_dir, _f), 0o644)
        c.Spawner.args = SERVER_ARGS + ["--ServerApp.jpserver_extensions", "conclab_server=True"]
        SERVER_PYTHONPATH = _target
    except OSError as _e:
        print(f"conclab-hub: the servers run without conclab_server (TCP_NODELAY): cannot copy it to {_target}: {_e}")
        SERVER_PYTHONPATH = None
else:
    SERVER_PYTHONPATH = None
c.Spawner.environment = {"JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp"}
if env("CONCLAB_HUB_JUPYTER_PATH"):
    c.Spawner.environment["JUPYTER_PATH"] = env("CONCLAB_HUB_JUPYTER_PATH")
if SERVER_PYTHONPATH:
    # before the hub's own PYTHONPATH (which JupyterHub passes on by itself, e.g. a kernel provisioner's directory)
    c.Spawner.environment["PYTHONPATH"] = os.pathsep.join([SERVER_PYTHONPATH] + [p for p in [env("PYTHONPATH")] if p])
c.Spawner.notebook_dir = "~"
try:
    import nbclassic  # noqa: F401 (the Notebook UI, a jupyter_server extension)
    c.Spawner.default_url = "/tree/notebooks" if env("CONCLAB_HUB_LESSONS") else "/tree"
except ImportError:
    pass
# A server starts in 1–2 s alone, and in tens of seconds when a whole class logs in at once on 2 cores.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
