"""IJava's magics examples, run unchanged through jupyter_client.

The examples are those of IJava's documentation of its magics (github.com/SpencerPark/IJava, docs/magics.md):
a cell of three line magics, the last one as an expression (`List<String> addedJars = %jars ...`), and a
`%%loadFromPOM` cell of a `<repository>` and a `<dependency>`; then the same through `lineMagic(...)` and
`cellMagic(...)`, the functions IJava's magics desugar to.

The artifact they name (io.github.spencerpark:jupyter-jvm-basekernel:2.0.0-SNAPSHOT, a timestamped snapshot) is
written by this test into a file repository; the kernel's Maven settings (`~/.m2/settings.xml`, with `user.home`
set for the kernel's JVM) mirror every repository to it, so the repository URL the examples name
(oss.sonatype.org) is served from that directory with no network. `C:/all/my/*.jar` is a relative path on
Linux: the kernel runs in a directory holding `C:/all/my/`.
"""
import hashlib
import os

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL, TIMEOUT, run
from test_maven import compile_jars, java, texts

# IJava docs/magics.md, verbatim
LINE_MAGICS = """%mavenRepo oss-sonatype-snapshots https://oss.sonatype.org/content/repositories/snapshots/
%maven io.github.spencerpark:jupyter-jvm-basekernel:2.0.0-SNAPSHOT
List<String> addedJars = %jars C:/all/my/*.jar"""

CELL_MAGIC = """%%loadFromPOM
<repository>
  <id>oss-sonatype-snapshots</id>
  <url>https://oss.sonatype.org/content/repositories/snapshots/</url>
</repository>

<dependency>
  <groupId>io.github.spencerpark</groupId>
  <artifactId>jupyter-jvm-basekernel</artifactId>
  <version>2.0.0-SNAPSHOT</version>
</dependency>"""

GROUP, ARTIFACT, BASE = "io.github.spencerpark", "jupyter-jvm-basekernel", "2.0.0-SNAPSHOT"
STAMP = "20260101.120000-1"


def checked(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_name(path.name + ".sha1").write_text(hashlib.sha1(data).hexdigest())


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("ijava")
    jars = compile_jars(root / "build", {
        "basekernel": java("io.github.spencerpark.jupyter.probe", "Probe", 'public static String name() { return "basekernel"; }'),
        "mine": java("all.my", "Mine", "public static int answer() { return 42; }"),
    })
    repo = root / "repo"
    d = repo / GROUP.replace(".", "/") / ARTIFACT / BASE
    version = BASE.replace("SNAPSHOT", STAMP)
    checked(d / f"{ARTIFACT}-{version}.jar", jars["basekernel"])
    checked(d / f"{ARTIFACT}-{version}.pom",
            (f"<project><modelVersion>4.0.0</modelVersion><groupId>{GROUP}</groupId><artifactId>{ARTIFACT}</artifactId>"
             f"<version>{BASE}</version></project>").encode())
    ts, build = STAMP.split("-")
    checked(d / "maven-metadata.xml", (
        f"<metadata><groupId>{GROUP}</groupId><artifactId>{ARTIFACT}</artifactId><version>{BASE}</version><versioning>"
        f"<snapshot><timestamp>{ts}</timestamp><buildNumber>{build}</buildNumber></snapshot><lastUpdated>20260101120000</lastUpdated>"
        f"<snapshotVersions><snapshotVersion><extension>jar</extension><value>{version}</value><updated>20260101120000</updated></snapshotVersion>"
        f"<snapshotVersion><extension>pom</extension><value>{version}</value><updated>20260101120000</updated></snapshotVersion>"
        f"</snapshotVersions></versioning></metadata>").encode())
    home = root / "home"
    (home / ".m2").mkdir(parents=True)
    (home / ".m2" / "settings.xml").write_text(
        "<settings><localRepository>" + str(root / "local") + "</localRepository><mirrors><mirror><id>all-here</id>"
        f"<mirrorOf>*</mirrorOf><url>{repo.as_uri()}</url></mirror></mirrors></settings>")
    work = root / "work"
    (work / "C:" / "all" / "my").mkdir(parents=True)
    (work / "C:" / "all" / "my" / "mine-1.0.jar").write_bytes(jars["mine"])
    return root, work, home


def start(setup):
    root, work, home = setup
    env = {k: v for k, v in os.environ.items() if k != "CONCLAB_M2_REPO"}
    env["JAVA_TOOL_OPTIONS"] = f"-Duser.home={home}"
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env, cwd=str(work))
    run(kc, "1")
    return km, kc


