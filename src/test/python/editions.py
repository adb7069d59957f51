"""The French edition beside the English one (issue 18): which notebooks pair up, what must be the same in
both (everything but prose, comments and string literals), whether a markdown cell reads as French, and the
French bundle's words, for the notebook tests in notebooks_check.py.
"""
import glob
import os
import re

import lessons

FR = os.path.join(lessons.NOTEBOOKS, "fr")
BUNDLES = os.path.join(lessons.ROOT, "src", "main", "resources", "conclab", "text")


def english_paths():
    return sorted(glob.glob(os.path.join(lessons.NOTEBOOKS, "*.ipynb")))


def french_paths():
    return sorted(glob.glob(os.path.join(FR, "*.ipynb")))


def is_french(path):
    return os.path.basename(os.path.dirname(os.path.abspath(path))) == "fr"


def english_of(path):
    return os.path.join(lessons.NOTEBOOKS, os.path.basename(path))


def name(path):
    """`00-tour.ipynb` or `fr/00-tour.ipynb`: test ids, summary rows and executed copies."""
    return os.path.relpath(path, lessons.NOTEBOOKS)


# ------------------------------------------------------------------ code without its prose

_JAVA = re.compile(r'"""(?:\\.|[^\\])*?"""'          # text block
                   r'|"(?:\\.|[^"\\\n])*"'            # string
                   r"|'(?:\\.|[^'\\\n])+'"            # char
                   r"|//[^\n]*"                       # line comment
                   r"|/\*.*?\*/", re.S)               # block comment
_PYTHON = re.compile(r'(?i:[rbfu]{0,2})("""|\'\'\')(?:\\.|(?!\1).)*\1'   # triple-quoted, any prefix
                     r'|(?i:[rbfu]{0,2})"(?:\\.|[^"\\\n])*"'
                     r"|(?i:[rbfu]{0,2})'(?:\\.|[^'\\\n])*'"
                     r"|#[^\n]*", re.S)


def code_shape(source):
    """A code cell's source with its string literals and comments replaced by a placeholder and its
    whitespace normalised: what must be identical in both editions. Magic lines (`%...`) are kept whole
    (libraries, options and file names must not be translated); a `%%python` cell is read as Python."""
    lines = source.splitlines()
    magics = [l.strip() for l in lines if l.lstrip().startswith("%")]
    python = bool(lines) and lines[0].lstrip().startswith("%%python")
    body = "\n".join(l for l in lines if not l.lstrip().startswith("%"))
    body = (_PYTHON if python else _JAVA).sub(lambda m: "" if m.group(0)[:1] in "/#" else "S", body)
    shape = [re.sub(r"\s+", " ", l).strip() for l in body.splitlines()]
    return magics + [l for l in shape if l]


def differences(english, french):
    """Every way two notebooks (as JSON dicts) differ in anything but prose, comments and strings."""
    out = []
    if english.get("metadata") != french.get("metadata"):
        out.append("the notebook metadata differs")
    e, f = english["cells"], french["cells"]
    if len(e) != len(f):
        out.append(f"{len(e)} cells in English, {len(f)} in French")
    for i, (a, b) in enumerate(zip(e, f)):
        where = f"cell {i} ({a.get('id')})"
        if a.get("id") != b.get("id"):
            out.append(f"{where}: id {b.get('id')!r} in French (ids are the same in both editions)")
            continue
        if a["cell_type"] != b["cell_type"]:
            out.append(f"{where}: a {a['cell_type']} cell in English, {b['cell_type']} in French")
            continue
        if a.get("metadata", {}) != b.get("metadata", {}):
            out.append(f"{where}: metadata/tags {a.get('metadata')} in English, {b.get('metadata')} in French")
        if a["cell_type"] == "code":
            if b.get("outputs") or b.get("execution_count"):
                out.append(f"{where}: stored with outputs")
            sa, sb = code_shape("".join(a["source"])), code_shape("".join(b["source"]))
            if sa != sb:
                diff = next(((x, y) for x, y in zip(sa, sb) if x != y), (sa[len(sb):] or sb[len(sa):], ""))
                out.append(f"{where}: the code differs beyond strings and comments: {diff[0]!r} / {diff[1]!r}")
    return out


