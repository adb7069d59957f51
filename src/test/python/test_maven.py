"""Libraries in a cell: %maven, %mavenRepo, %jars, %%loadFromPOM, %loadFromPOM, %load.

A file-based Maven repository is written into a temporary directory (jars compiled with the JDK's javac,
POMs, SHA-1 checksums, maven-metadata.xml), the kernel is started with CONCLAB_M2_REPO pointing at a
temporary local repository, and the cells add its artifacts with %mavenRepo and %maven. One test resolves
a small artifact from Maven Central (skipped, saying why, when Maven Central cannot be reached).
"""
import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL, TIMEOUT, free_port, run, stdout

G = "lab.test"


def pom(artifact, version, deps=(), packaging="jar", extra="", group=G):
    ds = "".join(
        f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>{more}</dependency>"
        for g, a, v, more in deps)
    return (f"<project><modelVersion>4.0.0</modelVersion><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version><packaging>{packaging}</packaging>{extra}"
            f"<dependencies>{ds}</dependencies></project>")


def put(repo, artifact, version, name, data, bad_checksum=False, group=G):
    d = repo / group.replace(".", "/") / artifact / version
    d.mkdir(parents=True, exist_ok=True)
    f = d / name
    f.write_bytes(data)
    sha1 = hashlib.sha1(b"not the file" if bad_checksum else data).hexdigest()
    (d / (name + ".sha1")).write_text(sha1)


def metadata(repo, artifact, versions):
    d = repo / G.replace(".", "/") / artifact
    vs = "".join(f"<version>{v}</version>" for v in versions)
    data = (f"<metadata><groupId>{G}</groupId><artifactId>{artifact}</artifactId><versioning>"
            f"<latest>{versions[-1]}</latest><release>{versions[-1]}</release><versions>{vs}</versions>"
            f"</versioning></metadata>").encode()
    (d / "maven-metadata.xml").write_bytes(data)
    (d / "maven-metadata.xml.sha1").write_text(hashlib.sha1(data).hexdigest())


def compile_jars(work, sources):
    """sources: {jar name: {relative .java path: text}}; one javac run; returns {jar name: bytes}."""
    src, out = work / "src", work / "classes"
    files = []
    for jar, srcs in sources.items():
        for rel, text in srcs.items():
            p = src / jar / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
            files.append(str(p))
    javac = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "javac"
    subprocess.run([str(javac), "-d", str(out), *files], check=True)
    jars = {}
    for jar, srcs in sources.items():
        path = work / (jar + ".jar")
        with zipfile.ZipFile(path, "w") as z:
            for rel in srcs:
                cls = rel[:-5] + ".class"
                z.write(out / cls, cls)
        jars[jar] = path.read_bytes()
    return jars


