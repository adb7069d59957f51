"""Headless runs keep the widgets' state: nbclient (`./lab run`, and the notebook tests' cell-by-cell
sessions) writes the last state of every widget into the executed notebook's metadata
(`application/vnd.jupyter.widget-state+json`), so nbconvert's HTML or a reopened notebook shows the
widgets as they ended, while the cells' text fallback keeps the notebook readable without a manager."""
import os

import nbformat
import pytest

import lessons
import run_notebook

STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
CELLS = [
    'var threads = intSlider("Threads", 1, 8, 2);\nthreads',
    # set after the display: the saved state must be the last one, not the first
    "threads.value(5);\n"
    'var bar = progress("work", 10);\n'
    "display(bar);\n"
    "for (int i = 1; i <= 10; i++) bar.value(i);\n"
    'System.out.println("done");',
]


@pytest.fixture()
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": os.environ.get("CONCLAB_KERNEL", "conclab"),
                                                           "display_name": "conclab", "language": "java"}})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    path = tmp_path / "widgets.ipynb"
    nbformat.write(nb, path)
    return path


def models(nb):
    """model name -> state, from the executed notebook's metadata."""
    saved = nb.metadata.get("widgets", {}).get(STATE)
    assert saved, f"no widget state in the executed notebook's metadata: {dict(nb.metadata)}"
    assert (saved["version_major"], saved["version_minor"]) == (2, 0)
    return saved["state"]


def check(nb):
    state = models(nb)
    by_name = {m["model_name"]: (model_id, m) for model_id, m in state.items()}
    slider_id, slider = by_name["IntSliderModel"]
    assert slider["model_module"] == "@jupyter-widgets/controls" and slider["model_module_version"] == "2.0.0"
    assert slider["state"]["value"] == 5, "the slider's last value, set after it was shown"
    assert slider["state"]["min"] == 1 and slider["state"]["max"] == 8
    _, bar = by_name["IntProgressModel"]
    assert bar["state"]["value"] == 10, "the progress bar's last value"
    # the slider's own layout and style models are there too, so a manager can draw it from the file
    for ref in ("layout", "style"):
        assert slider["state"][ref].removeprefix("IPY_MODEL_") in state, f"the slider's {ref} model is saved"
    # the views in the outputs point at saved models; the text fallback is beside each view
    views = [o for c in nb.cells for o in c.get("outputs", []) if VIEW in o.get("data", {})]
    assert [v["data"][VIEW]["model_id"] for v in views][:1] == [slider_id]
    for v in views:
        assert v["data"][VIEW]["model_id"] in state
        assert v["data"].get("text/plain"), "a text fallback beside the widget view"


def test_lab_run_stores_widget_state(notebook, tmp_path):
    out = tmp_path / "executed.ipynb"
    run_notebook.execute(str(notebook), str(out))
    check(nbformat.read(out, as_version=4))


def test_notebook_tests_store_widget_state(notebook, monkeypatch, tmp_path):
    monkeypatch.setattr(lessons, "OUT", str(tmp_path))
    with lessons.Session(str(notebook)) as s:
        for cell in s.stored.cells:
            s.run(cell)
        s.save("session.ipynb")
    check(nbformat.read(tmp_path / "session.ipynb", as_version=4))
