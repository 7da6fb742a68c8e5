"""Grade a filled-in student notebook (``make grade NB=path/to/nb.ipynb``).

The grader does what ``nbgrader autograde`` does, with nbgrader's own
pieces, from plain Python and without a course database:

1. Sanitize (nbgrader's ClearOutput, DeduplicateIds). Then restore every
   locked cell from the instructor notebook matched by ``grade_id``: the
   check cells get their hidden tests back, and a check cell the student
   edited is replaced by the instructor's. nbgrader's OverwriteCells does
   this, reading the cells from an in-memory stand-in for its database,
   filled from the instructor notebook as ``nbgrader generate_assignment``
   would have saved it (solutions stubbed, hidden tests kept).
2. Execute with nbgrader's Execute preprocessor (errors allowed, so the cells
   after a failing one still run). If the kernel dies, what ran is graded and
   the checks that did not run get zero. The cells after the last check cell
   cannot change a score and are not run (``--all-cells`` runs them too).
3. Score each check cell with ``nbgrader.utils.determine_grade`` (an error or
   anything written to stderr gives zero), and sum the points per exercise:
   check cell ``<exercise>_check`` belongs to exercise ``<exercise>``.

The instructor notebook is the one in notebooks/ that holds the most of the
student notebook's nbgrader ``grade_id``s, whatever the file is called
(``--source`` picks another).

Each run is sealed off from the ones before and after it:

- The kernel imports a private copy of ``cs231n_layers`` made for this run,
  so nothing a notebook writes into the package can change the next grading;
  the report says when a notebook changed the copy or the package on disk.
- Time is bounded by what the instructor's notebook needs (recorded by
  ``make notebooks`` in its metadata): each cell gets ten times the slowest
  instructor cell, at least a minute, and the whole run five times the
  instructor's total, at least ten minutes. A cell over its budget is
  interrupted and named in the report; at the total cap the kernel is
  stopped and what ran is graded.
- Every process the notebook started is ended when grading ends.

The exit code is 0 whenever grading worked, however many points were lost;
1 when grading itself failed.

Usage::

    .venv/bin/python tools/grade.py build/student/03_naive_conv_pool.ipynb
    .venv/bin/python tools/grade.py my.ipynb --source notebooks/03_naive_conv_pool.ipynb
    .venv/bin/python tools/grade.py NB.ipynb --json grades.json --output graded.ipynb
"""
import argparse
import ast
import copy
import ctypes
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbclient.exceptions import DeadKernelError
from nbconvert.preprocessors import Preprocessor
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    Execute,
    LimitOutput,
    OverwriteCells,
)

import student
from _common import NOTEBOOKS, PACKAGE

# Time budgets (seconds) from the instructor's run time: see time_budget.
CELL_FLOOR, CELL_FACTOR = 60, 10
TOTAL_FLOOR, TOTAL_FACTOR = 600, 5
# Keeps the kernel's own start-up warnings (about its TCP transport) out of
# the grader's report; the notebook's outputs are not affected.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]

# OverwriteCells warns about every check cell whose hidden tests it puts
# back; the grader reports what matters (edited checks) itself.
_QUIET = logging.getLogger("cs231n_grade.quiet")
_QUIET.setLevel(logging.ERROR)


class GradingError(Exception):
    """Grading could not be done (as opposed to points being lost)."""


@dataclass
class CheckResult:
    """The outcome of one check (grade) cell."""

    grade_id: str
    exercise: str
    points: float
    max_points: float
    status: str  # passed, failed, partial, not run, missing
    message: str = ""


