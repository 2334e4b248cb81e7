"""Generated files stay in sync with what generates them."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat

from coursetools import make_public_expected

ROOT = Path(__file__).resolve().parent.parent


def test_public_expected_values_are_up_to_date(capsys):
    assert make_public_expected.main(["--check"]) == 0, capsys.readouterr().out


def test_figures_and_sample_picture_are_up_to_date(tmp_path):
    # Each in its own process: make_figures sets matplotlib's backend and style when imported.
    # The sample picture runs as the documented script, ``python tools/make_sample_image.py``.
    for command in (["-m", "coursetools.make_figures"], [str(ROOT / "tools" / "make_sample_image.py")]):
        result = subprocess.run([sys.executable, *command, "--check"], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, " ".join(command) + ": " + result.stdout + result.stderr


def test_every_image_a_notebook_shows_exists():
    for notebook in ROOT.glob("source/*/*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for image in re.findall(r'<img src="([^"]+)"', cell.source):
                assert (notebook.parent / image).is_file(), f"{notebook.name}: {image}"
