"""Offline in class: `java -jar conclab.jar fetch NOTEBOOK` (what `./lab fetch` runs) resolves a notebook's
%mavenRepo/%maven magics into the local repository, and a kernel started with no network at all (its own
network namespace, `unshare -n`: only a loopback of its own) then loads what was fetched, while an artifact
that was not fetched gets the clear "not in the local repository, could not reach" error.

The remote repository is a directory served over HTTP on 127.0.0.1 by this test: reachable for the fetch,
unreachable from inside the kernel's namespace (whose 127.0.0.1 is another loopback). Needs root (or user
namespaces) for `unshare -n`; skipped, saying why, without it.
"""
import json
import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import KERNEL
from test_maven import G, compile_jars, java, pom, put

JAR = os.environ.get("CONCLAB_JAR") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "target", "conclab.jar")
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A Maven repository over HTTP on 127.0.0.1: greet -> words, and other (never fetched)."""
    root = tmp_path_factory.mktemp("offline")
    repo = root / "repo"
    jars = compile_jars(root / "build", {
        "words-1.0": java("off.words", "Words", 'public static String word() { return "offline"; }'),
        "greet-1.0": java("off.greet", "Greeter", 'public static String hello() { return "hello " + off.words.Words.word(); }'),
        "other-1.0": java("off.other", "Other", "public static int n() { return 7; }"),
        "testonly-1.0": java("off.testonly", "Probe", "public static int n() { return 8; }"),
    })
    for name, deps in [("words", []), ("greet", [(G, "words", "1.0", "")]), ("other", []), ("testonly", [])]:
        put(repo, name, "1.0", f"{name}-1.0.pom", pom(name, "1.0", deps).encode())
        put(repo, name, "1.0", f"{name}-1.0.jar", jars[f"{name}-1.0"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(repo)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def notebook(path, *cells):
    nb = {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": src} for i, src in enumerate(cells)],
          "metadata": {"kernelspec": {"name": KERNEL, "display_name": KERNEL, "language": "java"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


def fetch(local, *notebooks):
    env = dict(os.environ, CONCLAB_M2_REPO=str(local))
    return subprocess.run([JAVA, "-jar", JAR, "fetch", *map(str, notebooks)], env=env, capture_output=True, text=True, timeout=180)


def test_fetch_resolves_the_magics_into_the_local_repository(served, tmp_path):
    root, url = served
    nb = notebook(tmp_path / "lesson.ipynb", "import java.util.*;",
                  f"%mavenRepo served {url}", f"%maven {G}:greet:1.0\n", "1 + 1")
    local = tmp_path / "local"
    first = fetch(local, nb)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"%maven {G}:greet:1.0: 2 artifacts, downloaded" in first.stdout, first.stdout
    assert (local / "lab" / "test" / "words" / "1.0" / "words-1.0.jar").is_file()
    again = fetch(local, nb)
    assert again.returncode == 0 and "all in the local repository" in again.stdout, again.stdout + again.stderr


def test_fetch_names_what_it_could_not_fetch(served, tmp_path):
    _, url = served
    nb = notebook(tmp_path / "broken.ipynb", f"%mavenRepo served {url}", f"%maven {G}:missing:9.9")
    done = fetch(tmp_path / "local", nb)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"%maven {G}:missing:9.9: not fetched:" in done.stderr and "was not found" in done.stderr, done.stderr


def test_fetch_fetches_the_scopes_the_magic_names(served, tmp_path):
    """%%loadFromPOM and %loadFromPOM PATH fetch what the kernel will load: by default compile, runtime, system
    (a test dependency left out); the scopes named after the magic when there are some; an unknown scope is
    named as the kernel names it."""
    _, url = served
    deps = (f"<repository><id>served</id><url>{url}</url></repository>"
            f"<dependency><groupId>{G}</groupId><artifactId>words</artifactId><version>1.0</version></dependency>"
            f"<dependency><groupId>{G}</groupId><artifactId>testonly</artifactId><version>1.0</version><scope>test</scope></dependency>")
    jar = lambda local, name: local / "lab" / "test" / name / "1.0" / f"{name}-1.0.jar"
    local = tmp_path / "default"
    done = fetch(local, notebook(tmp_path / "default.ipynb", "%%loadFromPOM\n" + deps))
    assert done.returncode == 0 and "%%loadFromPOM: 1 artifact, downloaded" in done.stdout, done.stdout + done.stderr
    assert jar(local, "words").is_file() and not jar(local, "testonly").exists()
    local = tmp_path / "test"
    done = fetch(local, notebook(tmp_path / "test.ipynb", "%%loadFromPOM test\n" + deps))
    assert done.returncode == 0 and "%%loadFromPOM: 1 artifact, downloaded" in done.stdout, done.stdout + done.stderr
    assert jar(local, "testonly").is_file() and not jar(local, "words").exists()
    (tmp_path / "pom.xml").write_text(f"<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId>"
                                      f"<version>1</version><repositories>{deps[:deps.index('<dependency>')]}</repositories>"
                                      f"<dependencies>{deps[deps.index('<dependency>'):]}</dependencies></project>")
    local = tmp_path / "file"
    done = fetch(local, notebook(tmp_path / "file.ipynb", "%loadFromPOM pom.xml compile test"))
    assert done.returncode == 0 and "2 artifacts, downloaded" in done.stdout, done.stdout + done.stderr
    assert jar(local, "testonly").is_file() and jar(local, "words").is_file()
    done = fetch(tmp_path / "bad", notebook(tmp_path / "bad.ipynb", "%loadFromPOM pom.xml tests"))
    assert done.returncode == 1 and "%loadFromPOM pom.xml tests: tests is not a Maven scope" in done.stderr, done.stderr


CLIENT = r'''
import fcntl, json, socket, struct, sys
from jupyter_client.manager import start_new_kernel

# a new network namespace has a loopback interface, down: bring it up (SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP)
s = socket.socket()
ifr = struct.pack("16sH14s", b"lo", 0, b"")
flags = struct.unpack("16sH14s", fcntl.ioctl(s, 0x8913, ifr))[1]
fcntl.ioctl(s, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))

kernel, env, cells, probe_port = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
results = {}
try:
    socket.create_connection(("127.0.0.1", probe_port), timeout=2).close()
    results["repository reachable"] = True
except OSError as e:
    results["repository reachable"] = str(e)
km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=120, env=env)
try:
    for code in cells:
        out = []
        def hook(msg):
            c = msg["content"]
            if msg["msg_type"] == "stream":
                out.append(c["text"])
            elif msg["msg_type"] in ("execute_result", "display_data"):
                out.append(c["data"].get("text/plain", ""))
        reply = kc.execute_interactive(code, output_hook=hook, timeout=180)["content"]
        results[code] = {"status": reply["status"], "ename": reply.get("ename"), "evalue": reply.get("evalue"), "out": "".join(out)}
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(results))
'''


def test_a_kernel_without_network_loads_what_was_fetched(served, tmp_path):
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot start a process without network here (unshare -n: {probe.stderr.strip()}); "
                    "run as root or where user namespaces are allowed")
    _, url = served
    local = tmp_path / "local"
    nb = notebook(tmp_path / "lesson.ipynb", f"%mavenRepo served {url}", f"%maven {G}:greet:1.0")
    done = fetch(local, nb)
    assert done.returncode == 0, done.stdout + done.stderr
    script = tmp_path / "client.py"
    script.write_text(CLIENT)
    env = dict(os.environ, CONCLAB_M2_REPO=str(local))
    cells = [f"%mavenRepo served {url}", f"%maven {G}:greet:1.0", "off.greet.Greeter.hello()", f"%maven {G}:other:1.0"]
    port = url.rsplit(":", 1)[1].strip("/")
    run = subprocess.run(["unshare", "-n", sys.executable, str(script), KERNEL, json.dumps(env), json.dumps(cells), port],
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["repository reachable"] is not True, "the kernel's namespace could reach the repository: not offline"
    loaded = got[cells[1]]
    assert loaded["status"] == "ok" and "added 2 jars" in loaded["out"], loaded
    assert got[cells[2]]["out"].strip() == '"hello offline"', got[cells[2]]
    missing = got[cells[3]]
    assert missing["status"] == "error", missing
    assert missing["ename"] == "NetworkError", missing
    assert f"{G}:other:1.0 is not in the local repository {local}" in missing["evalue"], missing
    assert "could not reach" in missing["evalue"] and url in missing["evalue"], missing["evalue"]


LESSON = os.path.join(os.path.dirname(__file__), "..", "..", "..", "notebooks", "06a-running-too-far-ahead.ipynb")


def test_the_lesson_runs_on_without_its_library(tmp_path):
    """06a's JCTools race, with no network and an empty local repository: the %maven cell says what is missing
    and where it looked, and the race runs the JDK's queue alone, saying why the other did not run."""
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot start a process without network here (unshare -n: {probe.stderr.strip()})")
    with open(LESSON, encoding="utf-8") as f:
        cells = {c["id"]: "".join(c["source"]) for c in json.load(f)["cells"]}
    load, race = cells["l06-71"], cells["l06-72"]
    assert load.startswith("%maven org.jctools:jctools-core:"), load
    script = tmp_path / "client.py"
    script.write_text(CLIENT)
    local = tmp_path / "empty-local-repository"
    env = dict(os.environ, CONCLAB_M2_REPO=str(local))
    run = subprocess.run(["unshare", "-n", sys.executable, str(script), KERNEL, json.dumps(env),
                          json.dumps(['language("en");', load, race, "1 + 1"]), "9"],
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    failed = got[load]
    assert failed["status"] == "error" and failed["ename"] == "NetworkError", failed
    assert "org.jctools:jctools-core:4.0.7 is not in the local repository " + str(local) in failed["evalue"], failed
    assert "could not reach central" in failed["evalue"], failed
    raced = got[race]
    assert raced["status"] == "ok", raced
    out = raced["out"]
    assert "ArrayBlockingQueue (JDK, one lock): 1,000,000 items in" in out, out
    assert "SpscAtomicArrayQueue (JCTools, no lock): not run, the queue could not be built" in out, out
    assert "did the %maven above fail?" in out, out
    assert got["1 + 1"]["out"].strip() == "2", got["1 + 1"]


def test_fetch_reads_the_lesson_s_maven_cell(tmp_path):
    """`./lab fetch` (and the pre-fetch of `./lab start` and the notebook tests) finds 06a's %maven, the first line
    of a cell that goes on with an import, and fetches JCTools from Maven Central (skipped when unreachable)."""
    try:
        socket_probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('repo.maven.apache.org', 443), 10).close()"],
                                      capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        socket_probe = None
    if socket_probe is None or socket_probe.returncode != 0:
        pytest.skip("Maven Central cannot be reached from here")
    local = tmp_path / "local"
    done = fetch(local, LESSON)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "%maven org.jctools:jctools-core:4.0.7: 1 artifact, downloaded" in done.stdout, done.stdout
    assert (local / "org" / "jctools" / "jctools-core" / "4.0.7" / "jctools-core-4.0.7.jar").is_file()
