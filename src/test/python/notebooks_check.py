"""Every notebook in notebooks/ runs with the real kernel, the ways a learner runs it.

Structure (no kernel): stored clean, at most MAX_CELLS cells, every exercise with one solution, checks and
an answer file of wrong and right answers, Python comparisons in their own tagged markdown cells.

Runs (one kernel each, cells one at a time through nbclient); CONCLAB_NOTEBOOK_MODES picks them, and
CONCLAB_RUNALL_EDITIONS, CONCLAB_ANSWER_EDITIONS and CONCLAB_SOLVED_EDITIONS the editions each mode runs (both
unless told otherwise). `./lab test notebooks` runs `runall,answers` on every core for the English edition;
`./lab test notebooks-one-core` runs the English `answers,solved` and the French `runall,answers`, pinned to one
core with taskset, as two shards side by side on cores 0 and 1 (see CLAIMS):
- runall:  Run All as shipped, solution cells included, with the kernel's keeping of values switched off
           (CONCLAB_KEEP_VALUES=0: lessons must not depend on it); then every exercise's checks again,
           as a learner who ran exercise, check, solution, check: each must say ✓;
- answers: as shipped without the solutions: no error, every check ✗; then in the same kernel, per
           exercise, every wrong answer of the answer file (✗), every right one (✓) and the reference
           solution (✓), each followed by the exercise's checks, `repeat` times;
- solved:  each exercise replaced by its reference solution: every check ✓, no error.

The French edition (notebooks/fr/, issue 18) runs the same three ways against the same answer files: Run All
(solutions in place, every check ✓ after it), as shipped with every wrong and right answer, and with its
solutions in place. Its code is the English code but for strings and comments
(test_french_edition_matches_the_english_one), so it runs where the English runs do not already try its code:
on one core, where Run All also checks what `solved` checks (every check ✓ with the reference solutions in
place, on one core), so `solved` is not run again for it; and there each wrong and right answer runs once
(`repeat` is for races, which the English runs try on every core and on one); as shipped (every check ✗) and
the reference solutions (✓) run in full. CONCLAB_RUNALL_EDITIONS=en,fr and CONCLAB_ANSWER_EDITIONS=en,fr
run the French edition on every core too.
After Run All, a French notebook's library tables show French figures and its charts French words, read from
the executed copy (the charts' words come from the chart objects through the display's metadata).
"""
import json
import os
import re

import pytest

import editions
import lessons
from lessons import FAIL, PASS, Session, verdicts

#: the editions whose notebooks run (CONCLAB_EDITIONS=en or fr splits the notebook parts into two jobs)
EDITIONS = os.environ.get("CONCLAB_EDITIONS", "en,fr").split(",")
ENGLISH = editions.english_paths() if "en" in EDITIONS else []
FRENCH = editions.french_paths() if "fr" in EDITIONS else []
PATHS = ENGLISH + FRENCH
IDS = [editions.name(p) for p in PATHS]
MODES = [m for m in os.environ.get("CONCLAB_NOTEBOOK_MODES", "runall,answers").split(",") if m]
#: the editions each mode runs (both unless told otherwise)
MODE_EDITIONS = {mode: os.environ.get(f"CONCLAB_{mode.upper()}_EDITIONS", "en,fr").split(",")
                 for mode in ("runall", "answer", "solved")}
#: shards side by side (`./lab test notebooks-one-core`: one pytest per core, each under taskset): every shard
#: collects every run and takes one only if no other shard has, by creating its claim file in this directory
#: (O_EXCL, so exactly one shard runs it); a shard that finds it taken skips it. A run that fails fails its
#: shard, so the part passes only when every run passed in one shard or the other.
CLAIMS = os.environ.get("CONCLAB_CLAIMS")
SHARD = os.environ.get("CONCLAB_SHARD", str(os.getpid()))
#: the processors the kernel must see (`notebooks-one-core`: 1), checked at the end of every run
KERNEL_CORES = os.environ.get("CONCLAB_KERNEL_CORES")
SUMMARY = os.path.join(lessons.OUT, "summary.tsv")


