"""Libraries in a cell: %maven, %mavenRepo, %jars, %%loadFromPOM, %loadFromPOM, %load.

A file-based Maven repository is written into a temporary directory (jars compiled with the JDK's javac,
POMs, SHA-1 checksums, maven-metadata.xml), the kernel is started with CONCLAB_M2_REPO pointing at a
temporary local repository, and the cells add its artifacts with %mavenRepo and %maven. One test resolves
a small artifact from Maven Central (skipped, saying why, when Maven Central cannot be reached).
"""
import hashlib
import os
import re
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
    that do not exist), shapes 1.0/2.0, app -> (lib -> shapes 1.0) and shapes 2.0, a bad checksum, a BOM,
    testonly and given (a POM of the tests names them in test and provided scope), base (a class and an
    interface for snippets to extend), many -> leaf1..leaf13, and a Gson of the user's."""
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
        "testonly-1.0": java("lab.testonly", "Probe", 'public static String scope() { return "test"; }'),
        "given-1.0": java("lab.given", "Container", 'public static String scope() { return "provided"; }'),
        "base-1.0": {
            "lab/base/Animal.java": "package lab.base; public abstract class Animal { public abstract String sound(); "
                                    'public String speak() { return "says " + sound(); } }',
            "lab/base/Named.java": 'package lab.base; public interface Named { String name(); '
                                   'default String greet() { return "hi " + name(); } }'},
        "gson-2.0-lab": java("com.google.gson", "Gson", 'public static String who() { return "the user\'s Gson"; }'),
    })
    jars = {**one, **two}
    for name, version, deps in [
        ("words", "1.0", []), ("words", "2.0", []), ("shapes", "1.0", []), ("shapes", "2.0", []),
        ("greet", "1.0", [(G, "words", "1.0", ""), (G, "heavy", "1.0", "<optional>true</optional>"),
                          (G, "junitish", "1.0", "<scope>test</scope>")]),
        ("lib", "1.0", [(G, "shapes", "1.0", "")]),
        ("app", "1.0", [(G, "lib", "1.0", ""), (G, "shapes", "2.0", "")]),
        ("broken", "1.0", []), ("testonly", "1.0", []), ("given", "1.0", []), ("base", "1.0", []),
    ]:
        put(repo, name, version, f"{name}-{version}.pom", pom(name, version, deps).encode())
        put(repo, name, version, f"{name}-{version}.jar", jars[f"{name}-{version}"], bad_checksum=name == "broken")
    metadata(repo, "words", ["1.0", "2.0"])
    # a library with thirteen dependencies: its tree is long enough to be shown collapsed
    leaves = [f"leaf{i}" for i in range(1, 14)]
    for name in leaves:
        put(repo, name, "1.0", f"{name}-1.0.pom", pom(name, "1.0").encode())
        put(repo, name, "1.0", f"{name}-1.0.jar", jars["jarsonly"])
    put(repo, "many", "1.0", "many-1.0.pom", pom("many", "1.0", [(G, leaf, "1.0", "") for leaf in leaves]).encode())
    put(repo, "many", "1.0", "many-1.0.jar", jars["jarsonly"])
    # a library the kernel uses itself (relocated in its jar): the user's version is the one the cells see
    gson = "com.google.code.gson"
    put(repo, "gson", "2.0-lab", "gson-2.0-lab.pom", pom("gson", "2.0-lab", group=gson).encode(), group=gson)
    put(repo, "gson", "2.0-lab", "gson-2.0-lab.jar", jars["gson-2.0-lab"], group=gson)
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
    assert "Downloading: " in shown, shown   # the progress line, updated while the files come
    assert re.search(rf"{G}:greet:1\.0 \[\d+(\.\d)? K?B\]", shown), shown   # the tree gives each jar's size
    assert value(mk, "lab.greet.Greeter.hello()") == '"hello one"'
    # the jars are in the temporary local repository
    assert (repo / "local" / "lab" / "test" / "greet" / "1.0" / "greet-1.0.jar").is_file()