# ------------------------------------------------------------------ is it French?

EN_WORDS = set("""the and of to is are was were be been this that these those with for from by it its their
they you your we our what which who when where while each every not no but than then so if or an into
only one can cannot will would should does do did has have had how why here there all any more most same
other after before until about at as up out over under between without""".split())
FR_WORDS = set("""le la les l un une des du de d et est sont été être ce cet cette ces qui que qu quand où
dont avec pour par dans sur sous sans ne n pas plus moins mais ou donc si chaque tout tous toute toutes
il elle ils elles nous vous votre vos leur leurs son sa ses au aux se s c y comme aussi même entre après
avant jusqu lorsque ici là""".split())


def prose_words(markdown):
    """The words of a markdown cell's prose: code blocks and spans, link targets, HTML tags, maths and
    identifiers (anything with a dot, underscore, parenthesis, digit or inner capital) removed."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    words = []
    for token in re.split(r"[\s’'«»\"“”.,;:!?()\[\]*_#|/—–-]+", text):
        if not token or re.search(r"[0-9_.()]|[a-zà-ÿ][A-Z]", token):
            continue
        words.append(token.lower())
    return words


def language_of(markdown):
    """("en" | "fr" | None, English stop words, French stop words): None when the cell says too little to tell."""
    words = prose_words(markdown)
    en = sum(w in EN_WORDS for w in words)
    fr = sum(w in FR_WORDS for w in words)
    if en + fr < 3:
        return None, en, fr
    return ("en" if en > fr else "fr"), en, fr


# ------------------------------------------------------------------ the bundles' words

def bundle(lang):
    """The message bundle as {key: pattern} (the .properties files are UTF-8, one key=value a line)."""
    path = os.path.join(BUNDLES, "messages.properties" if lang == "en" else f"messages_{lang}.properties")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith(("#", "!")) or "=" not in line:
                continue
            k, v = line.split("=", 1)
            out[k.strip()] = v.replace("''", "'")
    return out


def pattern_regex(pattern):
    """A bundle pattern as a regex matching any text it formats to ({0} matches anything)."""
    parts = re.split(r"\{\d+[^}]*\}", pattern)
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.S)


def chart_words(cell):
    """The words of each chart a cell displayed, from the display metadata the kernel sends with it."""
    found = []
    for out in cell.get("outputs", []):
        words = out.get("metadata", {}).get("text/plain", {}).get("conclab/chart")
        if words:
            found.extend(words.get("charts", [words]) if "charts" in words else [words])
    return found


#: the counter a chart is made from, as a cell names it: Charts.overlay("jobs depth", ...), Charts.counters(t, "x")
COUNTER_CHART = re.compile(r'Charts\.(?:overlay\(\s*|counters\([^,()"]*(?:\([^()]*\))?[^,()"]*,\s*)"([^"]+)"')


def counter_names(nb):
    """The counter names (data, the same in both editions) that the notebook's cells draw charts of."""
    names = set()
    for cell in nb["cells"] if isinstance(nb, dict) else nb.cells:
        if cell["cell_type"] == "code":
            names.update(COUNTER_CHART.findall("".join(cell["source"])))
    return names


#: a table cell or line that is a figure with its unit: 12.3 ms, 1,000, 45 %, 1.93×, 3.5/s
FIGURE = re.compile(r"^[<>~]?\s?\d[\d\u202f\u00a0,.]*\s?(ns|µs|ms|s|%|×|/s|MB|KB|B)?$")


def library_figures(cell):
    """The figures of the tables the library displayed in a cell (its `table.conclab` HTML)."""
    figures = []
    for out in cell.get("outputs", []):
        html = out.get("data", {}).get("text/html", "")
        if 'class="conclab"' not in html:
            continue
        for td in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S):
            td = td.strip()
            if FIGURE.match(td):
                figures.append(td)
    return figures
