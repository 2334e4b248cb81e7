"""The course catalogue: course.toml plus the source notebooks decide what each assignment is and
which files go with it, and the generated folders hold real, current copies, never links.

An editor backup left in ``source/<assignment>/`` once reached the grader's sandbox because the
helper files were whatever lay in the folder; these tests pin the catalogue to the manifest.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.assignments import (
    MANIFEST,
    SOURCE,
    load_assignment,
    load_catalogue,
    load_manifest,
)
from autograder.sample_class import GRADED, NOTEBOOKS, ROOT
from coursetools import sync_helpers

MANIFEST_FILES = load_manifest()


def scratch_source(tmp_path, assignment):
    """A copy of ``source/<assignment>/`` in a scratch course (which has no course.toml of its own)."""
    shutil.copytree(SOURCE / assignment, tmp_path / "source" / assignment, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return tmp_path / "source"


def test_manifest_names_every_assignment_and_its_notebook():
    assert {a: f.notebook for a, f in MANIFEST_FILES.items()} == NOTEBOOKS
    step, app = MANIFEST_FILES["dnn_step_by_step"], MANIFEST_FILES["dnn_application"]
    assert "dnn_app_utils.py" not in step.helpers, "assignment 2's helpers hold assignment 1's solutions"
    assert {"dnn_utils.py", "testCases.py", "public_tests.py", "self_check.py"} <= set(step.helpers)
    assert dict(app.data) == {"datasets": ("LICENSE", "README.md", "open_train_catvnoncat.h5",
                                           "open_test_catvnoncat.h5")}
    for files in MANIFEST_FILES.values():
        for original, _ in files.copies():
            assert original.is_file(), f"course.toml lists {original}, which does not exist"


def test_catalogue_reads_functions_points_and_helpers():
    catalogue = load_catalogue()
    assert list(catalogue) == list(MANIFEST_FILES)
    for assignment_id, assignment in catalogue.items():
        files = MANIFEST_FILES[assignment_id]
        assert assignment.notebook == NOTEBOOKS[assignment_id]
        assert assignment.notebook_id == NOTEBOOKS[assignment_id].removesuffix(".ipynb")
        assert assignment.names == GRADED[assignment_id]
        assert assignment.max_score == 100
        assert all(f.public_points > 0 and f.hidden_points > 0 for f in assignment.functions)
        assert assignment.setup_cells and assignment.setup_cells[0][0] == "imports"
        assert assignment.helper_files == tuple(SOURCE / assignment_id / name for name in files.grading_entries)
        assert assignment.files == files and assignment.folder == SOURCE / assignment_id
    assert SOURCE / "dnn_application" / "datasets" in catalogue["dnn_application"].helper_files
    assert not any(p.name == "images" for a in catalogue.values() for p in a.helper_files)


def test_a_stray_file_in_source_is_not_a_helper_file(tmp_path):
    source = scratch_source(tmp_path, "dnn_step_by_step")
    folder = source / "dnn_step_by_step"
    (folder / "public_tests.py~").write_text("an editor backup\n")
    (folder / "scratch.py").write_text("print('instructor notes')\n")
    (folder / "__pycache__").mkdir(exist_ok=True)
    assignment = load_assignment("dnn_step_by_step", source)
    names = [p.name for p in assignment.helper_files]
    assert names == list(MANIFEST_FILES["dnn_step_by_step"].grading_entries)
    assert "public_tests.py~" not in names and "scratch.py" not in names
    assert all(p.parent == folder for p in assignment.helper_files)


def test_sync_check_names_stray_files(tmp_path, capsys):
    source = scratch_source(tmp_path, "dnn_application")
    (source / "dnn_application" / "public_tests.py~").write_text("an editor backup\n")
    (source / "dnn_application" / "datasets" / "notes.txt").write_text("not listed\n")
    (source / "dnn_application" / "__pycache__").mkdir(exist_ok=True)
    assert sync_helpers.main(["--check", "--source", str(source), "dnn_application"]) == 1
    out = capsys.readouterr().out
    assert "public_tests.py~" in out and "datasets/notes.txt" in out and "__pycache__" not in out


def test_a_missing_helper_copy_is_an_error_that_says_what_to_run(tmp_path):
    source = scratch_source(tmp_path, "dnn_step_by_step")
    (source / "dnn_step_by_step" / "testCases.py").unlink()
    with pytest.raises(ValueError, match=r"testCases\.py.*sync_helpers"):
        load_assignment("dnn_step_by_step", source)


def test_unknown_assignment_is_an_error():
    with pytest.raises(ValueError, match="not an assignment"):
        load_assignment("dnn_nonexistent")


def test_a_course_with_its_own_manifest_uses_it(tmp_path):
    source = scratch_source(tmp_path, "dnn_step_by_step")
    (tmp_path / "course.toml").write_text(
        '[assignments.dnn_step_by_step]\n'
        f'notebook = "{NOTEBOOKS["dnn_step_by_step"]}"\n'
        'helpers = ["dnn_utils.py", "testCases.py", "public_tests.py", "public_expected.py"]\n')
    assignment = load_assignment("dnn_step_by_step", source)
    assert [p.name for p in assignment.helper_files] == ["dnn_utils.py", "testCases.py", "public_tests.py",
                                                         "public_expected.py"]


@pytest.mark.parametrize("text, message", [
    ('[assignments.a]\nnotebook = "a.ipynb"\nhelper = ["x.py"]\n', "unknown key"),
    ('[assignments.a]\nnotebook = "a.py"\n', "notebook must be"),
    ('[assignments.a]\nnotebook = "a.ipynb"\nhelpers = ["../utils/x.py"]\n', "plain file names"),
    ('[assignments.a]\nnotebook = "a.ipynb"\nhelpers = ["x.py", "x.py"]\n', "twice"),
    ('[course]\nname = "x"\n', r"\[assignments"),
])
def test_a_wrong_manifest_is_refused_with_the_reason(tmp_path, text, message):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(ValueError, match=message):
        load_manifest(tmp_path / "course.toml")


def test_no_symbolic_links_in_source_release_or_notebooks():
    folders = [ROOT / name for name in ("source", "release", "notebooks")]
    links = [str(p.relative_to(ROOT)) for folder in folders for p in folder.rglob("*") if p.is_symlink()]
    assert links == [], "symbolic links (a checkout without symlink support breaks them)"
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the index cannot be checked")
    index = subprocess.run(["git", "ls-files", "-s", "--", "source", "release", "notebooks"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    committed = [line.split("\t", 1)[1] for line in index.splitlines() if line.startswith("120000 ")]
    assert committed == [], "symbolic links in git's index (mode 120000); git add the copies"


def test_helper_copies_in_source_are_up_to_date(capsys):
    assert sync_helpers.main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("assignment", list(MANIFEST_FILES))
def test_release_holds_exactly_what_the_manifest_lists(assignment):
    files = MANIFEST_FILES[assignment]
    released = {p.name for p in (ROOT / "release" / assignment).iterdir()}
    assert released == files.listed
    for data_folder, names in files.data:
        assert sorted(p.name for p in (ROOT / "release" / assignment / data_folder).iterdir()) == sorted(names)


def test_sync_replaces_links_and_stale_copies_without_writing_through(tmp_path, capsys):
    source = scratch_source(tmp_path, "dnn_step_by_step")
    folder = source / "dnn_step_by_step"
    (folder / "dnn_utils.py").write_text("# stale\n")
    outside = tmp_path / "outside.py"
    outside.write_text("# must stay as it is\n")
    (folder / "testCases.py").unlink()
    (folder / "testCases.py").symlink_to(outside)
    (folder / "self_check.py").unlink()
    assert sync_helpers.main(["--check", "--source", str(source), "dnn_step_by_step"]) == 1
    out = capsys.readouterr().out
    assert "dnn_utils.py (differs" in out and "testCases.py (a symbolic link" in out
    assert "self_check.py (missing)" in out
    assert sync_helpers.main(["--source", str(source), "dnn_step_by_step"]) == 0
    assert outside.read_text() == "# must stay as it is\n"
    for original, relative in MANIFEST_FILES["dnn_step_by_step"].copies():
        copy = folder / relative
        assert not copy.is_symlink() and copy.read_bytes() == original.read_bytes()
    assert sync_helpers.main(["--check", "--source", str(source), "dnn_step_by_step"]) == 0


def test_manifest_is_the_repositorys_course_toml():
    assert MANIFEST == Path(ROOT) / "course.toml" and MANIFEST.is_file()
