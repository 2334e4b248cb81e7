"""Generate what is built from ``source/``: ``release/<assignment>/`` and ``notebooks/<assignment>/``.

* ``release/<assignment>/`` is made by stock ``nbgrader generate_assignment`` in a scratch
  copy of the course (so the instructor's ``gradebook.db`` is never touched), then copied
  into the repository.
* ``notebooks/<assignment>/`` holds the solved notebook, executed with its outputs kept:
  the source notebook without the solution delimiters and hidden tests, run in a kernel.
  Its helper files, data and images are copies of those in ``source/<assignment>/``, as
  ``course.toml`` lists them (no symbolic links: a checkout without symlink support works).

Both start from ``source/<assignment>/`` with its helper copies brought up to date by
``tools/sync_helpers.py`` (which ``--check`` checks instead).

``--check`` rebuilds both into a scratch folder and exits 1, naming each file that
differs from the committed copy, so CI proves that they are in sync with ``source/``.

Usage: ``python tools/make_release.py [--check] [assignment ...]``
"""

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.assignments import ignored_patterns, load_manifest
from autograder.sample_class import NOTEBOOKS, SOLUTION_DELIMITER
from coursetools import sync_helpers

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = tuple(NOTEBOOKS)
HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


def nbgrader_command():
    """The nbgrader executable of this environment (its helper ``alembic`` must be on PATH too)."""
    bin_dir = Path(sys.executable).parent
    return [str(bin_dir / "nbgrader")], {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def generate_release(assignment, out_dir):
    """Run ``nbgrader generate_assignment`` on a scratch copy of the course; copy the result to ``out_dir``."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        shutil.copy(ROOT / "nbgrader_config.py", scratch)
        shutil.copytree(ROOT / "source" / assignment, scratch / "source" / assignment, symlinks=False)
        command, env = nbgrader_command()
        result = subprocess.run(
            command + ["generate_assignment", assignment, "--force", f"--CourseDirectory.root={scratch}",
                       f"--db=sqlite:///{scratch / 'gradebook.db'}"],
            cwd=scratch, env=env, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.stdout}{result.stderr}")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(scratch / "release" / assignment, out_dir)


def solved_notebook(source_path):
    """The source notebook with solutions kept, delimiters and hidden tests removed, nbgrader metadata dropped."""
    nb = nbformat.read(source_path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.source = SOLUTION_DELIMITER.sub("", HIDDEN_BLOCK.sub("", cell.source)).rstrip("\n")
    return nb


def copy_helpers(assignment, folder):
    """Copies of the helper files, data and images the notebook uses: those of source/, as course.toml lists them."""
    files = load_manifest()[assignment]
    source = ROOT / "source" / assignment
    for _, relative in files.copies(ROOT):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, folder / relative)
    for images in files.images:
        shutil.copytree(source / images, folder / images, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(*ignored_patterns()))


def coalesce_streams(nb):
    """Merge consecutive outputs of the same stream: how prints are split depends on timing."""
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            if (merged and output.output_type == "stream" and merged[-1].output_type == "stream"
                    and merged[-1].name == output.name):
                merged[-1].text += output.text
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged
    return nb


def build_notebooks(assignment, out_dir, timeout=600):
    """Execute the solved notebook(s) of ``assignment`` into ``out_dir``."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    copy_helpers(assignment, out_dir)
    for source_path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
        nb = solved_notebook(source_path)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(out_dir)}}).execute()
        nbformat.write(coalesce_streams(nb), out_dir / source_path.name)


LONG_FLOAT = re.compile(r"(\d+\.\d{8})\d+")


def _normalised_notebook(path):
    """What must match in an executed notebook: sources, and outputs with floats cut to 8 decimals
    and images left out (the last digits and pixels depend on the machine's BLAS), as nbval does."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        outputs = []
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
            outputs.append((output.output_type, LONG_FLOAT.sub(r"\1", "".join(text)),
                            sorted(output.get("data", {}).keys())))
        cells.append((cell.cell_type, cell.source, outputs))
    return cells


def _same_file(a, b, executed):
    if executed and a.suffix == ".ipynb":
        return _normalised_notebook(a) == _normalised_notebook(b)
    return filecmp.cmp(a, b, shallow=False)


def _listing(folder):
    return {path.relative_to(folder) for path in folder.rglob("*")} if folder.exists() else set()


def differences(expected_dir, actual_dir, executed=False):
    """Relative paths that differ between two folders (contents, not timestamps; links by target).

    ``executed``: the folders hold executed notebooks, compared as :func:`_normalised_notebook`.
    """
    names = sorted(_listing(expected_dir) | _listing(actual_dir))
    changed = []
    for name in names:
        a, b = expected_dir / name, actual_dir / name
        if a.is_symlink() or b.is_symlink():
            if not (a.is_symlink() and b.is_symlink() and os.readlink(a) == os.readlink(b)):
                changed.append(str(name))
        elif a.is_dir() or b.is_dir():
            if not (a.is_dir() and b.is_dir()):
                changed.append(str(name))
        elif not (a.is_file() and b.is_file() and _same_file(a, b, executed)):
            changed.append(str(name))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*",
                        help=f"default: every assignment in source/ ({', '.join(ASSIGNMENTS)})")
    parser.add_argument("--check", action="store_true", help="fail if release/ or notebooks/ is out of date")
    parser.add_argument("--release-only", action="store_true", help="skip executing the solved notebooks")
    args = parser.parse_args(argv)
    # The solved notebooks show the open data set's numbers, whatever else is in datasets/.
    os.environ["CATVNONCAT_SOURCE"] = "open"
    assignments = args.assignments or [a for a in ASSIGNMENTS if (ROOT / "source" / a).is_dir()]
    status = sync_helpers.main((["--check"] if args.check else []) + list(assignments))
    for assignment in assignments:
        targets = [("release", generate_release)]
        if not args.release_only:
            targets.append(("notebooks", build_notebooks))
        for kind, build in targets:
            committed = ROOT / kind / assignment
            if not args.check:
                # Built aside, then swapped in: a build that fails leaves the committed folder as it was.
                with tempfile.TemporaryDirectory(dir=ROOT / kind) as scratch:
                    fresh = Path(scratch) / assignment
                    build(assignment, fresh)
                    if committed.exists():
                        shutil.rmtree(committed)
                    fresh.rename(committed)
                print(f"wrote {committed.relative_to(ROOT)}")
                continue
            with tempfile.TemporaryDirectory() as scratch:
                fresh = Path(scratch) / kind / assignment
                fresh.parent.mkdir(parents=True)
                build(assignment, fresh)
                changed = differences(committed, fresh, executed=kind == "notebooks")
            if changed:
                status = 1
                print(f"{kind}/{assignment} is out of date ({', '.join(changed)}): run python tools/make_release.py")
            else:
                print(f"{kind}/{assignment} is up to date.")
    return status


if __name__ == "__main__":
    sys.exit(main())
