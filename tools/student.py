"""Write the student edition of the course notebooks (``make student``).

The instructor notebooks in notebooks/ are the one source: each exercise's
solution sits between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
markers and each check cell may hold ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS``. This script runs nbgrader's own preprocessors on
each notebook, in the order ``nbgrader generate_assignment`` runs them, from
plain Python and without a course folder or database:

- LockCells marks check cells undeletable and uneditable, exercise cells
  undeletable;
- ClearSolutions (with a stub naming the exercise, see :class:`NamedStubs`)
  replaces each solution region; the signature, docstring and hint comments
  before the region stay;
- ClearOutput's per-cell step clears the outputs of exercise and check
  cells, and of every cell that depends on an exercise (see
  :func:`exercise_dependents`: a learned kernel or a loss curve cannot stand
  under a stub that did not produce it); every other cell keeps its stored
  output for the reader;
- ComputeChecksums records each nbgrader cell's checksum;
- ClearHiddenTests removes the hidden tests, then the checksums are computed
  again, as nbgrader does.

Usage::

    .venv/bin/python tools/student.py           # notebooks/ -> build/student/
    .venv/bin/python tools/student.py notebooks/03_*.ipynb --out /tmp/student
    .venv/bin/python tools/student.py --force   # overwrite edited copies

(``make student`` runs the first; ``.venv`` is the environment it makes.)

A notebook already in the output folder that differs from the fresh edition
(say, one a student has filled in) is kept unless ``--force`` is given.
"""
import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader import utils
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)
from traitlets import Unicode

from _common import NOTEBOOK_GLOB, NOTEBOOKS, STUDENT_DIR

MAX_COLUMNS = 79


def stub_source(grade_id, notebook, indent=0):
    """The code that stands in for one solution region.

    ``# YOUR CODE HERE`` and a ``raise NotImplementedError`` whose message
    names the exercise and the notebook. When the one-line form, indented by
    ``indent`` columns, would pass 79 columns, the message is split at its
    phrases into implicitly joined string literals.
    """
    phrases = [f"Exercise {grade_id}: ", "replace this line with your code ",
               f"(notebook {notebook})"]
    one_line = f"raise NotImplementedError({json.dumps(''.join(phrases))})"
    if indent + len(one_line) <= MAX_COLUMNS:
        return "# YOUR CODE HERE\n" + one_line
    # Continuation lines: four more columns, two quotes, a closing paren.
    width = MAX_COLUMNS - indent - 4 - 3
    pieces = [phrases[0]]
    for phrase in phrases[1:]:
        if len(pieces[-1]) + len(phrase) <= width:
            pieces[-1] += phrase
        else:
            pieces.append(phrase)
    literals = [json.dumps(piece) for piece in pieces]
    literals[-1] += ")"
    return "\n".join(["# YOUR CODE HERE", "raise NotImplementedError("]
                     + ["    " + literal for literal in literals])


class NamedStubs(ClearSolutions):
    """nbgrader's ClearSolutions, with a stub that names the exercise.

    ``code_stub`` is one text per language in nbgrader; here it is set, cell
    by cell, to :func:`stub_source` for the cell's ``grade_id`` and the
    indentation of its ``### BEGIN SOLUTION`` line, then nbgrader replaces
    the region (and indents every stub line like that marker) as usual.
    """

    notebook = Unicode("", help="Notebook name put into the stub message")

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_solution(cell):
            indent = 0
            for line in cell.source.split("\n"):
                if self.begin_solution_delimeter in line:
                    indent = len(re.match(r"\s*", line).group(0))
                    break
            stub = stub_source(cell.metadata.nbgrader["grade_id"],
                               self.notebook, indent)
            self.code_stub = {**self.code_stub,
                              resources["language"]: stub}
        return super().preprocess_cell(cell, resources, cell_index)


def _python(source):
    """The cell's code as a Python syntax tree (IPython magics turned into
    calls first), or None when it is not Python."""
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return None


def _top_level_bindings(tree):
    """Names a cell binds in the notebook's namespace: assignments, loop and
    ``with`` targets, imports, functions and classes, outside any function
    or class body."""
    bound = set()

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef)):
            bound.add(node.name)
            return  # names bound inside the body are local to it
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return bound


