"""The student edition (tools/student.py) and the grader (tools/grade.py).

First on a small fixture notebook with three exercises
(tests/fixtures/grading_fixture.ipynb), then on every course notebook that
has exercises: its student edition hides every solution, the instructor
notebook gets full marks, the untouched student edition zero (and the rest
of the notebook still runs), and filling in one exercise earns exactly that
exercise's points.
"""
import ast
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient
from nbgrader import utils

import grade
import student
from _hidden_tests import hidden_calls, hidden_cases, literals, normal

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "grading_fixture.ipynb"


SOLUTION_RE = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION",
    re.MULTILINE | re.DOTALL)


# --- helpers -------------------------------------------------------------

def by_grade_id(nb):
    return {cell.metadata.nbgrader["grade_id"]: cell for cell in nb.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})}


def exercises(nb):
    """grade_id of each exercise (solution cell), in notebook order."""
    return [cell.metadata.nbgrader["grade_id"] for cell in nb.cells
            if utils.is_solution(cell)]


def max_points(nb):
    """Points per exercise, from the notebook's check cells."""
    points = {}
    for cell in nb.cells:
        if utils.is_grade(cell):
            name = grade.exercise_of(cell.metadata.nbgrader["grade_id"])
            points[name] = points.get(name, 0) + cell.metadata.nbgrader[
                "points"]
    return points


def points_of(report):
    return {row["exercise"]: row["points"] for row in report.exercises()}


def make_student(source, out_dir):
    (path, status), = student.write_edition([source], out_dir)
    assert status == "wrote"
    return path


def edit(path, change):
    """Apply ``change(nb)`` to the notebook at ``path``; return the path."""
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)
    return path


def fill(source_nb, *grade_ids):
    """A change that copies the instructor's solution cells in."""
    solutions = by_grade_id(source_nb)

    def change(nb):
        cells = by_grade_id(nb)
        for grade_id in grade_ids:
            cells[grade_id].source = solutions[grade_id].source
    return change


def set_source(grade_id, source):
    def change(nb):
        by_grade_id(nb)[grade_id].source = source
    return change


