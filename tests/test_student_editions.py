"""The generated student editions (tools/student.py), read and graded as a
student's copy would be.

- A wrong answer that breaks a rule the text teaches scores zero when
  graded: a max-pool backward that splits tied maxima (notebook 03), a
  learn_kernel that records each loss after its update (notebook 01).
- No solution line of an exercise appears in a student edition before that
  exercise's check cell: not in code, prose or stored outputs.
- "Exercise N" headings count 1, 2, 3... in reading order, one per
  exercise, each with a graded check worth the points it announces, and
  every "exercise N" in the prose names one of them.
- The outputs of cells that depend on an exercise are cleared.

The static tests run on every notebook in notebooks/; the two gradings run
one notebook each (a few seconds).
"""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(name):
    spec = importlib.util.spec_from_file_location(
        f"tools_{name}_editions", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


student = _load("student")
grade = _load("grade")

SOLUTION_RE = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?",
    re.MULTILINE | re.DOTALL)
# A statement too plain to give an answer away: a bare name or a return of
# names (``return out``, ``return dx, dw, db``), pass, a lone keyword, or
# a loop over the range of a size (``for n in range(N):``), which the
# exercises' prose prescribes ("loop over n, c, i and j").
TRIVIAL_RE = re.compile(r"(return\s+)?[\w.]+(\s*,\s*[\w.]+)*|pass|else:|"
                        r"try:|break|continue|for \w+ in range\(\w+\):")
MIN_LENGTH = 12


def _ids(paths):
    return [path.stem for path in paths]


def _normal(line):
    return " ".join(line.split())


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _solution_cells(nb):
    return [(index, cell) for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and utils.is_solution(cell)]


def _check_index(nb, grade_id):
    """Index of the exercise's graded check cell, ``<grade_id>_check``."""
    for index, cell in enumerate(nb.cells):
        if _grade_id(cell) == f"{grade_id}_check" and utils.is_grade(cell):
            return index
    return None


def _edition(path):
    nb = nbformat.read(path, as_version=4)
    return nb, student.student_version(nb, student.notebook_name(path))


def _texts(cell):
    """The source of a cell and the text of its stored outputs."""
    yield cell.source
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield output.get("text", "")
        for key, value in output.get("data", {}).items():
            if key.startswith("text/") and isinstance(value, str):
                yield value


def _logical_lines(source):
    """The statements of ``source``, one string each: a statement written
    over several lines is joined into one, so that its fragments
    (``gamma.shape, "train")``) are never compared on their own."""
    lines, current, depth = [], [], 0
    for line in source.split("\n"):
        code = line.split("  #")[0] if not line.lstrip().startswith("#") \
            else line
        current.append(code)
        depth += sum(code.count(c) for c in "([{") - sum(
            code.count(c) for c in ")]}")
        if depth <= 0 and not code.rstrip().endswith("\\"):
            lines.append(_normal(" ".join(current)))
            current, depth = [], 0
    if current:
        lines.append(_normal(" ".join(current)))
    return lines


def _telling_lines(solution_source, stub_source):
    """The solution region's statements that could give the answer away."""
    stub = set(_logical_lines(stub_source))
    lines = set()
    for region in SOLUTION_RE.findall(solution_source):
        for code in _logical_lines(region):
            if (len(code) >= MIN_LENGTH and not code.startswith("#")
                    and not TRIVIAL_RE.fullmatch(code) and code not in stub):
                lines.add(code)
    return lines


def _shown_text(cell):
    """What a reader of the cell sees, whitespace normalised: its
    statements (code) or its text, and the text of its outputs."""
    pieces = list(_texts(cell))
    if cell.cell_type == "code":
        pieces[0] = "\n".join(_logical_lines(pieces[0]))
    return "\n".join([pieces[0]] + [_normal(piece) for piece in pieces[1:]]
                     if cell.cell_type == "code" else
                     [_normal(piece) for piece in pieces])


def leaked_solution_lines(source_nb, edition):
    """``(grade_id, cell index, line)`` for each solution statement that the
    student edition shows before the exercise's check cell."""
    leaks = []
    for index, cell in _solution_cells(source_nb):
        grade_id = _grade_id(cell)
        check = _check_index(source_nb, grade_id)
        lines = _telling_lines(cell.source, edition.cells[index].source)
        for before in range(check if check is not None else len(
                edition.cells)):
            if before == index:
                continue
            text = _shown_text(edition.cells[before])
            if edition.cells[before].cell_type != "code":
                text = _normal(text)
            leaks += [(grade_id, before, line) for line in sorted(lines)
                      if line in text]
    return leaks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_solution_line_before_its_check(path):
    source_nb, edition = _edition(path)
    leaks = leaked_solution_lines(source_nb, edition)
    assert not leaks, "\n".join(
        f"{path.name}: cell {cell} shows the solution line of {grade_id}: "
        f"{line!r}" for grade_id, cell, line in leaks)