def stored(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def copy_name(path, mode):
    """The executed copy's file name in target/notebooks: 04-synchronisation.answers.ipynb, fr-04-….ipynb;
    a one-core run's says so (04-synchronisation.answers-one-core.ipynb), beside the every-core run's copy."""
    if KERNEL_CORES == "1":
        mode += "-one-core"
    return ("fr-" if editions.is_french(path) else "") + os.path.basename(path).replace(".ipynb", f".{mode}.ipynb")


def is_lesson(path):
    """The numbered lessons 01–…; the tour (00) and the primer are not lessons with comparisons."""
    name = os.path.basename(path)
    return name[:2].isdigit() and not name.startswith("00")


def note(path, mode, seconds, detail=""):
    os.makedirs(lessons.OUT, exist_ok=True)
    with open(SUMMARY, "a", encoding="utf-8") as f:
        f.write(f"{editions.name(path)}\t{mode}\t{os.cpu_count()}:{len(os.sched_getaffinity(0))}\t"
                f"{seconds:.1f}\t{detail}\n")


def claim(path, mode):
    """Whether this part runs `path` in `mode`: skips the test when CONCLAB_<MODE>_EDITIONS leaves its edition
    out, or when another shard has taken it (CLAIMS)."""
    key = "answer" if mode == "answers" else mode
    if ("fr" if editions.is_french(path) else "en") not in MODE_EDITIONS[key]:
        pytest.skip(f"CONCLAB_{key.upper()}_EDITIONS={','.join(MODE_EDITIONS[key])}")
    if not CLAIMS:
        return
    name = os.path.join(CLAIMS, f"{mode}--{editions.name(path).replace('/', '--')}")
    try:
        fd = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        with open(name, encoding="utf-8") as f:
            pytest.skip(f"run by the shard on {f.read().strip() or 'another core'}")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(SHARD + "\n")


def check_kernel_cores(s):
    """On one core, the kernel's JVM sees one processor (what every "on one core" check relies on)."""
    if not KERNEL_CORES:
        return
    seen = lessons.outputs_text(s.run("Runtime.getRuntime().availableProcessors()", label="processors the kernel sees"))
    assert seen.strip() == KERNEL_CORES, \
        f"the kernel sees {seen.strip()} processors, not {KERNEL_CORES} (taskset affinity {sorted(os.sched_getaffinity(0))})"


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
    claim(path, "runall")
    with Session(path, env={"CONCLAB_KEEP_VALUES": "0"}) as s:
        try:
            for cell in s.stored.cells:
                s.run(cell)
            for ex in lessons.exercises(s.stored):
                got = verdicts(s.run_checks(ex, f"again after Run All: {ex.cell_id}"))
                assert got and all(v.startswith(PASS) for v in got), \
                    f"{ex.cell_id}: after Run All (solutions in place) its checks say {got}"
            check_kernel_cores(s)
        finally:
            s.save(copy_name(path, "runall"))
    note(path, "runall", s.cell_seconds)
    check_words_and_figures(path, s.nb)


def check_words_and_figures(path, executed):
    """The executed notebook's library tables and charts speak its edition's language."""
    french = editions.is_french(path)
    figures = [f for cell in executed.cells for f in editions.library_figures(cell)]
    if french:
        english = [f for f in figures if re.search(r"\d\.\d", f)]
        assert not english, f"English figures in the French notebook's tables: {english[:5]}"
    else:
        # a decimal comma or a no-break space; "134,784" is English grouping (three digits after the comma)
        french_figures = [f for f in figures if re.search(r"\d,(?!\d{3}(?!\d))\d|[\u202f\u00a0]", f)]
        assert not french_figures, f"French figures in the English notebook's tables: {french_figures[:5]}"
    charts = [w for cell in executed.cells for w in editions.chart_words(cell)]
    mine, other = (editions.bundle("fr"), editions.bundle("en")) if french else (editions.bundle("en"), editions.bundle("fr"))
    wrong = []
    for w in charts:
        for text in [w.get("x"), w.get("y"), w.get("y2")] + list(w.get("legend", [])):
            if not text:
                continue
            for key, pattern in other.items():
                if (key.startswith(("chart.axis.", "state.", "chart.series.")) and pattern != mine.get(key)
                        and editions.pattern_regex(pattern).match(text)):
                    wrong.append(f"{text!r} ({key})")
        locale = w.get("locale")
        if locale and locale.startswith("fr") != french:
            wrong.append(f"tick labels formatted for {locale}")
    assert not wrong, f"{editions.name(path)}: chart words of the other edition: {sorted(set(wrong))[:8]}"
    if french:
        # a counter's name is data (the same in both editions): a chart titled by it would be titled in English
        names = editions.counter_names(executed)
        titled = sorted({w["title"] for w in charts if w.get("title") and any(n in w["title"] for n in names)})
        assert not titled, f"{editions.name(path)}: charts titled by a counter's English name: {titled}"
        # nor its axes or legend: a counter chart names them with .yTitle(...) and .label(counter, ...)
        named = sorted({t for w in charts for t in [w.get("y"), w.get("y2")] + list(w.get("legend", []))
                        if t and t in names})
        assert not named, f"{editions.name(path)}: chart axes or legends that are a counter's English name: {named}"
    if french and charts:
        axes = [w.get("x") for w in charts if w.get("x")]
        known = [editions.pattern_regex(p) for k, p in mine.items() if k.startswith("chart.axis.")]
        assert any(r.match(a) for a in axes for r in known), f"no French axis title among {axes}"


@pytest.mark.skipif("solved" not in MODES, reason="mode solved not selected")
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_with_solutions_every_check_passes(path):
    claim(path, "solved")
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
            check_kernel_cores(s)
        finally:
            s.save(copy_name(path, "solved"))
    note(path, "solved", s.cell_seconds)


@pytest.mark.skipif("answers" not in MODES, reason="mode answers not selected")
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_as_shipped_then_wrong_and_right_answers(path):
    claim(path, "answers")
    once = editions.is_french(path)   # repeats are for races, tried by the English run on the same code
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
                    for k in range(1 if once else int(answer.get("repeat", 1))):
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
            check_kernel_cores(s)
        finally:
            s.save(copy_name(path, "answers"))
    note(path, "answers", s.cell_seconds, f"{tried} answers tried")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_links_to_other_notebooks_resolve(path):
    import re
    for cell in stored(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", "".join(cell["source"])):
            assert os.path.exists(os.path.join(os.path.dirname(path), target)), \
                f"cell {cell['id']} links to {target}, which is not beside it in {os.path.dirname(editions.name(path)) or 'notebooks'}/"


# ------------------------------------------------------------------ the French edition (issue 18)

@pytest.mark.parametrize("path", editions.english_paths(), ids=[editions.name(p) for p in editions.english_paths()])
def test_every_english_notebook_has_a_french_one(path):
    french = os.path.join(editions.FR, os.path.basename(path))
    assert os.path.exists(french), f"no French edition of {os.path.basename(path)}: notebooks/fr/ needs one"


@pytest.mark.parametrize("path", FRENCH, ids=[editions.name(p) for p in FRENCH])
def test_french_edition_matches_the_english_one(path):
    english = editions.english_of(path)
    assert os.path.exists(english), f"{editions.name(path)} has no English notebook of the same name"
    problems = editions.differences(stored(english), stored(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FRENCH, ids=[editions.name(p) for p in FRENCH])
def test_french_prose_is_in_french(path):
    left = []
    for cell in stored(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        lang, en, fr = editions.language_of("".join(cell["source"]))
        if lang == "en" or (en >= 2 and fr == 0):
            left.append(f"{cell['id']} ({en} English stop words, {fr} French): {''.join(cell['source'])[:70]!r}")
    assert not left, "markdown cells left in English:\n" + "\n".join(left)


@pytest.mark.parametrize("path", FRENCH, ids=[editions.name(p) for p in FRENCH])
def test_french_notebook_chooses_french(path):
    cells = stored(path)["cells"]
    first = next(c for c in cells[:3] if lessons.is_language_cell(c))
    assert 'language("fr")' in "".join(first["source"]), "a French notebook opens with language(\"fr\");"


def test_the_edition_checks_can_fail():
    """The checks above on doctored copies of an English notebook: each kind of drift is reported, and
    translating prose, comments and strings is not."""
    import copy
    english = stored(os.path.join(lessons.NOTEBOOKS, "00-tour.ipynb"))
    code = next(i for i, c in enumerate(english["cells"]) if c["cell_type"] == "code" and '"' in "".join(c["source"])
                and "//" not in "".join(c["source"]))

    def doctored(change):
        nb = copy.deepcopy(english)
        change(nb)
        return editions.differences(english, nb)

    def translate(nb):
        cell = nb["cells"][code]
        cell["source"] = [re.sub(r'"[^"\n]*"', '"texte traduit"', l) for l in cell["source"]] + ["  // un commentaire"]
        md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        md["source"] = ["Du texte en français."]
    assert doctored(translate) == []
    assert doctored(lambda nb: nb["cells"][code]["source"].append("\nint extra = 1;"))
    assert doctored(lambda nb: nb["cells"].pop())
    assert doctored(lambda nb: nb["cells"].insert(0, nb["cells"].pop(1)))
    assert doctored(lambda nb: nb["cells"][code].__setitem__("id", "renamed"))
    assert doctored(lambda nb: nb["cells"][code]["metadata"].setdefault("tags", []).append("exercise"))
    assert doctored(lambda nb: nb["cells"][code].__setitem__("cell_type", "markdown"))
    assert doctored(lambda nb: nb["metadata"].__setitem__("extra", 1))
    assert doctored(lambda nb: nb["cells"][code]["source"].insert(0, "%maven com.example:thing:1.0\n"))
    assert editions.code_shape('%%python\nprint(f"{n} tâches")  # commentaire') == \
        editions.code_shape('%%python\nprint(f"{n} tasks")  # comment')
    assert editions.code_shape('var s = """\n  texte\n  """;') == editions.code_shape('var s = """\n  text\n  """;')
    assert editions.code_shape("int a = 1; /* x */") != editions.code_shape("int b = 1; /* x */")


def test_the_english_test_reads_english_markdown_as_english():
    """The stop-word heuristic on every English markdown cell: each one long enough to tell reads as English,
    so a French cell left in English is caught; and most cells are long enough."""
    told = total = 0
    for path in editions.english_paths():
        for cell in stored(path)["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            total += 1
            lang, en, fr = editions.language_of("".join(cell["source"]))
            assert lang in (None, "en"), f"{editions.name(path)} {cell['id']} reads as French ({en} en, {fr} fr)"
            told += lang == "en"
    assert told >= 0.9 * total, f"only {told} of {total} English markdown cells could be told apart"