def only_line(cell):
    """The traceback of the one error a cell shows, as a list of lines."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0].traceback


def shown_hidden_cases(source_path, edition):
    """The hidden cases of the notebook at ``source_path`` (the literal
    arguments of its hidden-test blocks) that ``edition`` still holds."""
    shown = set()
    for cell in edition.cells:
        if cell.cell_type == "code":
            shown |= literals(cell.source, ipython=True)
    calls = hidden_calls((Path(source_path),))
    assert calls, f"{source_path} has no hidden-test block"
    return [(str(call), case) for call in calls
            for case in hidden_cases(call) if normal(case) in shown]


def solution_only_lines(source):
    """Code lines of the solution regions that occur nowhere else in the
    cell (comments and blank lines left out)."""
    kept = SOLUTION_RE.sub("", source)
    kept_lines = {line.strip() for line in kept.split("\n")}
    return {line.strip()
            for region in SOLUTION_RE.findall(source)
            for line in region.split("\n")
            if line.strip() and not line.strip().startswith("#")
            and line.strip() not in kept_lines}


# --- the student edition of the fixture ------------------------------------

@pytest.fixture(scope="module")
def fixture_nb():
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    path = make_student(FIXTURE, tmp_path_factory.mktemp("student"))
    return nbformat.read(path, as_version=4)


def test_stub_keeps_signature_docstring_and_names_the_exercise(edition):
    cells = by_grade_id(edition)
    assert exercises(edition) == ["fx_relu", "fx_scaler_apply",
                                  "fx_row_sums"]
    relu = cells["fx_relu"].source
    assert relu.startswith("def relu(x):\n    \"\"\"Elementwise")
    assert "    # Hint: numpy has an elementwise maximum.\n" \
           "    # YOUR CODE HERE\n    raise NotImplementedError(" in relu
    namespace = {}
    exec(relu, namespace)
    with pytest.raises(NotImplementedError) as err:
        namespace["relu"](1.0)
    assert str(err.value) == ("Exercise fx_relu: replace this line with "
                              "your code (notebook grading_fixture)")
    # A method: the stub is indented like its BEGIN SOLUTION line.
    scaler = cells["fx_scaler_apply"].source
    assert "\n        # YOUR CODE HERE\n        raise NotImplementedError(" \
        in scaler
    exec(scaler, namespace)
    with pytest.raises(NotImplementedError, match="fx_scaler_apply"):
        namespace["Scaler"](2.0).apply(1.0)
    for cell in edition.cells:
        for line in cell.source.split("\n"):
            assert len(line) <= 79, line


def test_stub_source_wraps_to_79_columns_and_keeps_the_message():
    for indent in (0, 4, 8, 12, 40):
        stub = student.stub_source("nb05_three_layer_convnet_loss",
                                   "05_three_layer_convnet", indent)
        lines = stub.split("\n")
        assert lines[0] == "# YOUR CODE HERE"
        assert all(indent + len(line) <= 79 for line in lines[:2])
        with pytest.raises(NotImplementedError) as err:
            exec(stub, {})
        assert str(err.value) == (
            "Exercise nb05_three_layer_convnet_loss: replace this line with "
            "your code (notebook 05_three_layer_convnet)")


def test_no_solution_code_and_no_hidden_tests(fixture_nb, edition):
    source_cells, cells = by_grade_id(fixture_nb), by_grade_id(edition)
    for grade_id in exercises(fixture_nb):
        hidden = solution_only_lines(source_cells[grade_id].source)
        assert hidden, grade_id
        student_lines = {line.strip()
                         for line in cells[grade_id].source.split("\n")}
        assert not hidden & student_lines, grade_id
    text = "\n".join(cell.source for cell in edition.cells)
    assert "SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert shown_hidden_cases(FIXTURE, edition) == []
    assert shown_hidden_cases(FIXTURE, fixture_nb)  # where they are
    assert cells["fx_relu_check"].source == "check_relu(relu)"


def test_exercise_and_check_outputs_cleared_others_kept(fixture_nb,
                                                        edition):
    assert len(edition.cells) == len(fixture_nb.cells)
    kept = 0
    for source, cell in zip(fixture_nb.cells, edition.cells):
        if cell.cell_type != "code":
            assert cell == source
        elif utils.is_solution(cell) or utils.is_grade(cell):
            assert cell.outputs == [] and cell.execution_count is None
        else:
            assert cell.outputs == source.outputs
            assert cell.execution_count == source.execution_count
            kept += bool(cell.outputs)
    assert kept == 3
    assert any(utils.is_grade(c) and c.outputs for c in fixture_nb.cells)


def test_checksums_and_locks(edition):
    for cell in edition.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            assert "deletable" not in cell.metadata
            continue
        assert meta["checksum"] == utils.compute_checksum(cell)
        assert meta["cell_type"] == "code"
        assert cell.metadata["deletable"] is False
        assert cell.metadata.get("editable", True) is (not meta["grade"])


def test_write_edition_writes_only_notebooks_and_keeps_edited_copies(
        tmp_path, capsys):
    assert student.main([str(FIXTURE), "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [FIXTURE.name]
    assert student.main([str(FIXTURE), "--out", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out
    work = edit(tmp_path / FIXTURE.name,
                set_source("fx_relu", "def relu(x):\n    return x"))
    edited = work.read_text()
    assert student.main([str(FIXTURE), "--out", str(tmp_path)]) == 0
    assert "kept" in capsys.readouterr().out
    assert work.read_text() == edited
    assert student.main([str(FIXTURE), "--out", str(tmp_path),
                         "--force"]) == 0
    assert work.read_text() != edited


def test_check_cells_as_the_student_sees_them(tmp_path, fixture_nb):
    """Untouched stub, wrong answer, right answer: one line each."""
    path = make_student(FIXTURE, tmp_path)
    edit(path, set_source("fx_relu",
                          "def relu(x):\n    return np.maximum(x, 0.1)"))
    edit(path, fill(fixture_nb, "fx_scaler_apply"))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    cells = by_grade_id(nb)
    wrong, = only_line(cells["fx_relu_check"])
    assert re.fullmatch(r"ExerciseError: relu: worst element out\[\d+, \d+\]"
                        r" = 0\.1, expected 0 \(error .* > tolerance 1e-12\)",
                        wrong), wrong
    assert cells["fx_scaler_apply_check"].outputs[0].text.startswith(
        "PASSED Scaler.apply")
    untouched, = only_line(cells["fx_row_sums_check"])
    assert untouched.startswith("ExerciseError: row_sums: not implemented")


# --- grading the fixture -----------------------------------------------

def test_instructor_notebook_gets_full_marks(tmp_path, fixture_nb):
    report = grade.grade(FIXTURE, FIXTURE)
    assert points_of(report) == max_points(fixture_nb) == {
        "fx_relu": 1, "fx_scaler_apply": 2, "fx_row_sums": 3}
    assert report.notes == [] and not report.stopped_early


def test_untouched_edition_gets_zero_through_the_command_line(
        tmp_path, capsys):
    path = make_student(FIXTURE, tmp_path)
    out = tmp_path / "grades.json"
    code = grade.main([str(path), "--source", str(FIXTURE),
                       "--json", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert re.search(r"^fx_row_sums +0 / 3 +row_sums: not implemented", text,
                     re.MULTILINE), text
    assert text.rstrip().endswith("total: 0 / 6")
    grades = json.loads(out.read_text())
    assert (grades["total"], grades["max_total"]) == (0, 6)
    assert [row["status"] for row in grades["exercises"]] == ["failed"] * 3


def test_one_exercise_filled_in_gets_exactly_its_points(tmp_path,
                                                         fixture_nb):
    path = edit(make_student(FIXTURE, tmp_path),
                fill(fixture_nb, "fx_scaler_apply"))
    report = grade.grade(path, FIXTURE)
    assert points_of(report) == {"fx_relu": 0, "fx_scaler_apply": 2,
                                 "fx_row_sums": 0}
    assert report.total == 2


def test_hidden_tests_are_put_back(tmp_path):
    """Summing the wrong axis passes the visible check, not the hidden one."""
    path = edit(make_student(FIXTURE, tmp_path), set_source(
        "fx_row_sums", "def row_sums(x):\n    return x.sum(axis=0)"))
    report = grade.grade(path, FIXTURE)
    result = report.exercises()[2]
    assert result["points"] == 0
    assert "row_sums: out has shape (4,), expected (2,)" in \
        result["messages"][0]


def test_an_edited_check_cell_is_replaced(tmp_path):
    def tamper(nb):
        check = by_grade_id(nb)["fx_relu_check"]
        check.source = "print('PASSED relu')"
        check.metadata.nbgrader.update(grade=False, locked=False)
    path = edit(make_student(FIXTURE, tmp_path), tamper)
    report = grade.grade(path, FIXTURE)
    assert points_of(report)["fx_relu"] == 0
    assert report.notes == [
        "fx_relu_check was edited: the instructor's version was used"]


def test_a_failing_cell_does_not_stop_grading(tmp_path, fixture_nb):
    def break_early(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell("1 / 0"))
    path = edit(make_student(FIXTURE, tmp_path),
                fill(fixture_nb, "fx_row_sums"))
    report = grade.grade(edit(path, break_early), FIXTURE)
    assert points_of(report) == {"fx_relu": 0, "fx_scaler_apply": 0,
                                 "fx_row_sums": 3}


def test_a_dead_kernel_grades_what_ran(tmp_path, fixture_nb):
    crash = ("class Scaler:\n"
             "    def __init__(self, factor):\n"
             "        pass\n\n"
             "    def apply(self, x):\n"
             "        import os\n"
             "        os._exit(1)")
    path = edit(make_student(FIXTURE, tmp_path), fill(fixture_nb, "fx_relu"))
    report = grade.grade(edit(path, set_source("fx_scaler_apply", crash)),
                         FIXTURE)
    assert report.stopped_early
    assert points_of(report) == {"fx_relu": 1, "fx_scaler_apply": 0,
                                 "fx_row_sums": 0}
    statuses = [(c.status, c.message) for c in report.checks]
    assert statuses[1] == ("not run",
                           "the kernel died while running this check")
    assert statuses[2] == ("not run",
                           "did not run (the kernel died earlier)")
    assert "total: 1 / 6" in grade.format_report(report)


def test_grading_errors_are_reported_not_raised(tmp_path, capsys):
    orphan = tmp_path / "99_no_such_notebook.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), orphan)
    assert grade.main([str(orphan)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("grade: no instructor notebook in ")
    assert "shares an exercise (nbgrader grade_id)" in err


@pytest.mark.parametrize("content", [
    '{"not": "a notebook"}', "just some text\n", '{"cells": 3}', ""])
def test_a_file_that_is_not_a_notebook_gets_one_line(tmp_path, capsys,
                                                     content):
    path = tmp_path / "homework.ipynb"
    path.write_text(content)
    assert grade.main([str(path), "--source", str(FIXTURE)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"grade: {path} is not a Jupyter notebook"), err


def test_the_instructor_notebook_is_found_by_its_exercises(tmp_path):
    # A renamed copy (JupyterLab's Duplicate) still finds its source, and
    # so does a notebook holding only some of the exercises.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = folder / "07_grading_fixture.ipynb"
    source.write_bytes(FIXTURE.read_bytes())
    other = nbformat.v4.new_notebook()
    other.cells.append(nbformat.v4.new_code_cell("1"))
    nbformat.write(other, folder / "06_other.ipynb")
    copy = make_student(FIXTURE, tmp_path)
    renamed = copy.rename(tmp_path / "07_grading_fixture-Copy1.ipynb")
    assert grade.find_source(grade.read_notebook(renamed), folder) == source

    def keep_one(nb):
        nb.cells = [c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id")
                    in (None, "fx_relu", "fx_relu_check")]
    partial = edit(renamed, keep_one)
    assert grade.find_source(grade.read_notebook(partial), folder) == source


def test_a_renamed_course_notebook_is_graded(tmp_path):
    source = ROOT / "notebooks" / "02_im2col.ipynb"
    renamed = make_student(source, tmp_path).rename(
        tmp_path / "my copy of the im2col notebook.ipynb")
    report = grade.grade(renamed)
    assert report.source.endswith("02_im2col.ipynb")
    assert report.total == 0 and report.max_total > 0


NB01 = ROOT / "notebooks" / "01_cross_correlation.ipynb"


def test_redefined_checkers_and_wrapped_package_code_score_nothing(tmp_path):
    source_nb = nbformat.read(NB01, as_version=4)
    wrapped = ("def corr2d(X, K):\n"
               "    return cl.corr2d(X, K)  # the package's finished one")
    redefined = ("def conv_output_size(in_size, kernel_size, pad=0, stride=1):"
                 "\n    raise NotImplementedError\n\n\n"
                 "def check_conv_output_size(fn, **cases):\n"
                 "    print('PASSED conv_output_size')")
    path = edit(make_student(NB01, tmp_path), fill(source_nb,
                                                   "nb01_learn_kernel"))
    path = edit(path, set_source("nb01_corr2d", wrapped))
    path = edit(path, set_source("nb01_conv_output_size", redefined))
    report = grade.grade(path)
    points = points_of(report)
    assert points["nb01_corr2d"] == 0 and points["nb01_conv_output_size"] == 0
    assert points["nb01_learn_kernel"] == max_points(source_nb)[
        "nb01_learn_kernel"]
    rows = {row["exercise"]: row for row in report.exercises()}
    assert rows["nb01_corr2d"]["messages"] == [
        "corr2d: your code calls the package's finished corr2d, so this "
        "check gives no points: write it yourself. (The cells after the "
        "check use the package's version, so the rest of the notebook runs "
        "either way.)"]
    assert rows["nb01_conv_output_size"]["messages"][0].startswith(
        "conv_output_size: not implemented yet")
    assert report.notes == []


def test_a_checker_patched_in_its_module_scores_nothing(tmp_path):
    patch = ("import cs231n_layers.checks as checks\n\n"
             "checks.check_corr2d = lambda *args, **kwargs: print('PASSED')\n"
             "checks.check_learn_kernel = checks.check_corr2d\n"
             "checks.check_conv_output_size = checks.check_corr2d")
    path = make_student(NB01, tmp_path)

    def add_patch(nb):
        nb.cells.insert(3, nbformat.v4.new_code_cell(patch))
    report = grade.grade(edit(path, add_patch))
    assert report.total == 0
    assert report.notes == [
        "cell 4 imports, names or changes the checkers (cs231n_layers.checks):"
        " the checks after it got no points"]
    assert {check.message for check in report.checks} == {
        "not graded: cell 4 reaches into the checkers (cs231n_layers.checks)"}


@pytest.mark.parametrize("source, reaches", [
    ("from cs231n_layers.checks import check_corr2d", True),
    ("import cs231n_layers.checks._core as core", True),
    ("from cs231n_layers import checks", True),
    ("import cs231n_layers as cl\ncl.checks.check_corr2d = print", True),
    ("__import__('importlib').import_module('cs231n_layers.checks')", True),
    ("%time x = cl.checks", True),
    ("import cs231n_layers as cl\ny = cl.corr2d(x, k)", False),
    ("def check_shapes(a):\n    return a.shape", False),
    ("this is not python (", False),
])
def test_reaches_into_checkers(source, reaches):
    assert grade.reaches_into_checkers(source) is reaches


def test_time_budget_follows_the_instructors_run_time():
    nb = nbformat.v4.new_notebook()
    assert grade.time_budget(nb) == (60, 600)
    nb.metadata["cs231n"] = {"run_seconds": {"slowest_cell": 2, "total": 9}}
    assert grade.time_budget(nb) == (60, 600)
    nb.metadata["cs231n"] = {"run_seconds": {"slowest_cell": 150,
                                             "total": 240}}
    assert grade.time_budget(nb) == (1500, 1200)


def test_course_notebooks_record_their_run_time():
    for path in REAL:
        seconds = nbformat.read(path, as_version=4).metadata.get(
            "cs231n", {}).get("run_seconds", {})
        assert 0 < seconds.get("slowest_cell", 0) <= seconds.get("total", 0), (
            f"{path.name}: run `make notebooks` to record its run time")


def test_an_endless_cell_costs_its_budget_and_is_reported(tmp_path,
                                                          fixture_nb):
    endless = "def relu(x):\n    while True:\n        pass"
    path = edit(make_student(FIXTURE, tmp_path), fill(fixture_nb,
                                                      "fx_row_sums"))
    path = edit(path, set_source("fx_relu_check", "check_relu(relu)"))

    def loop_in_check(nb):
        by_grade_id(nb)["fx_relu"].source = endless
    report = grade.grade(edit(path, loop_in_check), FIXTURE, timeout=3)
    assert points_of(report) == {"fx_relu": 0, "fx_scaler_apply": 0,
                                 "fx_row_sums": 3}
    relu = report.checks[0]
    assert relu.message == "ran over its time budget and was interrupted"
    index = [i for i, c in enumerate(nbformat.read(path, as_version=4).cells)
             if c.metadata.get("nbgrader", {}).get("grade_id")
             == "fx_relu_check"][0]
    assert (f"cell {index + 1} ran over its time budget of 3 s and was "
            f"interrupted") in report.notes
    assert "ran over its time budget of 3 s" in grade.format_report(report)


def test_the_total_cap_stops_the_run_and_grades_what_ran(
        tmp_path, fixture_nb, monkeypatch):
    monkeypatch.setattr(grade, "time_budget", lambda nb: (60, 8))
    path = edit(make_student(FIXTURE, tmp_path), fill(fixture_nb, "fx_relu"))
    slow = ("import time\n\nclass Scaler:\n"
            "    def __init__(self, factor):\n        time.sleep(120)")
    path = edit(path, set_source("fx_scaler_apply", slow))
    report = grade.grade(path, FIXTURE)
    assert report.stopped_early
    assert points_of(report) == {"fx_relu": 1, "fx_scaler_apply": 0,
                                 "fx_row_sums": 0}
    assert any(note.startswith("the total time cap of 8 s was reached")
               for note in report.notes), report.notes


def test_processes_the_notebook_starts_are_ended(tmp_path, fixture_nb):
    pid_file = tmp_path / "pids"
    spawn = (f"import subprocess\n"
             f"daemon = subprocess.Popen(['sleep', '300'], "
             f"start_new_session=True)\n"
             f"open({str(pid_file)!r}, 'w').write(str(daemon.pid))\n")
    path = edit(make_student(FIXTURE, tmp_path), fill(fixture_nb, "fx_relu"))

    def add_daemon(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(spawn))
    report = grade.grade(edit(path, add_daemon), FIXTURE)
    assert points_of(report)["fx_relu"] == 1
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert ("1 process(es) the notebook started were still running after "
            "it and were ended") in report.notes


def test_a_notebook_that_edits_the_package_changes_no_other_grading(
        tmp_path, fixture_nb):
    # Make every check of the course pass, on disk: the grading of this
    # notebook runs on a private copy, so the next grading is unaffected.
    tamper = ("import cs231n_layers.checks._core as core\n"
              "with open(core.__file__, 'a') as f:\n"
              "    f.write('\\ndef compare(*a, **k):\\n    return 0.0\\n')\n")
    before = (ROOT / "cs231n_layers" / "checks" / "_core.py").read_bytes()
    path = make_student(FIXTURE, tmp_path)

    def add_tamper(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(tamper))
    report = grade.grade(edit(path, add_tamper), FIXTURE)
    assert any(note.startswith("the notebook changed files of cs231n_layers "
                               "(checks/_core.py); it ran on a private copy")
               for note in report.notes), report.notes
    assert (ROOT / "cs231n_layers" / "checks" / "_core.py").read_bytes() \
        == before
    wrong = edit(make_student(FIXTURE, tmp_path / "next"),
                 set_source("fx_relu", "def relu(x):\n    return x"))
    assert points_of(grade.grade(wrong, FIXTURE))["fx_relu"] == 0


# --- the course notebooks ------------------------------------------------

def _has_exercises(path):
    nb = nbformat.read(path, as_version=4)
    return any(utils.is_grade(cell) for cell in nb.cells)


REAL = [path for path in sorted(
    (ROOT / "notebooks").glob(student.NOTEBOOK_GLOB)) if _has_exercises(path)]
REAL_PARAMS = [pytest.param(path, id=path.stem) for path in REAL] or [
    pytest.param(None, marks=pytest.mark.skip(
        reason="no course notebook with exercises yet"))]
# Filling in one exercise costs one more run of the notebook. Notebook 05 is
# left out: up to its last check it loads the data and trains small networks
# (about 20 s per run on 2 cores, against 2 to 5 s for notebooks 01 to 04).
HEAVY = {"05_three_layer_convnet"}
ONE_EXERCISE = [param for param in REAL_PARAMS
                if param.values[0] is None
                or param.values[0].stem not in HEAVY]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Student editions and grading results, each computed once."""
    cache = {}
    base = tmp_path_factory.mktemp("course")

    def get(path, what):
        key = (path.name, what)
        if key not in cache:
            folder = base / path.stem
            folder.mkdir(exist_ok=True)
            if what == "edition":
                cache[key] = make_student(path, folder)
            else:
                notebook = path if what == "instructor" else get(
                    path, "edition")
                executed = folder / f"{what}_executed.ipynb"
                report = grade.grade(notebook, path, output=executed)
                cache[key] = report, nbformat.read(executed, as_version=4)
        return cache[key]
    return get


