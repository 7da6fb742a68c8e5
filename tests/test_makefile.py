"""The Makefile's help names every target, so that the two cannot drift."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def rule_targets():
    """Targets a user can type: rules on a plain name (no path, no variable)."""
    return set(re.findall(r"^([a-z][a-z-]*):(?!=)", MAKEFILE, re.MULTILINE))


def test_every_target_is_phony_and_in_the_help():
    phony = set(re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.MULTILINE)
                .group(1).split())
    shown = subprocess.run(["make", "--no-print-directory", "-s", "help"],
                           cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout
    helped = set(re.findall(r"^make ([a-z][a-z-]*)", shown, re.MULTILINE))
    assert rule_targets() == phony == helped
    assert {"lab", "test", "test-unit", "lint", "clean"} <= helped