def _reads(tree):
    """Every name the cell reads, inside function bodies and ``try``
    blocks included, and in the code a magic runs (``%time f(x)``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif (isinstance(node, ast.Call)
              and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("run_line_magic", "run_cell_magic")
              and node.args and isinstance(node.args[-1], ast.Constant)
              and isinstance(node.args[-1].value, str)):
            inner = _python(node.args[-1].value)
            if inner is not None:
                names |= _reads(inner)
    return names


def exercise_dependents(nb):
    """Indices of the code cells whose output depends on an exercise.

    The rule, cell by cell in notebook order:

    - an exercise (solution) cell *taints* the names it binds (the
      student's functions);
    - any other code cell that reads a tainted name depends on an
      exercise, and taints the names it binds in turn (so the cell that
      plots ``losses`` depends on the one that ran ``learn_kernel``);
    - a cell that does not depend on an exercise and binds a tainted name
      anew clears the taint (``out = cl.conv_forward_naive(...)``).

    Reading a name counts wherever it happens, inside a ``try`` that
    catches the stub's NotImplementedError too: such a cell shows a result
    of the student's code once it runs. Check cells are left out (their
    outputs are cleared anyway).
    """
    tainted, dependents = set(), []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or utils.is_grade(cell):
            continue
        tree = _python(cell.source)
        if tree is None:
            continue
        bound = _top_level_bindings(tree)
        if utils.is_solution(cell):
            tainted |= bound
        elif _reads(tree) & tainted:
            dependents.append(index)
            tainted |= bound
        else:
            tainted -= bound
    return dependents


class ClearExerciseOutput(ClearOutput):
    """nbgrader's ClearOutput, applied to exercise and check cells and to
    the cells that depend on an exercise (:func:`exercise_dependents`)."""

    def preprocess(self, nb, resources):
        self._dependents = set(exercise_dependents(nb))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if (utils.is_solution(cell) or utils.is_grade(cell)
                or cell_index in self._dependents):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources


def _run(nb, preprocessors):
    resources = {}
    for preprocessor in preprocessors:
        nb, resources = preprocessor.preprocess(nb, resources)
    return nb


def release_version(nb, notebook):
    """The notebook with solutions stubbed out but hidden tests still in.

    This is the state in which ``nbgrader generate_assignment`` saves the
    source cells to its database (its SaveCells step), and what the grader
    restores locked cells from. ``notebook`` is the name put into the stubs.
    Returns a new notebook; ``nb`` is not changed.
    """
    return _run(copy.deepcopy(nb), [
        LockCells(),
        NamedStubs(notebook=notebook),
        ClearExerciseOutput(),
        CheckCellMetadata(),
        ComputeChecksums(),
    ])


def student_version(nb, notebook):
    """The student edition of one instructor notebook (a new notebook)."""
    return _run(release_version(nb, notebook), [
        ClearHiddenTests(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ])


def notebook_name(path):
    """The name the stubs use for a notebook: its file name, no suffix."""
    return Path(path).stem


def write_edition(sources, out_dir, force=False):
    """Write the student edition of each path in ``sources`` to ``out_dir``.

    Returns a list of ``(destination, status)`` with status ``"wrote"``,
    ``"up to date"`` or ``"kept"`` (an existing, different copy that was
    not overwritten because ``force`` is false).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for source in sources:
        source = Path(source)
        try:
            nb = nbformat.read(source, as_version=4)
            student = student_version(nb, notebook_name(source))
        except Exception as err:  # nbgrader raises plain exceptions
            raise RuntimeError(f"{source}: {type(err).__name__}: {err}") \
                from err
        text = nbformat.writes(student)
        if not text.endswith("\n"):
            text += "\n"
        dest = out_dir / source.name
        if dest.exists():
            if dest.read_text(encoding="utf-8") == text:
                results.append((dest, "up to date"))
                continue
            if not force:
                results.append((dest, "kept"))
                continue
        dest.write_text(text, encoding="utf-8")
        results.append((dest, "wrote"))
    return results


def _shown(path):
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help=f"instructor notebooks (default: "
                             f"notebooks/{NOTEBOOK_GLOB})")
    parser.add_argument("--out", type=Path, default=STUDENT_DIR,
                        help="output folder (default: build/student)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite copies that differ from the fresh "
                             "edition (a student's work is lost)")
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted(NOTEBOOKS.glob(NOTEBOOK_GLOB))
    if not sources:
        print("No notebooks to convert.", file=sys.stderr)
        return 1
    try:
        results = write_edition(sources, args.out, force=args.force)
    except (RuntimeError, OSError) as err:
        print(f"make student failed: {err}", file=sys.stderr)
        return 1
    kept = 0
    for dest, status in results:
        print(f"{status:10s} {_shown(dest)}")
        kept += status == "kept"
    if kept:
        print(f"{kept} notebook(s) differ from the fresh edition (your work?) "
              f"and were kept; delete them, or run "
              f"`.venv/bin/python tools/student.py --force`, to start "
              f"afresh.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