def test_same_maven_twice_is_instant_and_says_so(mk):
    ok(mk, f"%maven {G}:greet:1.0")   # (already done by the test above when run in order)
    shown = ok(mk, f"%addMavenDependency {G}:greet:1.0")
    assert "already added in this session, nothing to do (2 jars, resolved earlier)" in shown, shown
    assert "Resolving" not in shown and "Resolved" not in shown, shown   # no resolution ran: nothing to wait for


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
    assert "1 already on the class path" in ok(mk, f"%jars {repo / 'plain' / 'sub'}")   # a directory: its jars
    assert f"added {repo / 'plain' / 'sub' / 'plain-1.jar'}" in ok(mk, f"%classpath {repo / 'plain'}/*/*.jar")   # a glob
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
    ok(mk, f"%addMavenRepo nowhere http://127.0.0.1:{port}/")   # IJava's other name of %mavenRepo
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
        # Without the interrupt the read waits for Maven Resolver's request timeout (30 min by default): a
        # bound far under that, and far over a loaded machine's reply time, says the interrupt ended it.
        assert took < 30.0, took
        assert value(mk, "1 + 1") == "2"   # the next cell runs
    finally:
        ok(mk, "%mavenRepo --remove silent")
        ok(mk, "%mavenRepo central https://repo.maven.apache.org/maven2/")
        server.close()
        for c in held:
            c.close()


def scoped(path):
    """A POM with a compile, a test and a provided dependency."""
    path.write_text(pom("scoped", "1", [(G, "shapes", "2.0", ""), (G, "testonly", "1.0", "<scope>test</scope>"),
                                         (G, "given", "1.0", "<scope>provided</scope>")]))
    return path


def test_load_from_pom_file_takes_scopes(mk, repo, tmp_path):
    p = scoped(tmp_path / "pom.xml")
    shown = ok(mk, f"%loadFromPOM {p}")   # IJava's default: compile, runtime, system, import
    assert re.search(rf"{G}:shapes:2\.0 \[", shown), shown
    assert not (repo / "local" / "lab" / "test" / "testonly" / "1.0" / "testonly-1.0.jar").exists()
    assert not (repo / "local" / "lab" / "test" / "given" / "1.0" / "given-1.0.jar").exists()
    assert fails(mk, "lab.testonly.Probe.scope()")
    shown = ok(mk, f"%loadFromPOM {p} test provided")
    assert "(scopes test, provided)" in shown and "added 2 jars" in shown, shown
    assert f"{G}:testonly:1.0 (test) [" in shown and f"{G}:given:1.0 (provided) [" in shown, shown
    assert re.search(rf"{G}:shapes:2\.0 \[", shown) is None, shown   # compile was not asked for
    assert value(mk, "lab.testonly.Probe.scope() + lab.given.Container.scope()") == '"testprovided"'


def test_load_from_pom_cell_takes_scopes(mk, repo):
    body = (f"<repository><id>labtest</id><url>{(repo / 'repo').as_uri()}</url></repository>\n"
            f"<dependency><groupId>{G}</groupId><artifactId>shapes</artifactId><version>2.0</version></dependency>\n"
            f"<dependency><groupId>{G}</groupId><artifactId>given</artifactId><version>1.0</version><scope>provided</scope></dependency>")
    shown = ok(mk, "%%loadFromPOM\n" + body)
    assert ": 1 artifact," in shown and f"{G}:given:1.0 (provided) [" not in shown, shown
    shown = ok(mk, "%%loadFromPOM provided\n" + body)
    assert ": 1 artifact," in shown and f"{G}:given:1.0 (provided) [" in shown, shown


def test_an_unknown_scope_is_a_usage_error_in_the_session_s_language(mk, tmp_path):
    p = scoped(tmp_path / "pom.xml")
    ename, evalue = fails(mk, f"%loadFromPOM {p} tests")
    assert ename == "UsageError", evalue
    assert "tests is not a Maven scope: the scopes are compile, provided, runtime, test, system, import" in evalue, evalue
    ok(mk, 'language("fr");')
    try:
        ename, evalue = fails(mk, "%%loadFromPOM compiler\n<dependency><groupId>a</groupId><artifactId>b</artifactId></dependency>")
    finally:
        ok(mk, 'language("en");')
    assert ename == "UsageError" and "compiler n’est pas une portée (scope) Maven" in evalue, evalue


