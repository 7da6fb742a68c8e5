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

The instructor notebook is the one of the same file name in notebooks/
(``--source`` picks another). The exit code is 0 whenever grading worked,
however many points were lost; 1 when grading itself failed.

Usage::

    python tools/grade.py build/student/03_naive_conv_pool.ipynb
    python tools/grade.py my.ipynb --source notebooks/03_naive_conv_pool.ipynb
    python tools/grade.py NB.ipynb --json grades.json --output graded.ipynb
"""
import argparse
import copy
import importlib.util
import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

import nbformat
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

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_TIMEOUT = 600  # seconds per cell; nbgrader's own default is 30
# Keeps the kernel's own start-up warnings (about its TCP transport) out of
# the grader's report; the notebook's outputs are not affected.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]

_spec = importlib.util.spec_from_file_location(
    "cs231n_student_edition", Path(__file__).resolve().parent / "student.py")
student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student)

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


def find_source(notebook, notebooks_dir=NOTEBOOKS):
    """The instructor notebook with the same file name as ``notebook``."""
    source = Path(notebooks_dir) / Path(notebook).name
    if not source.exists():
        raise GradingError(
            f"no instructor notebook {_shown(source)}: the grader matches "
            f"the student's notebook by its file name; pass --source "
            f"notebooks/<name>.ipynb if you renamed it")
    return source


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
    """nbgrader's Execute, remembering which cells got a reply."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.replied = set()

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        self.replied.add(kwargs["cell_index"])


def restore(nb, source_nb, name):
    """Put the instructor's locked cells back into ``nb``, in place.

    Returns a list of notes for the report (edited checks, unknown ids).
    """
    release = student.release_version(source_nb, name)
    handed_out = {
        cell.metadata.nbgrader["grade_id"]: cell.source
        for cell in student.student_version(source_nb, name).cells
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


def execute(nb, path, timeout=DEFAULT_TIMEOUT, last=None):
    """Run ``nb`` in a fresh ``python3`` kernel from the folder ``path``.

    Only the cells up to index ``last`` run, if it is given. Returns
    ``(replied, stopped_at, reason)``: the indices of the cells that
    finished, and, if execution stopped early (the kernel died), the index
    of the cell it stopped in and why; otherwise ``None, ""``.
    """
    executor = _TrackedExecute(timeout=timeout, kernel_name="python3",
                               allow_errors=True, record_timing=False,
                               extra_arguments=KERNEL_ARGS)
    stopped_at, reason = None, ""
    skipped = nb.cells[last + 1:] if last is not None else []
    nb.cells = nb.cells[:len(nb.cells) - len(skipped)]
    with utils.setenv(NBGRADER_EXECUTION="autograde"):
        try:
            executor.preprocess(nb, {"metadata": {"path": str(path)}})
        except Exception as err:  # a dead kernel, or nbclient giving up
            if not executor.replied:
                raise GradingError(
                    f"cannot run the notebook: {type(err).__name__}: {err}"
                ) from err
            reason = ("the kernel died" if isinstance(err, DeadKernelError)
                      else f"execution stopped ({type(err).__name__}: "
                           f"{err})")
            stopped_at = next(
                (i for i, cell in enumerate(nb.cells)
                 if cell.cell_type == "code" and cell.source.strip()
                 and i not in executor.replied), None)
        finally:
            nb.cells = nb.cells + skipped
    LimitOutput().preprocess(nb, {})
    return executor.replied, stopped_at, reason


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


def score(nb, source_nb, replied, stopped_at=None, reason=""):
    """One :class:`CheckResult` per check cell of the instructor notebook."""
    by_id = {cell.metadata.nbgrader["grade_id"]: (i, cell)
             for i, cell in enumerate(nb.cells)
             if "nbgrader" in cell.metadata
             and "grade_id" in cell.metadata.nbgrader}
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
    return results


def grade(notebook, source=None, timeout=DEFAULT_TIMEOUT, output=None,
          all_cells=False):
    """Grade one filled-in student notebook; return a :class:`Report`.

    ``source`` is the instructor notebook (default: found by file name in
    notebooks/). ``output``, if given, is where the executed notebook goes.
    The cells after the last check cell cannot change a score, so they run
    only if ``all_cells`` is true.
    """
    notebook = Path(notebook)
    source = Path(source) if source else find_source(notebook)
    try:
        nb = nbformat.read(notebook, as_version=4)
        source_nb = nbformat.read(source, as_version=4)
    except (OSError, ValueError) as err:  # nbformat's errors are ValueErrors
        raise GradingError(f"cannot read a notebook: {err}") from err
    report = Report(str(_shown(notebook)), str(_shown(source)), [])
    try:
        report.notes += restore(nb, source_nb, student.notebook_name(source))
    except Exception as err:  # nbgrader raises plain exceptions
        raise GradingError(
            f"cannot restore the check cells: {type(err).__name__}: {err}"
        ) from err
    checks = [i for i, cell in enumerate(nb.cells) if utils.is_grade(cell)]
    last = None if all_cells or not checks else checks[-1]
    replied, stopped_at, reason = execute(nb, notebook.resolve().parent,
                                          timeout, last)
    if reason:
        report.stopped_early = True
        where = (f" while running cell {stopped_at + 1} of {len(nb.cells)}"
                 if stopped_at is not None else "")
        report.notes.append(f"{reason}{where}; the checks that did not run "
                            f"got no points")
    report.checks = score(nb, source_nb, replied, stopped_at, reason)
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
                        help="instructor notebook (default: the one of the "
                             "same name in notebooks/)")
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="also write the grades as JSON")
    parser.add_argument("--output", type=Path, metavar="PATH",
                        help="also write the executed notebook")
    parser.add_argument("--all-cells", action="store_true",
                        help="also run the cells after the last check cell "
                             "(they cannot change a score)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=f"seconds per cell (default {DEFAULT_TIMEOUT})")
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
