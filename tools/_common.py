"""What every tool in tools/ shares: the repository's places and its notebooks.

The tools are scripts (``python tools/nbexport.py``, ``make export``), so
Python puts tools/ first on ``sys.path`` and they import this module as
``_common``; the tests do the same through pytest's ``pythonpath`` setting
in pyproject.toml. No tool loads another by its file path.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = ROOT / "cs231n_layers"
STUDENT_DIR = ROOT / "build" / "student"
# The course notebooks, in teaching order: 00_setup_and_data.ipynb, ...
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


def course_notebooks(folder=NOTEBOOKS):
    """The course notebooks in ``folder``, sorted in teaching order."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))