@pytest.fixture()
def kernel(setup):
    km, kc = start(setup)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def ok(kc, code):
    reply, msgs = run(kc, code, timeout=180)
    assert reply["content"]["status"] == "ok", (code, reply["content"], texts(msgs))
    return texts(msgs)


def result(kc, code):
    reply, msgs = run(kc, code, timeout=180)
    assert reply["content"]["status"] == "ok", (code, reply["content"], texts(msgs))
    return [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]


def test_the_line_magics_example(kernel, setup):
    root, work, _ = setup
    shown = ok(kernel, LINE_MAGICS)
    assert f"{GROUP}:{ARTIFACT}:{BASE}" in shown, shown
    assert (root / "local" / GROUP.replace(".", "/") / ARTIFACT / BASE).is_dir()   # the settings' local repository
    assert result(kernel, "io.github.spencerpark.jupyter.probe.Probe.name()") == '"basekernel"'
    assert result(kernel, "addedJars") == f'[{work / "C:" / "all" / "my" / "mine-1.0.jar"}]'
    assert result(kernel, "all.my.Mine.answer()") == "42"


def test_the_load_from_pom_example(kernel):
    shown = ok(kernel, CELL_MAGIC)
    assert f"{GROUP}:{ARTIFACT}:{BASE}" in shown and "added 1 jar" in shown, shown
    assert result(kernel, "io.github.spencerpark.jupyter.probe.Probe.name()") == '"basekernel"'


def test_line_magic_and_cell_magic_functions(kernel, setup):
    _, work, _ = setup
    ok(kernel, 'lineMagic("mavenRepo", List.of("oss-sonatype-snapshots", '
               '"https://oss.sonatype.org/content/repositories/snapshots/"));')
    jars = result(kernel, f'List<String> maven = lineMagic("maven", List.of("{GROUP}:{ARTIFACT}:{BASE}")); maven')
    assert f"{ARTIFACT}-{BASE.replace('SNAPSHOT', STAMP)}.jar" in jars or f"{ARTIFACT}-{BASE}.jar" in jars, jars
    assert result(kernel, 'List<String> jars = lineMagic("jars", List.of("C:/all/my/*.jar")); jars') \
        == f'[{work / "C:" / "all" / "my" / "mine-1.0.jar"}]'
    body = CELL_MAGIC.split("\n", 1)[1]
    ok(kernel, "String pom = \"\"\"\n" + body + "\n\"\"\";")
    assert "jupyter-jvm-basekernel" in result(kernel, 'List<String> fromPom = cellMagic("loadFromPOM", List.of(), pom); fromPom')
    assert result(kernel, "io.github.spencerpark.jupyter.probe.Probe.name()") == '"basekernel"'


def test_a_failing_magic_in_code_is_an_exception_with_its_message(kernel):
    reply, msgs = run(kernel, 'int before = 1;\nList<String> none = %maven no.such:thing:1.0\nint after = 2;', timeout=180)
    c = reply["content"]
    assert c["status"] == "error", texts(msgs)
    assert "MagicFailed" in c["ename"] and "no.such:thing:1.0 was not found" in c["evalue"], c
    reply, msgs = run(kernel, 'try { lineMagic("nosuch", List.of()); } catch (RuntimeException e) { System.out.println(e.getMessage()); }')
    assert "UnknownMagic: %nosuch is not a magic" in texts(msgs), texts(msgs)