@dataclass
class Report:
    """Everything the grader found out about one notebook."""

    notebook: str
    source: str
    checks: list
    stopped_early: bool = False
    notes: list = field(default_factory=list)

    @property
    def total(self):
        return sum(check.points for check in self.checks)

    @property
    def max_total(self):
        return sum(check.max_points for check in self.checks)

    def exercises(self):
        """Per exercise: points, maximum, status and messages, in order."""
        rows = {}
        for check in self.checks:
            row = rows.setdefault(check.exercise, {
                "exercise": check.exercise, "points": 0.0, "max_points": 0.0,
                "status": "passed", "messages": [], "checks": []})
            row["points"] += check.points
            row["max_points"] += check.max_points
            row["checks"].append(check.grade_id)
            if check.status != "passed":
                row["status"] = check.status
                row["messages"].append(check.message)
        return list(rows.values())

    def to_json(self):
        return {
            "notebook": self.notebook, "source": self.source,
            "total": self.total, "max_total": self.max_total,
            "stopped_early": self.stopped_early, "notes": self.notes,
            "exercises": self.exercises(),
            "checks": [asdict(check) for check in self.checks],
        }


def exercise_of(grade_id):
    """The exercise a check cell belongs to: its id without ``_check``."""
    return grade_id.removesuffix("_check")


def read_notebook(path):
    """The notebook at ``path``, or GradingError in one line saying why not."""
    try:
        nb = nbformat.read(path, as_version=4)
        cells = nb["cells"]
    except (OSError, UnicodeDecodeError) as err:
        raise GradingError(f"cannot read {_shown(path)}: {err}") from err
    except Exception as err:  # nbformat raises many kinds on a non-notebook
        raise GradingError(
            f"{_shown(path)} is not a Jupyter notebook "
            f"({type(err).__name__}: {str(err).splitlines()[0][:120]})"
        ) from err
    if not isinstance(cells, list):
        raise GradingError(f"{_shown(path)} is not a Jupyter notebook")
    return nb


def grade_ids(nb):
    """The nbgrader ``grade_id``s of ``nb``'s cells, as a set."""
    return {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})}


def find_source(nb, notebooks_dir=NOTEBOOKS):
    """The instructor notebook sharing the most ``grade_id``s with ``nb``.

    Matching by content, not by file name, finds the instructor notebook of
    a copy that JupyterLab renamed (``01_cross_correlation-Copy1.ipynb``).
    """
    ids = grade_ids(nb)
    best, shared = None, 0
    for path in sorted(Path(notebooks_dir).glob(student.NOTEBOOK_GLOB)):
        common = len(ids & grade_ids(read_notebook(path)))
        if common > shared:
            best, shared = path, common
    if best is None:
        raise GradingError(
            f"no instructor notebook in {_shown(notebooks_dir)} shares an "
            f"exercise (nbgrader grade_id) with this notebook; pass --source "
            f"notebooks/<name>.ipynb")
    return best


def reaches_into_checkers(source):
    """Whether code imports, names or patches ``cs231n_layers.checks``.

    A student's own code has no reason to: each check cell imports its
    checker itself, and this catches a notebook that replaces a checker in
    the module instead.
    """
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return "cs231n_layers.checks" in source
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith("cs231n_layers.checks")
                or node.module == "cs231n_layers"
                and any(alias.name == "checks" for alias in node.names)):
            return True
        if isinstance(node, ast.Import) and any(
                alias.name.startswith("cs231n_layers.checks")
                for alias in node.names):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "checks":
            return True
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and node.value != source  # code in a string: a magic's
                and reaches_into_checkers(node.value)):
            return True
    return False


def untrusted_from(nb, handed_out):
    """Index of the first cell, not as handed out, that reaches into the
    checkers; None when there is none."""
    known = {cell.source for cell in handed_out.cells}
    return next((i for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and not utils.is_grade(cell)
                 and cell.source not in known
                 and reaches_into_checkers(cell.source)), None)


def time_budget(source_nb):
    """(seconds per cell, seconds in all) for grading a copy of ``source_nb``.

    From the instructor's run time, which ``make notebooks`` records in the
    notebook's metadata; the floors alone when it is not recorded.
    """
    measured = source_nb.metadata.get("cs231n", {}).get("run_seconds", {})
    cell = max(CELL_FLOOR, CELL_FACTOR * measured.get("slowest_cell", 0))
    total = max(TOTAL_FLOOR, TOTAL_FACTOR * measured.get("total", 0))
    return int(cell), int(total)