@pytest.mark.parametrize("path", REAL_PARAMS)
def test_course_grade_ids_are_unique_and_checks_match_exercises(path):
    ids = {}
    for other in REAL:
        for grade_id in by_grade_id(nbformat.read(other, as_version=4)):
            assert grade_id not in ids, (grade_id, other.name, ids[grade_id])
            ids[grade_id] = other.name
    nb = nbformat.read(path, as_version=4)
    assert set(max_points(nb)) == set(exercises(nb))


@pytest.mark.parametrize("path", REAL_PARAMS)
def test_course_student_edition_hides_every_solution(path, real):
    source = nbformat.read(path, as_version=4)
    edition = nbformat.read(real(path, "edition"), as_version=4)
    cells = by_grade_id(edition)
    for grade_id in exercises(source):
        cell = cells[grade_id]
        hidden = solution_only_lines(by_grade_id(source)[grade_id].source)
        leaked = hidden & {line.strip() for line in cell.source.split("\n")}
        assert not leaked, (grade_id, leaked)
        assert "# YOUR CODE HERE" in cell.source
        assert f"Exercise {grade_id}: " in cell.source
        ast.parse(cell.source)
    text = "\n".join(cell.source for cell in edition.cells)
    assert "### BEGIN" not in text and "### END" not in text
    assert shown_hidden_cases(path, edition) == []


