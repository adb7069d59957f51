"""language("fr") through jupyter_client: the same session's tables, checks, charts and kernel notices switch
to French words and French number formats, and language("en") switches them back (issue 18)."""
import re

import pytest

from conftest import run, stdout

NARROW, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def english_after(kc):
    """Each test starts and ends in English, whatever it asserted."""
    run(kc, 'language("en");')
    yield
    run(kc, 'language("en");')


def chart_words(msg):
    words = msg["content"]["metadata"]["text/plain"]["conclab/chart"]
    return words["charts"][0] if "charts" in words else words


def texts(msgs, mime="text/plain"):
    return [m["content"]["data"].get(mime, "") for m in msgs if m["msg_type"] in ("execute_result", "display_data")]


def error(reply, msgs):
    errs = [m["content"] for m in msgs if m["msg_type"] == "error"]
    return errs[0] if errs else reply["content"]


def test_a_table_s_numbers_and_headers_follow_the_language(kc):
    run(kc, 'language("en");')
    code = 'Experiment.of(cpu(ms(2))).tasks(4).on(sequential(), platform(2)).run()'
    _, en = run(kc, code)
    table = texts(en, "text/html")[0]
    assert "<th>speedup</th>" in table and re.search(r"<td>\d+\.\d+ ms</td>", table), table
    run(kc, 'language("fr");')
    _, fr = run(kc, code)
    table = texts(fr, "text/html")[0]
    assert "<th>accélération</th>" in table and "<th>speedup</th>" not in table, table
    assert re.search(r"<td>\d+,\d+" + NBSP + "ms</td>", table), table
    assert not re.search(r"<td>\d+\.\d+ ms</td>", table), table
    run(kc, 'language("en");')


def test_a_check_s_own_words_follow_the_language(kc):
    code = 'check("liste", () -> List.of().get(0) != null, "indice")'
    run(kc, 'language("fr");')
    _, fr = run(kc, code)
    out = stdout(fr)
    assert out.startswith("✗ liste — indice (la vérification a levé java.lang.") and "IndexOutOfBoundsException" in out, out
    run(kc, 'language("en");')
    _, en = run(kc, code)
    assert "✗ liste — indice (the check threw java.lang." in stdout(en), stdout(en)


def test_kernel_notices_follow_the_language(kc):
    run(kc, 'language("fr");')
    reply, msgs = run(kc, "System.exit(3);")
    err = error(reply, msgs)
    # the exception's class name stays as the JDK names it; the words are French
    assert "System.exit(3) a été refusé" in err["evalue"] or "a été refusé" in "\n".join(err.get("traceback", [])), err
    _, msgs = run(kc, "%time 1 + 1")
    assert f"Temps écoulé{NBSP}: " in stdout(msgs), stdout(msgs)
    run(kc, 'language("en");')
    _, msgs = run(kc, "%time 1 + 1")
    assert "Wall time: " in stdout(msgs), stdout(msgs)


def test_a_percentage_and_a_duration_in_french(kc):
    run(kc, 'language("fr");')
    _, msgs = run(kc, 'System.out.println(conclab.trace.Format.percent(0.45) + " | " + conclab.trace.Format.millis(12_345_678) '
                      '+ " | " + conclab.text.Messages.format("%,.1f", 1000.5));')
    assert stdout(msgs).strip() == f"45{NBSP}% | 12,3{NBSP}ms | 1{NARROW}000,5", repr(stdout(msgs))
    run(kc, 'language("en");')


def test_a_chart_s_words_are_french_in_its_display_metadata(kc):
    run(kc, 'language("fr");')
    _, msgs = run(kc, 'var r = Experiment.of(cpu(ms(2))).tasks(4).on(sequential(), platform(2)).run();\n'
                      'display(r.timeline());')
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    assert shown, [m["msg_type"] for m in msgs]
    words = chart_words(shown[0])
    assert words["x"] == "temps depuis le début (ms)", words
    assert "en exécution" in words["legend"] and "running" not in words["legend"], words
    assert words["locale"] == "fr-FR", words
    assert "cœurs" in words["title"] or "cœur " in words["title"], words
    run(kc, 'language("en");')
    _, msgs = run(kc, 'display(r.timeline());')
    words = chart_words([m for m in msgs if m["msg_type"] == "display_data"][0])
    assert words["x"] == "time since start (ms)" and "running" in words["legend"], words


