"""Every notebook in notebooks/ runs with the real kernel, the ways a learner runs it.

Structure (no kernel): stored clean, at most MAX_CELLS cells, every exercise with one solution, checks and
an answer file of wrong and right answers, Python comparisons in their own tagged markdown cells.

Runs (one kernel each, cells one at a time through nbclient); CONCLAB_NOTEBOOK_MODES picks them
(`./lab test notebooks` runs `runall,answers` on every core; `./lab test notebooks-one-core` runs
`answers,solved` pinned to one core with taskset):
- runall:  Run All as shipped, solution cells included, with the kernel's keeping of values switched off
           (CONCLAB_KEEP_VALUES=0: lessons must not depend on it); then every exercise's checks again,
           as a learner who ran exercise, check, solution, check: each must say ✓;
- answers: as shipped without the solutions: no error, every check ✗; then in the same kernel, per
           exercise, every wrong answer of the answer file (✗), every right one (✓) and the reference
           solution (✓), each followed by the exercise's checks, `repeat` times;
- solved:  each exercise replaced by its reference solution: every check ✓, no error.
"""
import glob
import json
import os

import pytest

import lessons
from lessons import FAIL, PASS, Session, verdicts

PATHS = sorted(glob.glob(os.path.join(lessons.NOTEBOOKS, "*.ipynb")))
IDS = [os.path.basename(p) for p in PATHS]
MODES = [m for m in os.environ.get("CONCLAB_NOTEBOOK_MODES", "runall,answers").split(",") if m]
SUMMARY = os.path.join(lessons.OUT, "summary.tsv")


