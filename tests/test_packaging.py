"""What `pip install .` installs, and the licence it declares.

The wheel is built from a copy of the sources with the setuptools of this
environment (no build isolation, so no network), data/README.md included:
the loader's cache folder must not end up in site-packages.
"""
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_wheel_holds_the_package_and_the_licence_only(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for folder in ("cs231n_layers", "data"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns(
            "__pycache__", "*.gz", "*-ubyte"))
    assert (src / "data" / "README.md").is_file()
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-cache-dir", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # No "project.license as a TOML table is deprecated" or the like.
    assert "deprecat" not in (done.stdout + done.stderr).lower()
    (wheel,) = (tmp_path / "dist").glob("cs231n_layers-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    info = f"cs231n_layers-{PYPROJECT['project']['version']}.dist-info/"
    assert {n.split("/")[0] + "/" for n in names} == {"cs231n_layers/", info}
    assert f"{info}licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()


def test_licence_file_matches_pyproject():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "Permission is hereby granted, free of charge" in text