def java(pkg, cls, body):
    return {f"{pkg.replace('.', '/')}/{cls}.java": f"package {pkg}; public class {cls} {{ {body} }}"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The file repository: words 1.0/2.0, greet -> words 1.0 (+ an optional and a test dependency
    that do not exist), shapes 1.0/2.0, app -> (lib -> shapes 1.0) and shapes 2.0, a bad checksum, a BOM."""
    root = tmp_path_factory.mktemp("mavenrepo")
    repo = root / "repo"
    # two javac runs: one class per version of words and shapes
    one = compile_jars(root / "one", {
        "words-1.0": java("lab.words", "Words", 'public static String word() { return "one"; }'),
        "shapes-1.0": java("lab.shapes", "Shapes", 'public static String version() { return "1.0"; }'),
        "greet-1.0": java("lab.greet", "Greeter", 'public static String hello() { return "hello " + lab.words.Words.word(); }'),
        "lib-1.0": java("lab.lib", "Lib", "public static String shapes() { return lab.shapes.Shapes.version(); }"),
        "broken-1.0": java("lab.broken", "Broken", ""),
    })
    two = compile_jars(root / "two", {
        "words-2.0": java("lab.words", "Words", 'public static String word() { return "two"; }'),
        "shapes-2.0": java("lab.shapes", "Shapes", 'public static String version() { return "2.0"; }'),
        "app-1.0": java("lab.app", "App", 'public static String run() { return "app"; }'),
        "jarsonly": java("lab.jarsonly", "Plain", 'public static int answer() { return 42; }'),
    })
    jars = {**one, **two}
    for name, version, deps in [
        ("words", "1.0", []), ("words", "2.0", []), ("shapes", "1.0", []), ("shapes", "2.0", []),
        ("greet", "1.0", [(G, "words", "1.0", ""), (G, "heavy", "1.0", "<optional>true</optional>"),
                          (G, "junitish", "1.0", "<scope>test</scope>")]),
        ("lib", "1.0", [(G, "shapes", "1.0", "")]),
        ("app", "1.0", [(G, "lib", "1.0", ""), (G, "shapes", "2.0", "")]),
        ("broken", "1.0", []),
    ]:
        put(repo, name, version, f"{name}-{version}.pom", pom(name, version, deps).encode())
        put(repo, name, version, f"{name}-{version}.jar", jars[f"{name}-{version}"], bad_checksum=name == "broken")
    metadata(repo, "words", ["1.0", "2.0"])
    # another version of a library of the cell API (empty jar): the kernel's must win
    hdr = "org.hdrhistogram"
    put(repo, "HdrHistogram", "0.1", "HdrHistogram-0.1.pom", pom("HdrHistogram", "0.1", group=hdr).encode(), group=hdr)
    put(repo, "HdrHistogram", "0.1", "HdrHistogram-0.1.jar", jars["jarsonly"], group=hdr)
    bom = (f"<project><modelVersion>4.0.0</modelVersion><groupId>{G}</groupId><artifactId>bom</artifactId>"
           f"<version>1.0</version><packaging>pom</packaging><dependencyManagement><dependencies>"
           f"<dependency><groupId>{G}</groupId><artifactId>words</artifactId><version>2.0</version></dependency>"
           f"</dependencies></dependencyManagement></project>")
    put(repo, "bom", "1.0", "bom-1.0.pom", bom.encode())
    parent = (f"<project><modelVersion>4.0.0</modelVersion><groupId>{G}</groupId><artifactId>parent</artifactId>"
              f"<version>1.0</version><packaging>pom</packaging><properties><shapes.version>2.0</shapes.version>"
              f"</properties></project>")
    put(repo, "parent", "1.0", "parent-1.0.pom", parent.encode())
    plain = root / "plain" / "sub"
    plain.mkdir(parents=True)
    (plain / "plain-1.jar").write_bytes(jars["jarsonly"])
    (root / "plain" / "readme.txt").write_text("not a jar")
    return root


_managers = {}


@pytest.fixture(scope="module")
def kernel_manager_of():
    return _managers.__getitem__


@pytest.fixture(scope="module")
def mk(repo):
    """A kernel whose local repository is a fresh temporary directory (CONCLAB_M2_REPO)."""
    env = dict(os.environ, CONCLAB_M2_REPO=str(repo / "local"))
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env)
    _managers[kc] = km
    run(kc, "1")
    ok(kc, f"%mavenRepo labtest {(repo / 'repo').as_uri()}")
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def ok(kc, code):
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", (code, reply["content"], texts(msgs))
    return texts(msgs)


def fails(kc, code):
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "error", (code, texts(msgs))
    return reply["content"]["ename"], reply["content"]["evalue"]


def texts(msgs):
    """Everything the cell showed: streams, displays and their updates, results (text/plain)."""
    out = [stdout(msgs)]
    for m in msgs:
        data = m["content"].get("data")
        if data and "text/plain" in data:
            out.append(data["text/plain"])
    return "\n".join(out)


def value(kc, expr):
    reply, msgs = run(kc, expr)
    assert reply["content"]["status"] == "ok", (expr, texts(msgs))
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    return res[0]["content"]["data"]["text/plain"]


def test_maven_transitive_then_usable_in_next_cell(mk, repo):
    shown = ok(mk, f"%maven {G}:greet:1.0")
    assert f"{G}:greet:1.0" in shown and f"{G}:words:1.0" in shown, shown
    assert "added 2 jars" in shown, shown
    assert "heavy" not in shown and "junitish" not in shown  # optional and test scope left out
    assert value(mk, "lab.greet.Greeter.hello()") == '"hello one"'
    # the jars are in the temporary local repository
    assert (repo / "local" / "lab" / "test" / "greet" / "1.0" / "greet-1.0.jar").is_file()


def test_same_maven_twice_is_instant_and_says_so(mk):
    ok(mk, f"%maven {G}:greet:1.0")   # (already done by the test above when run in order)
    t0 = time.monotonic()
    shown = ok(mk, f"%addMavenDependency {G}:greet:1.0")
    took = time.monotonic() - t0
    assert "already added" in shown, shown
    assert took < 1.0, took


def test_nearest_wins(mk):
    shown = ok(mk, f"%addMavenDependencies {G}:app:1.0")
    assert f"{G}:shapes:2.0" in shown and f"{G}:shapes:1.0 (omitted: 2.0 is nearer and wins)" in shown, shown
    assert "added 3 jars" in shown, shown   # app, lib, shapes 2.0: the loser is shown, not added
    assert value(mk, "lab.lib.Lib.shapes()") == '"2.0"'


def test_missing_version_names_the_closest(mk):
    ename, evalue = fails(mk, f"%maven {G}:words:3.0")
    assert ename == "ArtifactNotFound", evalue
    assert "words:3.0" in evalue and "1.0, 2.0" in evalue and "labtest" in evalue, evalue


def test_unknown_artifact(mk):
    ename, evalue = fails(mk, f"%maven {G}:nothing:1.0")
    assert ename == "ArtifactNotFound", evalue
    assert "No version of" in evalue, evalue


def test_bad_checksum(mk):
    ename, evalue = fails(mk, f"%maven {G}:broken:1.0")
    assert ename == "ChecksumFailure", evalue
    assert "broken:1.0 from file:" in evalue, evalue


def test_offline_and_not_in_local_repository(mk):
    ename, evalue = fails(mk, f"%maven --offline {G}:shapes:1.0")
    assert ename == "OfflineError", evalue
    assert "local repository" in evalue and "local" in evalue, evalue


def test_load_from_pom_cell_with_bom_import(mk, repo):
    cell = f"""%%loadFromPOM
<repository><id>labtest</id><url>{(repo / 'repo').as_uri()}</url></repository>
<dependencyManagement><dependencies>
  <dependency><groupId>{G}</groupId><artifactId>bom</artifactId><version>1.0</version>
    <type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependency><groupId>{G}</groupId><artifactId>words</artifactId></dependency>
"""
    shown = ok(mk, cell)
    assert f"{G}:words:2.0" in shown, shown


def test_load_from_pom_file_with_a_parent_and_properties(mk, repo, tmp_path):
    p = tmp_path / "pom.xml"
    parent = f"<parent><groupId>{G}</groupId><artifactId>parent</artifactId><version>1.0</version></parent>"
    p.write_text(pom("mine", "1", [(G, "shapes", "${shapes.version}", "")], extra=parent))
    shown = ok(mk, f"%loadFromPOM {p}")
    assert f"{G}:shapes:2.0" in shown, shown


def test_jars_glob_and_load(mk, repo, tmp_path):
    shown = ok(mk, f"%jars {repo / 'plain'}/**.jar")
    assert "added 1 jar" in shown, shown
    assert value(mk, "lab.jarsonly.Plain.answer()") == "42"
    assert "already" in ok(mk, f"%jars {repo / 'plain'}/**.jar")
    f = tmp_path / "setup.jsh"
    f.write_text("int loaded = 41 + 1;\nString who() { return \"jsh\"; }\n")
    ok(mk, f"%load {f}")
    assert value(mk, "who() + loaded") == '"jsh42"'


def test_the_cell_api_version_wins_with_a_notice(mk):
    shown = ok(mk, "%maven org.hdrhistogram:HdrHistogram:0.1")
    assert "org.hdrhistogram:HdrHistogram:0.1 not added" in shown and "cell API" in shown, shown
    assert value(mk, "new org.HdrHistogram.Histogram(3).getNumberOfSignificantValueDigits()") == "3"


def test_bad_coordinates_are_a_usage_error(mk):
    assert fails(mk, "%maven nonsense")[0] == "UsageError"


def test_unreachable_repository_and_not_in_local_repository(mk):
    port = free_port()
    ok(mk, f"%mavenRepo nowhere http://127.0.0.1:{port}/")
    try:
        ename, evalue = fails(mk, f"%maven {G}:absent:1.0")
    finally:
        ok(mk, "%mavenRepo --remove nowhere")
    assert ename == "NetworkError", evalue
    assert f"127.0.0.1:{port}" in evalue and "not in the local repository" in evalue, evalue


def test_interrupt_stops_a_hanging_download(kernel_manager_of, mk):
    """A repository that accepts the connection and never answers: the interrupt ends the cell at once."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted, held = threading.Event(), []

    def accept():
        try:
            while True:
                c, _ = server.accept()
                held.append(c)
                accepted.set()
        except OSError:
            pass
    threading.Thread(target=accept, daemon=True).start()
    port = server.getsockname()[1]
    ok(mk, "%mavenRepo --remove central")
    ok(mk, f"%mavenRepo silent http://127.0.0.1:{port}/")
    try:
        msg_id = mk.execute(f"%maven {G}:hangs:1.0")
        assert accepted.wait(TIMEOUT), "the kernel never connected"
        t0 = time.monotonic()
        kernel_manager_of(mk).interrupt_kernel()
        from conftest import shell_reply
        reply = shell_reply(mk, msg_id)
        took = time.monotonic() - t0
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
        assert took < 1.0, took
        assert value(mk, "1 + 1") == "2"   # the next cell runs
    finally:
        ok(mk, "%mavenRepo --remove silent")
        ok(mk, "%mavenRepo central https://repo.maven.apache.org/maven2/")
        server.close()
        for c in held:
            c.close()


def central_reachable():
    try:
        socket.create_connection(("repo.maven.apache.org", 443), timeout=3).close()
        return True
    except OSError:
        return False


def test_real_resolution_from_maven_central(mk):
    if not central_reachable():
        pytest.skip("Maven Central (repo.maven.apache.org:443) cannot be reached from this machine")
    shown = ok(mk, "%maven commons-cli:commons-cli:1.9.0")
    assert "commons-cli:commons-cli:1.9.0" in shown and "downloaded" in shown, shown
    assert value(mk, "org.apache.commons.cli.Options.class.getSimpleName()") == '"Options"'
