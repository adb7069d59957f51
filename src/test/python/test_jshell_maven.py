"""`./lab jshell`: maven("g:a:v") resolves as %maven does and adds the jars to JShell's class path, so the next
snippet compiles against them. The artifacts (greet -> words) are put in a temporary local repository
(CONCLAB_M2_REPO) and resolved offline; the launcher is run as a user runs it, its snippets on stdin.
"""
import os
import subprocess

from test_maven import G, compile_jars, java, pom, put

ROOT = os.environ.get("CONCLAB_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..", "..")


def test_maven_helper_in_plain_jshell(tmp_path):
    local = tmp_path / "local"
    jars = compile_jars(tmp_path / "build", {
        "words-1.0": java("lab.words", "Words", 'public static String word() { return "from jshell"; }'),
        "greet-1.0": java("lab.greet", "Greeter", 'public static String hello() { return "hello " + lab.words.Words.word(); }'),
    })
    for name, deps in [("words", []), ("greet", [(G, "words", "1.0", "")])]:
        put(local, name, "1.0", f"{name}-1.0.pom", pom(name, "1.0", deps).encode())
        put(local, name, "1.0", f"{name}-1.0.jar", jars[f"{name}-1.0"])
    snippets = "\n".join([
        f'var jars = maven("--offline", "{G}:greet:1.0");',
        'System.out.println("JARS " + jars.size());',
        'System.out.println("SAYS " + lab.greet.Greeter.hello());',
        f'try {{ maven("--offline", "{G}:nothing:1.0"); }} catch (RuntimeException e) {{ System.out.println("FAILED " + e.getMessage()); }}',
        "/exit", ""])
    env = dict(os.environ, CONCLAB_M2_REPO=str(local))
    done = subprocess.run([os.path.join(ROOT, "lab"), "jshell", "-q"], input=snippets, capture_output=True, text=True,
                          timeout=600, env=env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "added 2 jars to the class path" in out, out[-3000:]
    assert "JARS 2" in out, out[-3000:]
    assert "SAYS hello from jshell" in out, out[-3000:]
    assert f"FAILED OfflineError: {G}:nothing:1.0 is not in the local repository {local}" in out, out[-3000:]
