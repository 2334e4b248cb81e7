"""Generated files stay in sync with what generates them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_public_expected_values_are_up_to_date():
    result = subprocess.run([sys.executable, "tools/make_public_expected.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_figures_and_sample_picture_are_up_to_date():
    for script in ("tools/make_figures.py", "tools/make_sample_image.py"):
        result = subprocess.run([sys.executable, script, "--check"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, script + ": " + result.stdout + result.stderr


def test_every_image_a_notebook_shows_exists():
    import re

    import nbformat

    for notebook in ROOT.glob("source/*/*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for image in re.findall(r'<img src="([^"]+)"', cell.source):
                assert (notebook.parent / image).is_file(), f"{notebook.name}: {image}"
