"""Lessons as the tests see them: their cells, exercises, checks and answer files, and a kernel session
that runs cells one at a time the way a learner does.

Conventions (docs/writing-lessons.md has the whole list):
- an exercise is a code cell tagged `exercise`; its reference solution is the next cell tagged `solution`,
  and its checks are the cells tagged `check` after it, up to the next exercise;
- a check prints lines starting with ✓ (passed) or ✗ (failed) and never raises;
- `src/test/notebooks/answers/<lesson>.yaml` holds, per exercise cell id, plausible `wrong` answers (each
  must get ✗) and `right` answers written differently from the reference solution (each must get ✓).
"""
import os
import time
from dataclasses import dataclass, field

import nbformat
import yaml
from nbclient import NotebookClient

ROOT = os.path.abspath(os.environ.get("CONCLAB_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", "..")))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
ANSWERS = os.path.join(ROOT, "src", "test", "notebooks", "answers")
OUT = os.path.join(ROOT, "target", "notebooks")

PASS, FAIL = "✓", "✗"
#: the most cells a lesson may have: one idea per cell, a lesson one sitting (the language cell not counted)
MAX_CELLS = 40


def is_language_cell(cell):
    """The cell every notebook opens with, choosing the session's language: `language("en");`."""
    code = [l for l in "".join(cell.get("source", "")).splitlines() if l.strip() and not l.strip().startswith("//")]
    return cell.get("cell_type") == "code" and len(code) == 1 and code[0].strip().startswith("language(")


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@dataclass
class Exercise:
    """An exercise cell, its reference solution and its checks (indices into the stored notebook)."""
    index: int
    cell_id: str
    solution: int = None
    checks: list = field(default_factory=list)


def exercises(nb):
    found = []
    for i, cell in enumerate(nb.cells):
        t = tags(cell)
        if "exercise" in t:
            found.append(Exercise(i, cell.get("id")))
        elif "solution" in t and found and found[-1].solution is None:
            found[-1].solution = i
        elif "check" in t and found:
            found[-1].checks.append(i)
    return found


def answers_path(nb_path):
    return os.path.join(ANSWERS, os.path.splitext(os.path.basename(nb_path))[0] + ".yaml")


def answers(nb_path):
    """{exercise cell id: {"wrong": [{name, code, repeat}], "right": [...]}} ({} when there is no file)."""
    path = answers_path(nb_path)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def outputs_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        elif "data" in out:
            parts.append(str(out["data"].get("text/plain", "")))
    return "".join(parts)


def verdicts(cells):
    """The ✓/✗ lines the cells printed."""
    return [line.strip() for c in cells for line in outputs_text(c).splitlines()
            if line.strip().startswith((PASS, FAIL))]


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


class CellError(AssertionError):
    pass


class Session:
    """One kernel, cells run one at a time; every cell run is appended to the executed copy."""

    def __init__(self, nb_path, env=None, timeout=300):
        self.path = nb_path
        self.stored = nbformat.read(nb_path, as_version=4)
        self.nb = nbformat.v4.new_notebook(metadata=self.stored.metadata)
        self.env = env or {}
        kernel = os.environ.get("CONCLAB_KERNEL") or self.stored.metadata.get("kernelspec", {}).get("name", "conclab")
        self.client = NotebookClient(self.nb, kernel_name=kernel, timeout=timeout, startup_timeout=120,
                                     allow_errors=True,
                                     resources={"metadata": {"path": os.path.dirname(os.path.abspath(nb_path))}})
        self.cell_seconds = 0.0

    def __enter__(self):
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)   # the kernel inherits the environment it is started in
        try:
            self._ctx = self.client.setup_kernel()
            self._ctx.__enter__()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)

    def run(self, cell, label=None, may_fail=False):
        """Runs a copy of `cell` (or of source text); raises CellError when it shows an error it may not."""
        if isinstance(cell, str):
            cell = nbformat.v4.new_code_cell(cell)
        else:
            original = cell
            cell = nbformat.from_dict({k: v for k, v in cell.items() if k not in ("id", "outputs", "execution_count")})
            cell.metadata = nbformat.from_dict(dict(original.get("metadata", {})))
            cell.id = nbformat.v4.new_code_cell().id
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            label = label or original.get("id")
        if label:
            cell.metadata["conclab-test"] = label
        self.nb.cells.append(cell)
        if cell.cell_type != "code":
            return cell
        started = time.monotonic()
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        self.cell_seconds += time.monotonic() - started
        if errors(cell) and not may_fail and "raises-exception" not in tags(cell):
            e = errors(cell)[0]
            raise CellError(f"{os.path.basename(self.path)}: cell {label or cell.get('id')} failed: "
                            f"{e['ename']}: {e['evalue']}\n--- source ---\n{cell.source}")
        return cell

    def run_checks(self, exercise, label):
        return [self.run(self.stored.cells[i], label=label) for i in exercise.checks]

    def save(self, name):
        """Writes the executed copy, with the widgets' last state in its metadata (as NotebookClient.execute
        does; cells run one at a time skip that step), so a rendered page shows the widgets as they ended."""
        os.makedirs(OUT, exist_ok=True)
        self.client.set_widgets_metadata()
        nbformat.write(self.nb, os.path.join(OUT, name))
