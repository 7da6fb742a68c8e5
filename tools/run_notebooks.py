"""Re-execute the course notebooks in place and apply the output policy.

For maintainers (``make notebooks``). Each notebook runs top to bottom in a
fresh ``python3`` kernel from the notebooks/ folder, as nbval will run it.
Then, per CONTRIBUTING.md:

- every output is kept: the notebooks run on the real Fashion-MNIST, and
  nbval compares what they print (cells tagged ``nbval-ignore-output``
  excepted: timings and figures learned in float32);
- per-cell timing and widget state are dropped, so a re-run changes only
  what really changed; what the grader needs of the timing is kept in the
  notebook's metadata as ``cs231n.run_seconds``: the slowest cell and the
  total, in whole seconds (``tools/grade.py`` gives each cell of a student's
  copy ten times the first, and the whole run five times the second).

Usage::

    python tools/run_notebooks.py                 # every notebook
    python tools/run_notebooks.py notebooks/03_naive_conv_pool.ipynb
"""
import argparse
import math
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from _common import course_notebooks


def cell_seconds(cell):
    """How long a code cell ran, from nbclient's timing metadata."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get(
        "shell.execute_reply")
    if not (start and end):
        return 0.0
    elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return elapsed.total_seconds()


def record_run_time(nb):
    """Keep the slowest cell and the total time in the notebook metadata."""
    seconds = [cell_seconds(c) for c in nb.cells if c.cell_type == "code"]
    nb.metadata["cs231n"] = {"run_seconds": {
        "slowest_cell": math.ceil(max(seconds, default=0)),
        "total": math.ceil(sum(seconds))}}


def apply_policy(nb):
    """Drop volatile metadata and store the plain python3 kernel, in place."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def run(path, timeout=1800):
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}},
                   record_timing=True).execute()
    elapsed = time.perf_counter() - start
    record_run_time(nb)
    nbformat.write(apply_policy(nb), path)
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: all in notebooks/)")
    args = parser.parse_args(argv)
    paths = args.notebooks or course_notebooks()
    for path in paths:
        print(f"{path.name}: ran in {run(path.resolve()):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