CATCHES_A_STUB = {"NotImplementedError", "Exception", "BaseException"}


def _guarded(tree):
    """Nodes inside a ``try`` that catches NotImplementedError."""
    nodes = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        for handler in node.handlers:
            caught = {n.id for n in ast.walk(handler.type or ast.Pass())
                      if isinstance(n, ast.Name)}
            if handler.type is None or caught & CATCHES_A_STUB:
                nodes |= {id(n) for stmt in node.body
                          for n in ast.walk(stmt)}
                break
    return nodes


def _names(source):
    """(names bound at the top level, names bound anywhere, names read
    outside a ``try`` that catches NotImplementedError)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    guarded = _guarded(tree)
    top, bound, read = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if id(node) not in guarded:
                    read.add(node.id)
            else:
                bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = getattr(node, "targets", None) or [node.target]
            top |= {n.id for t in targets for n in ast.walk(t)
                    if isinstance(n, ast.Name)}
    return top, bound, read


@pytest.mark.parametrize("path", REAL_PARAMS)
def test_course_cells_do_not_use_the_students_code(path):
    """Only check cells read what an exercise cell defines (the student's
    function), unless another cell has bound the name again since; so the
    rest of the notebook runs while exercises are unfinished, also after
    the last check, where the grader does not run the cells."""
    nb = nbformat.read(path, as_version=4)
    students, uses = set(), []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or utils.is_grade(cell):
            continue
        top, bound, read = _names(cell.source)
        if utils.is_solution(cell):
            students |= top
            continue
        uses += [(index, name) for name in sorted(read & students - bound)]
        students -= bound
    assert not uses, f"cells reading the student's code: {uses}"


@pytest.mark.parametrize("path", REAL_PARAMS)
def test_course_instructor_notebook_gets_full_marks(path, real):
    report, executed = real(path, "instructor")
    nb = nbformat.read(path, as_version=4)
    failed = [c for c in report.checks if c.status != "passed"]
    assert not failed, failed
    assert points_of(report) == max_points(nb)
    for cell in executed.cells:
        if utils.is_grade(cell):
            said = "".join(o.get("text", "") for o in cell.outputs)
            assert said.startswith("PASSED "), (cell.source, said)


@pytest.mark.parametrize("path", REAL_PARAMS)
def test_course_untouched_edition_gets_zero_and_the_rest_runs(path, real):
    report, executed = real(path, "untouched")
    assert not report.stopped_early, report.notes
    assert set(points_of(report).values()) == {0}
    for check in report.checks:
        assert check.status == "failed", check
    for index, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if utils.is_grade(cell):
            line, = only_line(cell)
            assert line.startswith("ExerciseError: ")
            assert "not implemented yet" in line, line
        else:
            assert not errors, (f"cell {index} fails when the exercises "
                                f"are not done: {errors[0].evalue}")


@pytest.mark.parametrize("path", ONE_EXERCISE)
def test_course_one_exercise_filled_in(path, real, tmp_path):
    source = nbformat.read(path, as_version=4)
    first = exercises(source)[0]
    work = tmp_path / path.name
    nbformat.write(nbformat.read(real(path, "edition"), as_version=4), work)
    report = grade.grade(edit(work, fill(source, first)), path)
    expected = {name: 0 for name in max_points(source)}
    expected[first] = max_points(source)[first]
    assert points_of(report) == expected
