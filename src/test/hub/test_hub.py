"""./lab test hub: a class of three on Debian's JupyterHub through the project's classroom benchmark, and
the container image's install script run on this machine.

The benchmark is run as a program and judged from the outside: every student served, the limits in
force on every kernel, nothing left behind (kernels, servers, users, cgroups, files)."""
import json
import os
import pwd
import subprocess
import sys

import pytest
from jupyter_client.manager import KernelManager

ROOT = os.environ.get("CONCLAB_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
BENCH = os.path.join(ROOT, "src", "bench", "python", "bench_classroom.py")
MARK = "conclab-classroom"


def leftovers(pid):
    """What the benchmark run with this pid made and left: its users, cgroups."""
    users = [p.pw_name for p in pwd.getpwall() if p.pw_gecos == f"{MARK} {pid}"]
    cgroups = [os.path.join(b, f"{MARK}-{pid}") for b in ("/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup")
               if os.path.exists(os.path.join(b, f"{MARK}-{pid}"))]
    return users, cgroups


@pytest.mark.skipif(os.geteuid() != 0, reason="makes Unix users and cgroups: root only")
def test_a_class_of_three_is_served_and_nothing_is_left(tmp_path):
    out = tmp_path / "classroom.json"
    run = subprocess.run([sys.executable, BENCH, "3", "--pace", "fast", "--cells", "5", "--json", str(out)],
                         capture_output=True, text=True, timeout=600)
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr[-3000:]
    res = json.loads(out.read_text())
    assert [r["kernel"] for r in res["rows"]] == ["conclab", "python3"]
    for r in res["rows"]:
        assert r["failures"] == [] and r["served"] == 3, r["failures"]
        assert r["lessons copied"]
        # every student's server loaded conclab_server: no 40 ms Nagle delay on a cell through the websocket
        assert r["servers with TCP_NODELAY"] == 3
        assert r["kernels under the memory limit (cgroup and MEM_LIMIT)"] == 3
        assert r["servers not stopped"] == 0 and r["servers left"] == 0
        # the kernels ended with their servers, not killed afterwards by the spawner's cgroup sweep
        assert r["kernels left"] == 0 and r["processes killed by the cgroup sweep"] == 0
        assert r["cells 2-N ms"]["p50"] > 0 and r["memory per kernel MB"]["measured"] == 3
    assert res["users left"] == [] and not res["directory left"]
    assert leftovers(res["run pid"]) == ([], []) and not os.path.exists(res["directory"])
    assert "| 3 | back to back | Concurrency Lab | 3/3 |" in run.stdout


def test_the_image_install_script_installs_a_kernel_that_answers(tmp_path, monkeypatch):
    prefix = tmp_path / "prefix"
    run = subprocess.run([os.path.join(ROOT, "hub", "install-kernel.sh"), "--prefix", str(prefix)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    spec = prefix / "share" / "jupyter" / "kernels" / "conclab"
    argv = json.loads((spec / "kernel.json").read_text())["argv"]
    assert "{resource_dir}/conclab.jar" in argv and (spec / "conclab.jar").is_file()
    assert (prefix / "share" / "conclab" / "notebooks" / "00-tour.ipynb").is_file()
    # the installed kernelspec, found through JUPYTER_PATH alone, runs a cell
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    outputs = []
    km = KernelManager(kernel_name="conclab")
    assert km.kernel_spec.resource_dir == str(spec)
    km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive("6 * 7", timeout=120, output_hook=lambda m: outputs.append(m))
        assert reply["content"]["status"] == "ok"
        results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        assert results == ["42"]
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)



def test_two_servers_starting_at_once_are_never_given_the_same_port(tmp_path, monkeypatch):
    """JupyterHub 3.0 chooses each server's port by binding port 0 and closing it, and forgets it: two students
    starting at once were given the same port and the later server died. The project's spawner remembers the
    ports it gave to servers still running."""
    from traitlets.config import Config
    monkeypatch.setenv("CONCLAB_HUB_STATE", str(tmp_path))
    config = os.path.join(ROOT, "hub", "jupyterhub_config.py")
    ns = {"get_config": Config, "__file__": config}
    exec(compile(open(config).read(), config, "exec"), ns)
    spawner = ns["ConclabSpawner"]
    chosen = iter([41017, 41017, 41017, 41999, 41017])
    ns["random_port"] = lambda: next(chosen)  # what the OS handed out, twice the same while the first server starts

    class Student:
        def __init__(self, name):
            self.user = type("User", (), {"name": name})()

    a, b = Student("a"), Student("b")
    assert spawner._distinct_port(a) == 41017
    assert spawner._distinct_port(b) == 41999, "b must not be given a's port"
    spawner._release_port(a)  # a's server stopped: its port may be given again
    assert spawner._distinct_port(b) == 41017