def test_the_leak_finder_finds_a_leak():
    source = FIXTURE_NB()
    edition = student.student_version(source, "grading_fixture")
    assert leaked_solution_lines(source, edition) == []
    telling = sorted(_telling_lines(_solution_cells(source)[0][1].source,
                                    ""))
    assert telling, "the fixture's first solution has no telling line"
    edition.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"Hint: `{telling[0]}`"))
    edition.cells.insert(0, nbformat.v4.new_markdown_cell("shift"))
    source.cells.insert(0, nbformat.v4.new_markdown_cell(""))
    source.cells.insert(0, nbformat.v4.new_markdown_cell(""))
    leaks = leaked_solution_lines(source, edition)
    assert [(cell, line) for _, cell, line in leaks] == [(1, telling[0])]


def FIXTURE_NB():
    return nbformat.read(ROOT / "tests" / "fixtures" /
                         "grading_fixture.ipynb", as_version=4)


# --- exercise numbers -------------------------------------------------------

HEADING_RE = re.compile(
    r"^(?:\*\*|#{2,4} )Exercise (\d+)\b[^\n]*?\((\d+) points?\)",
    re.MULTILINE)
MENTION_RE = re.compile(r"\b[Ee]xercises? (\d+)\b")


def exercise_headings(nb):
    """``(cell index, number, points)`` of each "Exercise N" heading."""
    return [(index, int(m.group(1)), int(m.group(2)))
            for index, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown"
            for m in HEADING_RE.finditer(cell.source)]