def _digest(folder):
    """SHA-256 of every file below ``folder`` (bytecode caches aside)."""
    return {str(path.relative_to(folder)):
            hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def _changed(before, after):
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


class _PrivatePackage:
    """A copy of ``cs231n_layers`` that one grading run imports.

    The kernel runs :attr:`startup` first: it drops the editable install's
    import hook and puts the copy first on ``sys.path``. On exit the copy is
    deleted, and :attr:`notes` says whether the notebook changed the copy
    or the package on disk.
    """

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="cs231n-grade-"))
        shutil.copytree(PACKAGE, self.folder / PACKAGE.name,
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.startup = self.folder / "startup.py"
        self.startup.write_text(
            "__import__('sys').meta_path[:] = [\n"
            "    f for f in __import__('sys').meta_path\n"
            "    if not getattr(f, '__module__', '').startswith('__editable')]\n"
            f"__import__('sys').path.insert(0, {str(self.folder)!r})\n")
        self._copy = _digest(self.folder / PACKAGE.name)
        self._original = _digest(PACKAGE)
        self.notes = []
        return self

    def __exit__(self, *exc):
        copied = _changed(self._copy, _digest(self.folder / PACKAGE.name))
        if copied:
            self.notes.append(
                f"the notebook changed files of cs231n_layers "
                f"({', '.join(copied)}); it ran on a private copy, which was "
                f"thrown away, so no other grading sees the change")
        original = _changed(self._original, _digest(PACKAGE))
        if original:
            self.notes.append(
                f"files of cs231n_layers on disk changed during grading "
                f"({', '.join(original)}); the grade does not depend on "
                f"them, but check who changed them")
        shutil.rmtree(self.folder, ignore_errors=True)


def _children(pid="self"):
    """Process ids of the children of ``pid``, from /proc (Linux)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in
                         (task / "children").read_text().split())
        except OSError:
            pass
    return found


def _descendants(pid):
    """``pid`` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children(current)
    return found


class _Reaper:
    """Ends every process started while grading, however it detached.

    On Linux the grader becomes a "child subreaper": a process the kernel
    started and then orphaned (a daemon, a ``start_new_session`` child)
    becomes the grader's child instead of init's, so it can be found and
    ended. Elsewhere only the kernel's own descendants are ended.
    """

    def __enter__(self):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
        except (OSError, AttributeError):  # not Linux: no subreaper
            pass
        self._before = _children()
        return self

    def kill(self):
        """SIGKILL every process started since entering; how many it ended.

        Killing a parent hands its children to the grader, so this repeats
        until none is left, and reaps what it killed.
        """
        ended = set()
        for _ in range(20):
            alive = _children() - self._before
            if not alive:
                break
            for child in alive:
                for pid in reversed(_descendants(child)):
                    try:
                        os.kill(pid, signal.SIGKILL)
                        ended.add(pid)
                    except ProcessLookupError:
                        pass
                try:
                    os.waitpid(child, 0)
                except ChildProcessError:
                    pass
        return len(ended)

    def __exit__(self, *exc):
        self.kill()


class _SourceCells:
    """Answers OverwriteCells' look-ups from the instructor notebook.

    nbgrader keeps the released cells in its gradebook database; the two
    methods below are the ones OverwriteCells calls, with the same results,
    read from the release version of the instructor notebook instead.
    """

    def __init__(self, release_nb):
        self.cells = {}
        for cell in release_nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if "grade_id" in meta:
                self.cells[meta["grade_id"]] = SimpleNamespace(
                    name=meta["grade_id"], cell_type=cell.cell_type,
                    locked=utils.is_locked(cell), source=cell.source,
                    checksum=meta.get("checksum"),
                    max_score=float(meta.get("points", 0)),
                    metadata=copy.deepcopy(meta))

    def find_source_cell(self, name, notebook, assignment):
        if name not in self.cells:
            raise MissingEntry()
        return self.cells[name]

    def find_graded_cell(self, name, notebook, assignment):
        return self.find_source_cell(name, notebook, assignment)


class _OverwriteFromSource(OverwriteCells):
    """nbgrader's OverwriteCells, with :class:`_SourceCells` as database."""

    def __init__(self, source_cells, **kwargs):
        super().__init__(**kwargs)
        self.gradebook = source_cells
        # Passed to the look-ups, which ignore them: one notebook, no course.
        self.notebook_id = self.assignment_id = None

    def preprocess(self, nb, resources):
        # OverwriteCells.preprocess only opens the database, then runs
        # preprocess_cell on each cell: do the latter alone.
        return Preprocessor.preprocess(self, nb, resources)


class _TrackedExecute(Execute):
    """nbgrader's Execute, remembering which cells got a reply and which
    ran over their time (nbgrader interrupts those and goes on)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.replied = set()
        self.timed_out = set()

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        self.replied.add(kwargs["cell_index"])

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out.update(i for i, c in enumerate(self.nb.cells)
                              if c is cell)
        return await super()._async_handle_timeout(timeout, cell)


def restore(nb, source_nb, name, edition):
    """Put the instructor's locked cells back into ``nb``, in place.

    ``edition`` is the student edition of ``source_nb`` as handed out.
    Returns a list of notes for the report (edited checks, unknown ids).
    """
    release = student.release_version(source_nb, name)
    handed_out = {
        cell.metadata.nbgrader["grade_id"]: cell.source
        for cell in edition.cells
        if "nbgrader" in cell.metadata
        and "grade_id" in cell.metadata.nbgrader}
    cells = _SourceCells(release)
    notes = []
    resources = {}
    nb, resources = ClearOutput().preprocess(nb, resources)
    nb, resources = DeduplicateIds(log=_QUIET).preprocess(nb, resources)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id not in cells.cells:
            # nbgrader drops the id of a cell its database does not know.
            if (utils.is_grade(cell) or utils.is_solution(cell)
                    or utils.is_locked(cell)):
                notes.append(f"a cell with the unknown grade_id "
                             f"{grade_id!r} was not graded")
            del cell.metadata["nbgrader"]
            continue
        known = cells.cells[grade_id]
        if known.locked:
            # Flags and points come from the source, so that a check cell
            # cannot be turned into an ordinary one to escape the overwrite.
            cell.metadata["nbgrader"] = copy.deepcopy(known.metadata)
            if cell.source not in (handed_out[grade_id], known.source):
                notes.append(f"{grade_id} was edited: the instructor's "
                             f"version was used")
    nb, resources = _OverwriteFromSource(cells, log=_QUIET).preprocess(
        nb, resources)
    nb.metadata["kernelspec"] = copy.deepcopy(
        source_nb.metadata.get("kernelspec", {}))
    CheckCellMetadata().preprocess(nb, resources)
    return notes


@dataclass
class Run:
    """What happened when the notebook ran (see :func:`execute`)."""

    replied: set
    timed_out: set
    stopped_at: int = None
    reason: str = ""
    notes: list = field(default_factory=list)


def execute(nb, path, budget=(CELL_FLOOR, TOTAL_FLOOR), last=None):
    """Run ``nb`` in a fresh ``python3`` kernel from the folder ``path``.

    The kernel imports a private copy of the package; ``budget`` is
    (seconds per cell, seconds in all); only the cells up to index ``last``
    run, if it is given. Returns a :class:`Run`: the indices of the cells
    that finished and of those interrupted for time, and, if execution
    stopped early (the kernel died, or the total cap), the index of the cell
    it stopped in and why.
    """
    cell_seconds, total_seconds = budget
    skipped = nb.cells[last + 1:] if last is not None else []
    nb.cells = nb.cells[:len(nb.cells) - len(skipped)]
    capped = threading.Event()
    with _PrivatePackage() as package, _Reaper() as reaper, utils.setenv(
            NBGRADER_EXECUTION="autograde",
            CS231N_DATA_DIR=str(_data_dir())):
        executor = _TrackedExecute(
            timeout=cell_seconds, kernel_name="python3", allow_errors=True,
            record_timing=False, extra_arguments=KERNEL_ARGS + [
                f"--IPKernelApp.exec_files={package.startup}"])
        run = Run(executor.replied, executor.timed_out)

        def stop_at_cap():
            capped.set()
            reaper.kill()

        watchdog = threading.Timer(total_seconds, stop_at_cap)
        watchdog.start()
        try:
            executor.preprocess(nb, {"metadata": {"path": str(path)}})
        except Exception as err:  # a dead kernel, or nbclient giving up
            if not executor.replied:
                raise GradingError(
                    f"cannot run the notebook: {type(err).__name__}: {err}"
                ) from err
            run.reason = (
                f"the total time cap of {total_seconds} s was reached"
                if capped.is_set() else "the kernel died"
                if isinstance(err, DeadKernelError) else
                f"execution stopped ({type(err).__name__}: {err})")
            run.stopped_at = next(
                (i for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and cell.source.strip()
                 and i not in executor.replied), None)
        finally:
            watchdog.cancel()
            nb.cells = nb.cells + skipped
            left = reaper.kill()
    run.notes += package.notes
    if left:
        run.notes.append(f"{left} process(es) the notebook started were "
                         f"still running after it and were ended")
    run.notes += [f"cell {i + 1} ran over its time budget of {cell_seconds} "
                  f"s and was interrupted" for i in sorted(run.timed_out)]
    LimitOutput().preprocess(nb, {})
    return run


def _data_dir():
    """The Fashion-MNIST cache folder as the grader sees it.

    The kernel imports a copy of the package from a temporary folder, from
    which the repository's data/ folder could not be found.
    """
    from cs231n_layers.data import fashion_mnist_dir
    return fashion_mnist_dir()


def _failure_message(cell):
    """One line saying why a check cell scored less than full marks."""
    for output in cell.outputs:
        if output.output_type == "error":
            if output.ename == "ExerciseError" or not output.evalue:
                text = output.evalue or output.ename
            else:
                text = f"{output.ename}: {output.evalue}"
            return text.strip().split("\n")[0]
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            first = output.text.strip().split("\n")[0]
            return f"wrote to stderr (no points): {first}"
    return "partial credit"


def score(nb, source_nb, run, untrusted=None):
    """One :class:`CheckResult` per check cell of the instructor notebook.

    The checks after cell ``untrusted`` (see :func:`untrusted_from`) get
    no points.
    """
    by_id = {cell.metadata.nbgrader["grade_id"]: (i, cell)
             for i, cell in enumerate(nb.cells)
             if "nbgrader" in cell.metadata
             and "grade_id" in cell.metadata.nbgrader}
    replied, stopped_at, reason = run.replied, run.stopped_at, run.reason
    results = []
    for cell in source_nb.cells:
        if not utils.is_grade(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        max_points = float(cell.metadata.nbgrader["points"])
        result = CheckResult(grade_id, exercise_of(grade_id), 0.0,
                             max_points, "passed")
        results.append(result)
        if grade_id not in by_id:
            result.status = "missing"
            result.message = "check cell missing from the notebook"
            continue
        index, graded = by_id[grade_id]
        if untrusted is not None and index > untrusted:
            result.status = "failed"
            result.message = (f"not graded: cell {untrusted + 1} reaches "
                              f"into the checkers (cs231n_layers.checks)")
            continue
        if index not in replied:
            result.status = "not run"
            reason = reason or "execution stopped"
            result.message = (f"{reason} while running this check"
                              if index == stopped_at else
                              f"did not run ({reason} earlier)")
            continue
        points, _ = utils.determine_grade(graded, _QUIET)
        if points is None:  # a manually graded cell: none in this course
            result.status, result.message = "failed", "needs manual grading"
            continue
        result.points = float(points)
        if result.points < max_points:
            result.status = "failed" if result.points == 0 else "partial"
            result.message = _failure_message(graded)
            exercise_cell = by_id.get(result.exercise, (None,))[0]
            if index in run.timed_out:
                result.message = "ran over its time budget and was interrupted"
            elif exercise_cell in run.timed_out:
                result.message = ("its exercise cell ran over its time "
                                  "budget; " + result.message)
    return results


def grade(notebook, source=None, timeout=None, output=None, all_cells=False):
    """Grade one filled-in student notebook; return a :class:`Report`.

    ``source`` is the instructor notebook (default: the one in notebooks/
    sharing the most grade_ids). ``timeout`` overrides the seconds per cell
    that :func:`time_budget` gives. ``output``, if given, is where the
    executed notebook goes. The cells after the last check cell cannot
    change a score, so they run only if ``all_cells`` is true.
    """
    notebook = Path(notebook)
    nb = read_notebook(notebook)
    source = Path(source) if source else find_source(nb)
    source_nb = read_notebook(source)
    cell_seconds, total_seconds = time_budget(source_nb)
    budget = (timeout or cell_seconds, total_seconds)
    report = Report(str(_shown(notebook)), str(_shown(source)), [])
    name = student.notebook_name(source)
    try:
        edition = student.student_version(source_nb, name)
        report.notes += restore(nb, source_nb, name, edition)
    except Exception as err:  # nbgrader raises plain exceptions
        raise GradingError(
            f"cannot restore the check cells: {type(err).__name__}: {err}"
        ) from err
    untrusted = untrusted_from(nb, edition)
    if untrusted is not None:
        report.notes.append(
            f"cell {untrusted + 1} imports, names or changes the checkers "
            f"(cs231n_layers.checks): the checks after it got no points")
    checks = [i for i, cell in enumerate(nb.cells) if utils.is_grade(cell)]
    last = None if all_cells or not checks else checks[-1]
    run = execute(nb, notebook.resolve().parent, budget, last)
    report.notes += run.notes
    if run.reason:
        report.stopped_early = True
        where = (f" while running cell {run.stopped_at + 1} of "
                 f"{len(nb.cells)}" if run.stopped_at is not None else "")
        report.notes.append(f"{run.reason}{where}; the checks that did not "
                            f"run got no points")
    report.checks = score(nb, source_nb, run, untrusted)
    if output:
        nbformat.write(nb, output)
    return report


def _points(value):
    return f"{value:g}"


def format_report(report):
    """The table the grader prints: points per exercise, then the total."""
    rows = report.exercises()
    width = max([len("exercise")] + [len(row["exercise"]) for row in rows])
    lines = [f"Grading {report.notebook}",
             f"  against {report.source} (hidden tests included)", "",
             f"{'exercise':<{width}}  {'points':>9}  result"]
    for row in rows:
        points = f"{_points(row['points'])} / {_points(row['max_points'])}"
        result = ("passed" if row["status"] == "passed"
                  else "; ".join(row["messages"]))
        lines.append(f"{row['exercise']:<{width}}  {points:>9}  {result}")
    lines.append("")
    lines += [f"note: {note}" for note in report.notes]
    lines.append(f"total: {_points(report.total)} / "
                 f"{_points(report.max_total)}")
    return "\n".join(lines)


def _shown(path):
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook", type=Path,
                        help="the filled-in student notebook")
    parser.add_argument("--source", type=Path,
                        help="instructor notebook (default: the one in "
                             "notebooks/ with the same exercises)")
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="also write the grades as JSON")
    parser.add_argument("--output", type=Path, metavar="PATH",
                        help="also write the executed notebook")
    parser.add_argument("--all-cells", action="store_true",
                        help="also run the cells after the last check cell "
                             "(they cannot change a score)")
    parser.add_argument("--timeout", type=int,
                        help=f"seconds per cell (default: {CELL_FACTOR} "
                             f"times the instructor's slowest cell, at least "
                             f"{CELL_FLOOR})")
    args = parser.parse_args(argv)
    if not args.notebook.exists():
        print(f"grade: no such notebook: {args.notebook}", file=sys.stderr)
        return 1
    try:
        report = grade(args.notebook, args.source, args.timeout, args.output,
                       args.all_cells)
    except GradingError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
