#!/usr/bin/python3
"""Executes a notebook headless with nbclient and writes the executed copy.

usage: run_notebook.py NOTEBOOK [OUT] [--with-solutions]

Exits 1 when a cell raises an error (cells tagged `raises-exception` may), 2 on bad usage.
With --with-solutions, each exercise cell (tag `exercise`) is replaced by the cell tagged `solution`
that follows it, so the self-checks must all pass.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def with_solutions(nb):
    """The notebook with every exercise replaced by its reference solution."""
    cells, pending = [], None
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "exercise" in tags:
            pending = len(cells)
            cells.append(cell)
        elif "solution" in tags:
            if pending is not None:
                cells[pending] = cell
                pending = None
            # a solution without an exercise before it stays out
        else:
            cells.append(cell)
    nb.cells = cells
    return nb


def without_solutions(nb):
    nb.cells = [c for c in nb.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    return nb


def execute(path, out=None, solutions=False, timeout=300):
    nb = nbformat.read(path, as_version=4)
    nb = with_solutions(nb) if solutions else without_solutions(nb)
    kernel = os.environ.get("CONCLAB_KERNEL") or nb.metadata.get("kernelspec", {}).get("name", "conclab")
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, startup_timeout=120,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    started = time.monotonic()
    try:
        client.execute()
    finally:
        if out:
            nbformat.write(nb, out)
    return nb, time.monotonic() - started


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if not args or len(args) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0]
    if len(args) > 1:
        out = args[1]
    else:  # beside the build, never beside the lessons (notebooks/ holds only clean notebooks)
        root = os.environ.get("CONCLAB_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
        os.makedirs(os.path.join(root, "target", "notebooks"), exist_ok=True)
        name = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(root, "target", "notebooks", name + (".solved" if "--with-solutions" in argv else "") + ".ipynb")
    try:
        _, seconds = execute(path, out, solutions="--with-solutions" in argv)
    except CellExecutionError as e:
        print(f"{path}: a cell failed (executed copy: {out})\n{e}", file=sys.stderr)
        return 1
    print(f"{path}: ran in {seconds:.1f} s; executed copy: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