def numbering_problems(nb):
    """What is wrong with a notebook's exercise numbering, as sentences."""
    headings = exercise_headings(nb)
    solutions = _solution_cells(nb)
    problems = []
    numbers = [number for _, number, _ in headings]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"the exercise headings read {numbers} in reading "
                        f"order, not 1, 2, 3...")
    if len(headings) != len(solutions):
        problems.append(f"{len(headings)} exercise headings for "
                        f"{len(solutions)} exercise cells")
    bounds = [index for index, _, _ in headings[1:]] + [len(nb.cells)]
    for (at, number, points), until, (index, cell) in zip(
            headings, bounds, solutions):
        grade_id = _grade_id(cell)
        check = _check_index(nb, grade_id)
        if not at < index < until:
            problems.append(f"Exercise {number} (cell {at}) is not followed "
                            f"by its exercise cell; the next is {grade_id} "
                            f"(cell {index})")
        if check is None:
            problems.append(f"Exercise {number} ({grade_id}) has no graded "
                            f"check cell")
            continue
        scored = nb.cells[check].metadata.nbgrader.get("points", 0)
        if scored != points or not scored > 0:
            problems.append(f"Exercise {number} announces {points} points, "
                            f"its check gives {scored}")
    heading_cells = {at for at, _, _ in headings}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = HEADING_RE.sub("", cell.source) if index in heading_cells \
            else cell.source
        for m in MENTION_RE.finditer(text):
            if not 1 <= int(m.group(1)) <= len(headings):
                problems.append(f"cell {index} mentions \"{m.group(0)}\", "
                                f"but there are {len(headings)} exercises")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_exercises_are_numbered_in_reading_order(path):
    problems = numbering_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_numbering_problems_are_found():
    nb = nbformat.v4.new_notebook()
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    def exercise(grade_id, points):
        cell = code("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                    "    ### END SOLUTION")
        cell.metadata.nbgrader = {"grade_id": grade_id, "solution": True,
                                  "grade": False, "locked": False,
                                  "schema_version": 3}
        check = code("check(f)")
        check.metadata.nbgrader = {"grade_id": f"{grade_id}_check",
                                   "solution": False, "grade": True,
                                   "locked": True, "points": points,
                                   "schema_version": 3}
        return [cell, check]

    nb.cells = ([md("**Exercise 1 (2 points).** One.")] + exercise("a", 2)
                + [md("### Exercise 3: `g` (1 point)")] + exercise("b", 1)
                + [md("As in exercise 2.")])
    assert numbering_problems(nb) == [
        "the exercise headings read [1, 3] in reading order, not 1, 2, 3..."]
    nb.cells[3].source = "### Exercise 2: `g` (2 points)"
    nb.cells[6].source = "As in exercise 7."
    assert numbering_problems(nb) == [
        "Exercise 2 announces 2 points, its check gives 1",
        "cell 6 mentions \"exercise 7\", but there are 2 exercises"]


# --- outputs that depend on an exercise -------------------------------------

def test_dependent_cells_follow_names_transitively():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    solution = code("def learn(x):\n    ### BEGIN SOLUTION\n    return x\n"
                    "    ### END SOLUTION")
    solution.metadata.nbgrader = {"grade_id": "learn", "solution": True,
                                  "grade": False, "locked": False,
                                  "schema_version": 3}
    nb.cells = [
        code("import numpy as np\nout = np.zeros(3)"),            # 0
        solution,                                                 # 1
        md("text"),                                               # 2
        code("try:\n    k = learn(2)\nexcept NotImplementedError:\n"
             "    k = None"),                                     # 3
        code("%time print(k)"),                                   # 4
        code("k = 5\nprint(out)"),                                # 5
        code("print(k)"),                                         # 6
        code("def show():\n    return learn(1)\n"),               # 7
        code("show()"),                                           # 8
    ]
    assert student.exercise_dependents(nb) == [3, 4, 7, 8]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_outputs_that_depend_on_an_exercise_are_cleared(path):
    source_nb, edition = _edition(path)
    dependents = student.exercise_dependents(source_nb)
    for index in dependents:
        assert edition.cells[index].outputs == []
        assert edition.cells[index].execution_count is None
    for index, cell in enumerate(edition.cells):
        if (cell.cell_type == "code" and index not in dependents
                and not utils.is_solution(cell) and not utils.is_grade(cell)):
            assert cell.outputs == source_nb.cells[index].outputs


def test_the_learned_kernel_and_its_loss_curve_are_cleared_in_01():
    source_nb, edition = _edition(ROOT / "notebooks" /
                                  "01_cross_correlation.ipynb")
    shown = [index for index, cell in enumerate(source_nb.cells)
             if cell.cell_type == "code" and not utils.is_solution(cell)
             and re.search(r"\blearn_kernel\(|\blosses\b", cell.source)]
    assert len(shown) >= 2, shown
    assert set(shown) <= set(student.exercise_dependents(source_nb))
    for index in shown:
        assert source_nb.cells[index].outputs, index  # stored in the source
        assert edition.cells[index].outputs == [], index


# --- grading editions with a wrong answer ----------------------------------

def _answer(source_nb, grade_id, body):
    """The exercise cell as a student would fill it: the instructor's cell
    with ``body`` in place of the solution region."""
    cell, = [c for c in source_nb.cells if _grade_id(c) == grade_id]
    assert len(SOLUTION_RE.findall(cell.source)) == 1
    return SOLUTION_RE.sub(lambda m: body, cell.source)


def _grade_with(path, grade_id, body, tmp_path):
    source_nb, edition = _edition(path)
    for cell in edition.cells:
        if _grade_id(cell) == grade_id:
            cell.source = _answer(source_nb, grade_id, body)
    work = tmp_path / path.name
    nbformat.write(edition, work)
    report = grade.grade(work, path)
    rows = {row["exercise"]: row for row in report.exercises()}
    return rows[grade_id]


SPLIT_TIES = """\
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    rows = slice(i * S, i * S + PH)
                    cols = slice(j * S, j * S + PW)
                    window = x[n, c, rows, cols]
                    winners = window == window.max()
                    dx[n, c, rows, cols] += (winners * dout[n, c, i, j]
                                             / winners.sum())
    return dx
"""

LOSS_AFTER_UPDATE = """\
    for _ in range(num_steps):
        R = cl.corr2d(X, K) - Y
        K = K - learning_rate * cl.corr2d(X, R) / R.size
        losses.append(float(0.5 * np.mean((cl.corr2d(X, K) - Y) ** 2)))
    return K, losses
"""


def test_a_tie_splitting_max_pool_backward_scores_zero(tmp_path):
    row = _grade_with(ROOT / "notebooks" / "03_naive_conv_pool.ipynb",
                      "nb03_max_pool_backward_naive", SPLIT_TIES, tmp_path)
    assert row["max_points"] > 0
    assert row["points"] == 0, row
    message, = row["messages"]
    assert message.startswith("max_pool_backward_naive: worst element dx[")
    assert "the first in row-major order gets the whole gradient" in message


def test_a_loss_after_update_learn_kernel_scores_zero(tmp_path):
    row = _grade_with(ROOT / "notebooks" / "01_cross_correlation.ipynb",
                      "nb01_learn_kernel", LOSS_AFTER_UPDATE, tmp_path)
    assert row["max_points"] > 0
    assert row["points"] == 0, row
    message, = row["messages"]
    assert message.startswith("learn_kernel: losses[0] is ")
    assert "record each loss before its update" in message