def test_an_unknown_language_is_refused_clearly_and_the_session_goes_on(kc):
    reply, msgs = run(kc, 'language("de");')
    err = error(reply, msgs)
    assert "English (\"en\") and French (\"fr\")" in err["evalue"], err
    _, msgs = run(kc, "%time 1 + 1")
    assert "Wall time: " in stdout(msgs)


def test_an_uncaught_exception_s_header_is_french_and_the_jdk_s_words_stay(kc):
    code = ('var t = new Thread(() -> { throw new IllegalStateException("boum en arrière-plan"); }, "travailleur-7");\n'
            "t.start(); t.join();")
    run(kc, 'language("fr");')
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok"
    err = stdout(msgs, "stderr")
    assert f"Exception dans le thread « travailleur-7 »{NBSP}: java.lang.IllegalStateException: boum en arrière-plan" in err, err
    assert "Exception in thread" not in err, err
    run(kc, 'language("en");')
    _, msgs = run(kc, code)
    assert 'Exception in thread "travailleur-7": java.lang.IllegalStateException: boum' in stdout(msgs, "stderr")


def test_a_refused_argument_is_explained_in_french_and_keeps_its_exception_class(kc):
    run(kc, 'language("fr");')
    reply, msgs = run(kc, "platform(0)")
    err = error(reply, msgs)
    assert err["ename"].endswith("IllegalArgumentException"), err
    assert err["evalue"] == f"il faut au moins un thread{NBSP}: 0", err
    reply, msgs = run(kc, 'intSlider("Threads", 1, 8, 9)')
    assert error(reply, msgs)["evalue"] == "9 est hors de 1–8", error(reply, msgs)
    run(kc, 'language("en");')
    reply, msgs = run(kc, "platform(0)")
    assert error(reply, msgs)["evalue"] == "need at least one thread: 0", error(reply, msgs)


def test_a_python_cell_s_numbers_are_python_s_and_the_french_lessons_say_so(kc):
    """language("fr") chooses what the lab and the kernel write; a %%python cell's f"{n:,}" is what CPython writes
    for everyone (1,234,567), and each French lesson that prints such numbers tells its reader so."""
    import json
    import pathlib
    run(kc, 'language("fr");')
    reply, msgs = run(kc, '%%python\nprint(f"{1234567:,}")')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stdout(msgs).strip().splitlines()[-1] == "1,234,567", stdout(msgs)   # after the first cell's "CPython 3.11 à ..."
    fr = pathlib.Path(__file__).resolve().parents[3] / "notebooks" / "fr"
    using = []
    for path in sorted(fr.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        src = ["".join(c["source"]) for c in cells]
        first = next((i for i, (c, s) in enumerate(zip(cells, src)) if c["cell_type"] == "code"
                      and s.lstrip().startswith("%%python") and re.search(r"\{[^{}]*:[<>^=]?\d*,\}", s)), None)
        if first is None:
            continue
        using.append(path.name)
        said = [s for c, s in zip(cells[:first], src[:first]) if c["cell_type"] == "markdown" and 'f"{n:,}"' in s]
        assert said and "virgule" in said[-1], f"{path.name}: no note before cell {first} that Python writes 1,000"
    assert len(using) >= 3, using


def test_without_a_python_a_french_session_says_so_in_french():
    """The one line under the first %%python cell when there is no usable python3, in the session's words."""
    import os
    from jupyter_client.manager import start_new_kernel
    from conftest import KERNEL, TIMEOUT
    env = dict(os.environ, CONCLAB_PYTHON="/nonexistent/python3", CONCLAB_LANGUAGE="fr")
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env)
    try:
        reply, msgs = run(kc, "%%python\nprint('ran')")
        assert reply["content"]["status"] == "ok", reply["content"]
        said = stdout(msgs).splitlines()
        assert len(said) == 1 and said[0].startswith(f"les cellules %%python sont ignorées{NBSP}: "), said
        assert "/nonexistent/python3" in said[0] and "CONCLAB_PYTHON ou %python_use CHEMIN" in said[0], said
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