def test_offline_from_the_local_repository(mk):
    ok(mk, f"%maven {G}:greet:1.0")
    shown = ok(mk, f"%maven --offline {G}:greet:1.0")
    assert "2 artifacts, all from the local repository" in shown, shown


def test_snippets_extend_and_implement_classes_of_an_added_jar(mk):
    ok(mk, f"%maven {G}:base:1.0")
    ok(mk, 'class Cat extends lab.base.Animal { public String sound() { return "meow"; } }')
    ok(mk, "record Pet(String name) implements lab.base.Named {}")
    assert value(mk, 'new Cat().speak() + ", " + new Pet("Tom").greet()') == '"says meow, hi Tom"'


def test_a_long_tree_is_shown_collapsed(mk):
    reply, msgs = run(mk, f"%maven {G}:many:1.0")
    assert reply["content"]["status"] == "ok", texts(msgs)
    html = [m["content"]["data"]["text/html"] for m in msgs
            if m["msg_type"] == "display_data" and "text/html" in m["content"]["data"]]
    assert len(html) == 1 and html[0].startswith("<details><summary>Dependency tree: 14 artifacts"), html
    assert "leaf13:1.0" in html[0], html[0]


def test_a_library_the_kernel_uses_itself_is_the_user_s_version(mk):
    """The kernel's Gson is relocated in its jar: a user's com.google.gson is the one the cells get, and the
    kernel, which encodes every message with its own, goes on."""
    shown = ok(mk, "%maven com.google.code.gson:gson:2.0-lab")
    assert "added 1 jar" in shown and "notice" not in shown, shown
    assert value(mk, "com.google.gson.Gson.who()") == '"the user\'s Gson"'
    assert value(mk, "java.util.List.of(1, 2)") == "[1, 2]"


def test_exclusions_are_honoured(mk, repo):
    cell = f"""%%loadFromPOM
<repository><id>labtest</id><url>{(repo / 'repo').as_uri()}</url></repository>
<dependency><groupId>{G}</groupId><artifactId>greet</artifactId><version>1.0</version>
  <exclusions><exclusion><groupId>{G}</groupId><artifactId>words</artifactId></exclusion></exclusions></dependency>
"""
    shown = ok(mk, cell)
    assert f"{G}:greet:1.0 [" in shown and f"{G}:words" not in shown and ": 1 artifact," in shown, shown


def test_offline_in_settings_xml(repo, tmp_path):
    """<offline>true</offline> in ~/.m2/settings.xml: what the local repository has is served, nothing else is
    fetched though the repository is there, and the error says why."""
    home = tmp_path / "home"
    (home / ".m2").mkdir(parents=True)
    (home / ".m2" / "settings.xml").write_text("<settings><offline>true</offline></settings>")
    local = tmp_path / "local"
    shutil.copytree(repo / "repo" / "lab" / "test" / "words" / "1.0", local / "lab" / "test" / "words" / "1.0")
    env = dict(os.environ, CONCLAB_M2_REPO=str(local), JAVA_TOOL_OPTIONS=f"-Duser.home={home}")
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env)
    try:
        ok(kc, f"%mavenRepo labtest {(repo / 'repo').as_uri()}")
        assert "all from the local repository" in ok(kc, f"%maven {G}:words:1.0")
        assert value(kc, "lab.words.Words.word()") == '"one"'
        ename, evalue = fails(kc, f"%maven {G}:shapes:1.0")
        assert ename == "OfflineError" and "settings.xml says <offline>true</offline>" in evalue, evalue
        assert not (local / "lab" / "test" / "shapes").exists()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_reset_keeps_the_class_path(mk, repo):
    ok(mk, f"%maven {G}:greet:1.0")
    ok(mk, f"%classpath {repo / 'plain' / 'sub' / 'plain-1.jar'}")
    ok(mk, "int before = 1;")
    shown = ok(mk, "%reset")
    assert "A fresh JShell" in shown and "The class path stays: the " in shown, shown
    assert fails(mk, "before")   # the variables are gone
    assert value(mk, "lab.greet.Greeter.hello()") == '"hello one"'
    assert value(mk, "lab.jarsonly.Plain.answer()") == "42"
    assert "already added" in ok(mk, f"%maven {G}:greet:1.0")


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