def stored(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def is_lesson(path):
    """The numbered lessons 01–…; the tour (00) and the primer are not lessons with comparisons."""
    name = os.path.basename(path)
    return name[:2].isdigit() and not name.startswith("00")


def note(path, mode, seconds, detail=""):
    os.makedirs(lessons.OUT, exist_ok=True)
    with open(SUMMARY, "a", encoding="utf-8") as f:
        f.write(f"{os.path.basename(path)}\t{mode}\t{os.cpu_count()}:{len(os.sched_getaffinity(0))}\t"
                f"{seconds:.1f}\t{detail}\n")


# ------------------------------------------------------------------ structure

@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_stored_clean_for_the_conclab_kernel(path):
    nb = stored(path)
    assert nb["metadata"]["kernelspec"]["name"] == "conclab"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and not cell.get("execution_count"), f"{path} is stored with outputs"
        assert cell.get("id"), f"{path}: every cell has an id (answer files name exercises by it)"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_one_sitting(path):
    cells = stored(path)["cells"]
    assert any(lessons.is_language_cell(c) for c in cells[:3]), "the notebook opens with its language(...) cell"
    n = sum(1 for c in cells if not lessons.is_language_cell(c))
    assert n <= lessons.MAX_CELLS, f"{n} cells: split the lesson (at most {lessons.MAX_CELLS})"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_exercises_have_a_solution_checks_and_answers(path):
    import nbformat
    nb = nbformat.read(path, as_version=4)
    found = lessons.exercises(nb)
    known = lessons.answers(path)
    for ex in found:
        assert ex.solution is not None, f"exercise {ex.cell_id} has no cell tagged solution after it"
        assert ex.checks, f"exercise {ex.cell_id} has no cell tagged check after it"
        assert ex.cell_id in known, f"no answers for exercise {ex.cell_id} in {lessons.answers_path(path)}"
        a = known[ex.cell_id]
        assert len(a.get("wrong", [])) >= 2, f"{ex.cell_id}: at least two plausible wrong answers"
        assert len(a.get("right", [])) >= 1, f"{ex.cell_id}: at least one right answer other than the solution"
        for answer in a.get("wrong", []) + a.get("right", []):
            assert answer.get("name") and answer.get("code"), f"{ex.cell_id}: an answer needs a name and code"
        for i in ex.checks:
            src = nb.cells[i].source
            assert "check(" in src or "checks(" in src, f"cell {nb.cells[i].id} is tagged check but checks nothing"
    stale = set(known) - {ex.cell_id for ex in found}
    assert not stale, f"answers for exercises that are not in the lesson: {sorted(stale)}"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_python_comparisons_in_their_own_cells(path):
    """Python lives in cells tagged python-comparison: a runnable `%%python` code cell (measured on the
    machine's CPython), or a markdown cell with a fenced block (for code that is read, not run)."""
    nb = stored(path)
    comparisons = 0
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        tagged = "python-comparison" in cell.get("metadata", {}).get("tags", [])
        runnable = cell["cell_type"] == "code" and src.lstrip().startswith("%%python")
        if tagged:
            comparisons += 1
            assert runnable or (cell["cell_type"] == "markdown" and "```python" in src), \
                f"cell {cell['id']} is tagged python-comparison: a %%python code cell or a markdown cell with a fenced Python block"
        elif runnable or "```python" in src:
            pytest.fail(f"cell {cell['id']} holds Python code: tag it python-comparison")
    if is_lesson(path):
        assert comparisons >= 1, "a lesson compares with the Python it teaches"


# ------------------------------------------------------------------ runs

@pytest.mark.skipif("runall" not in MODES, reason="mode runall not selected")
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_run_all_as_shipped(path):
    with Session(path, env={"CONCLAB_KEEP_VALUES": "0"}) as s:
        try:
            for cell in s.stored.cells:
                s.run(cell)
            for ex in lessons.exercises(s.stored):
                got = verdicts(s.run_checks(ex, f"again after Run All: {ex.cell_id}"))
                assert got and all(v.startswith(PASS) for v in got), \
                    f"{ex.cell_id}: after Run All (solutions in place) its checks say {got}"
        finally:
            s.save(os.path.basename(path).replace(".ipynb", ".runall.ipynb"))
    note(path, "runall", s.cell_seconds)


@pytest.mark.skipif("solved" not in MODES, reason="mode solved not selected")
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_with_solutions_every_check_passes(path):
    with Session(path) as s:
        try:
            found = lessons.exercises(s.stored)
            solution_of = {ex.index: ex.solution for ex in found}
            solutions = set(solution_of.values())
            checks = []
            for i, cell in enumerate(s.stored.cells):
                if i in solutions:
                    continue
                ran = s.run(s.stored.cells[solution_of[i]] if i in solution_of else cell)
                if "check" in lessons.tags(cell):
                    checks.append(ran)
            got = verdicts(checks)
            assert len(got) >= len(found) and all(v.startswith(PASS) for v in got), \
                f"with the solutions in place the checks say {got}"
        finally:
            s.save(os.path.basename(path).replace(".ipynb", ".solved.ipynb"))
    note(path, "solved", s.cell_seconds)


@pytest.mark.skipif("answers" not in MODES, reason="mode answers not selected")
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_as_shipped_then_wrong_and_right_answers(path):
    problems = []
    tried = 0
    with Session(path) as s:
        try:
            found = lessons.exercises(s.stored)
            solutions = {ex.solution for ex in found}
            checks = []
            for i, cell in enumerate(s.stored.cells):
                if i in solutions:
                    continue
                ran = s.run(cell)
                if "check" in lessons.tags(cell):
                    checks.append(ran)
            got = verdicts(checks)
            assert not found or (got and all(v.startswith(FAIL) for v in got)), \
                f"as shipped (no solutions) every check should say ✗; they say {got}"
            known = lessons.answers(path)
            for ex in found:
                a = known.get(ex.cell_id, {})
                reference = {"name": "the reference solution", "code": s.stored.cells[ex.solution].source}
                trials = [(w, FAIL) for w in a.get("wrong", [])] + [(r, PASS) for r in a.get("right", [])] \
                    + [(reference, PASS)]
                for answer, expected in trials:
                    for k in range(int(answer.get("repeat", 1))):
                        tried += 1
                        label = f"{ex.cell_id}: {answer['name']} (try {k + 1})"
                        try:
                            s.run(answer["code"], label=label)
                            got = verdicts(s.run_checks(ex, label))
                        except lessons.CellError as e:
                            problems.append(f"{label}: {e}")
                            continue
                        ok = (FAIL in "".join(v[0] for v in got)) if expected == FAIL \
                            else (got and all(v.startswith(PASS) for v in got))
                        if not ok:
                            problems.append(f"{label}: expected {expected}, the checks said {got}")
        finally:
            s.save(os.path.basename(path).replace(".ipynb", ".answers.ipynb"))
    note(path, "answers", s.cell_seconds, f"{tried} answers tried")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_links_to_other_notebooks_resolve(path):
    import re
    for cell in stored(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", "".join(cell["source"])):
            assert os.path.exists(os.path.join(lessons.NOTEBOOKS, target)), \
                f"cell {cell['id']} links to {target}, which is not in notebooks/"
