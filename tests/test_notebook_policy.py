"""What the committed notebooks may and may not store (see CONTRIBUTING.md)."""
import re

import nbformat
import pytest

from _common import course_notebooks

NOTEBOOKS = course_notebooks()
# CONTRIBUTING.md: a code cell a beginner can read at once (target ~15).
MAX_CELL_LINES = 40
ALLOWED_TAGS = {"nbval-ignore-output"}
# A path of somebody's machine, an object address, a stand-in's label.
LEAKS = {
    "a machine path": re.compile(r"(/work/|/root/|/home/|/tmp/|/Users/|[A-Z]:\\\\)"),
    "an object address": re.compile(r"\bat 0x[0-9a-fA-F]{6,}"),
    "a stray matplotlib repr": re.compile(r"<matplotlib\.\w+\.\w+ (object )?at"),
    "stand-in data": re.compile(r"SYNTHETIC|stand-in|'synthetic'"),
}

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks yet")


def _ids(paths):
    return [p.stem for p in paths]


def _output_text(output):
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return "\n".join(
        value if isinstance(value, str) else ""
        for key, value in output.get("data", {}).items()
        if key.startswith("text/")
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_kernel_is_plain_python3(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_outputs_leak_nothing(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} stores an error"
            text = _output_text(output)
            for what, pattern in LEAKS.items():
                match = pattern.search(text)
                assert not match, (
                    f"cell {index} output shows {what}: {match.group(0)!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_only_known_tags_and_every_code_cell_executed(path):
    # A cell stored without an execution count is run by nbval but never
    # compared: every result, those on the real data included, is stored.
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        tags = set(cell.metadata.get("tags", []))
        assert tags <= ALLOWED_TAGS, (
            f"cell {index} has unknown tags {tags - ALLOWED_TAGS}")
        if cell.cell_type == "code":
            assert cell.execution_count is not None, (
                f"cell {index} is stored unexecuted: nbval would not compare it")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_cell_floods_its_output(path):
    # nbval gives up on a cell that sends thousands of messages ("Timeout of
    # 5 seconds exceeded waiting for output"), as a progress bar in a
    # training loop does on a slow machine. A few dozen is plenty.
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", [])
        lines = sum(o.get("text", "").count("\n") for o in outputs)
        assert len(outputs) <= 60 and lines <= 60, (
            f"cell {index} stores {len(outputs)} outputs, {lines} lines")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_execution_counts_run_in_order(path):
    # Restart & Run All: counts 1, 2, 3, ... in reading order.
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_has_the_course_skeleton(path):
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for heading in ("objectives", "summary", "exercises"):
        assert re.search(rf"^#+ .*{heading}", markdown, re.IGNORECASE | re.MULTILINE), (
            f"no '{heading}' heading"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_global_numpy_random_state(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(
        r"np\.random\.(seed|rand|randn|randint|choice|shuffle|permutation)\(", code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_code_cells_are_at_most_40_lines(path):
    # A long function or class is taught over several cells.
    nb = nbformat.read(path, as_version=4)
    too_long = [
        f"{path.name} cell {index}: {len(cell.source.splitlines())} lines"
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and len(cell.source.splitlines()) > MAX_CELL_LINES
    ]
    assert too_long == [], (
        f"code cells longer than {MAX_CELL_LINES} lines: " + "; ".join(too_long))
