"""Every notebook in notebooks/ runs with the real kernel through nbclient, with no error cell.

Lessons with exercises run twice: as shipped (each self-check reports ✗ without an error) and with
the reference solutions put in (every self-check reports ✓).
"""
import glob
import json
import os

import pytest

from run_notebook import execute

ROOT = os.environ.get("CONCLAB_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
OUT = os.path.join(ROOT, "target", "notebooks")


def texts(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                yield out["text"]
            elif "data" in out:
                yield str(out["data"].get("text/plain", ""))


def has_exercises(nb_path):
    with open(nb_path) as f:
        return any("exercise" in c.get("metadata", {}).get("tags", []) for c in json.load(f)["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[os.path.basename(p) for p in NOTEBOOKS])
def test_notebook_is_stored_clean_for_the_conclab_kernel(path):
    with open(path) as f:
        nb = json.load(f)
    assert nb["metadata"]["kernelspec"]["name"] == "conclab"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and not cell.get("execution_count"), f"{path} is stored with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[os.path.basename(p) for p in NOTEBOOKS])
def test_notebook_runs_without_error(path):
    os.makedirs(OUT, exist_ok=True)
    nb, seconds = execute(path, os.path.join(OUT, os.path.basename(path)))
    print(f"{os.path.basename(path)}: {seconds:.1f} s")
    if has_exercises(path):
        all_text = "\n".join(texts(nb))
        assert "✗" in all_text, "as shipped, the exercises' self-checks should report ✗"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if has_exercises(p)],
                         ids=[os.path.basename(p) for p in NOTEBOOKS if has_exercises(p)])
def test_notebook_with_solutions_passes_every_check(path):
    os.makedirs(OUT, exist_ok=True)
    out = os.path.join(OUT, os.path.basename(path).replace(".ipynb", ".solved.ipynb"))
    nb, _ = execute(path, out, solutions=True)
    all_text = "\n".join(texts(nb))
    assert "✓" in all_text and "✗" not in all_text
