"""The student bundle (``python -m autograder bundle <assignment>``): everything a student needs for
one assignment, and not one solution line, hidden test or instructor file.

The search for solution lines here is written independently of autograder/bundle.py's own
check: it takes every code line between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of the
source notebook (minus blanks, comments and text the source shows outside those blocks) and
looks for it, whitespace ignored, in every file of the unzipped bundle.
"""

import json
import re
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder import bundle
from autograder.assignments import SOURCE, load_manifest
from autograder.sample_class import NOTEBOOKS, ROOT

MANIFEST_FILES = load_manifest()
ASSIGNMENTS = list(MANIFEST_FILES)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both bundles, built by the public function, and each unzipped."""
    out = tmp_path_factory.mktemp("bundles")
    result = {}
    for assignment in ASSIGNMENTS:
        path = bundle.build_bundle(assignment, out)
        unzipped = out / f"unzipped-{assignment}"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(unzipped)
        result[assignment] = (path, unzipped / assignment)
    return result


def solution_lines(assignment):
    """Stripped code lines inside the source's solution blocks that the source shows nowhere else."""
    nb = nbformat.read(SOURCE / assignment / NOTEBOOKS[assignment], as_version=4)
    inside, public = [], []
    for cell in nb.cells:
        blocks = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        outside = re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END \1", "", cell.source, flags=re.S)
        public += [line.strip() for line in outside.splitlines() if line.strip()]
        inside += [line.strip() for block in blocks for line in block.splitlines()]
    public = [squash(text) for text in public]
    return {line for line in inside
            if line and not line.startswith("#") and not any(squash(line) in text for text in public)}


def squash(text):
    """Whitespace does not hide a solution line: ``(1/m)`` is ``(1 / m)``."""
    return re.sub(r"\s+", "", text)


def searchable_text(path):
    """A file's text as a student would read it (a notebook's cells decoded from JSON), or its bytes."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        parts = []
        for cell in nb["cells"]:
            parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                parts += ["".join(v) for v in output.get("data", {}).values() if isinstance(v, (str, list))]
        return "\n".join(parts)
    return text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_bundle_holds_the_notebook_helpers_data_and_instructions(built, assignment):
    path, folder = built[assignment]
    files = MANIFEST_FILES[assignment]
    assert path.name == f"{assignment}.zip"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    images = {p.relative_to(ROOT / "release" / assignment).as_posix()
              for folder_name in files.images for p in (ROOT / "release" / assignment / folder_name).rglob("*")
              if p.is_file()}
    expected = ({files.notebook, "README.md", "requirements.txt"} | {str(rel) for _, rel in files.copies()}
                | images)
    assert names == expected
    assert images, "the notebook's pictures are in the bundle"
    release = ROOT / "release" / assignment
    assert (folder / files.notebook).read_bytes() == (release / files.notebook).read_bytes()
    for original, relative in files.copies():
        assert (folder / relative).read_bytes() == original.read_bytes()
    nbformat.validate(nbformat.read(folder / files.notebook, as_version=4))
    readme = (folder / "README.md").read_text()
    for needed in ("Python 3.11", "pip install -r requirements.txt", "python self_check.py", files.notebook):
        assert needed in readme
    pins = dict(line.split("==") for line in (folder / "requirements.txt").read_text().split())
    assert set(pins) == {"numpy", "matplotlib", "h5py", "pillow", "jupyterlab", "nbformat"}
    repository_pins = (ROOT / "requirements.txt").read_text()
    for package, version in pins.items():
        assert f"{package}=={version}\n" in repository_pins
    if assignment == "dnn_step_by_step":
        assert "dnn_app_utils.py" not in names, "it holds assignment 1's solutions"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_hidden_test_or_instructor_file_in_the_bundle(built, assignment):
    _, folder = built[assignment]
    secrets = solution_lines(assignment)
    assert len(secrets) >= 10, "the search would prove nothing"
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = searchable_text(path)
        squashed = squash(text) if isinstance(text, str) else None
        for secret in secrets:
            if (secret.encode() in text) if squashed is None else (squash(secret) in squashed):
                found.append(f"{path.relative_to(folder)}: {secret}")
        if isinstance(text, str):
            assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path
            assert not re.search(r"^\s*(from|import)\s+autograder", text, re.M), f"{path} imports the grader"
    assert found == []
    names = {p.name for p in folder.rglob("*")}
    assert not names & {"hidden_tests.py", "reference_models.py", "mistakes.py", "course.toml"}


def test_secret_lines_follow_the_documented_rule():
    step = bundle.secret_lines(SOURCE / "dnn_step_by_step" / NOTEBOOKS["dnn_step_by_step"])
    app = bundle.secret_lines(SOURCE / "dnn_application" / NOTEBOOKS["dnn_application"])
    assert "Z = np.dot(W, A) + b" in step
    assert "parameters = initialize_parameters_deep(layers_dims)" in app
    assert any("hidden tests run only" in line for line in step), "hidden-test lines are secret too"
    assert set(step) >= solution_lines("dnn_step_by_step")
    # Generic or deliberately public text is not secret: shown outside the solution blocks.
    assert "return parameters" not in step
    assert "A, activation_cache = sigmoid(Z)" not in step  # quoted in the notebook's text
    assert not any(line.startswith("#") or not line for line in step | app)


def test_two_builds_are_byte_identical(built, tmp_path):
    for assignment in ASSIGNMENTS:
        again = bundle.build_bundle(assignment, tmp_path)
        assert again.read_bytes() == built[assignment][0].read_bytes()
        with zipfile.ZipFile(again) as archive:
            infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {bundle.ZIP_TIME}


def copied_release(tmp_path, assignment):
    """A copy of ``release/<assignment>/`` whose helper and data copies are current (whatever the
    state of the committed release), to change one thing in."""
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / assignment, release / assignment)
    for original, relative in MANIFEST_FILES[assignment].copies():
        shutil.copyfile(original, release / assignment / relative)
    return release


PLANTED = "grads = L_model_backward(AL, Y, caches)"  # a solution line of L_layer_model


@pytest.mark.parametrize("planted_in, where, planted", [
    ("notebook", r"Deep_Neural_Network_Application\.ipynb, cell \d+, line \d+", PLANTED),
    ("helper", r"dnn_app_utils\.py, line \d+", PLANTED),
    ("helper", r"dnn_app_utils\.py, line \d+", PLANTED.replace(" ", "")),  # spacing hides nothing
])
def test_a_planted_solution_line_is_refused_naming_file_and_line(tmp_path, planted_in, where, planted):
    release = copied_release(tmp_path, "dnn_application")
    folder = release / "dnn_application"
    secret = PLANTED
    if planted_in == "notebook":
        nb = nbformat.read(folder / NOTEBOOKS["dnn_application"], as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(f"# a hint\n    {planted}  # the answer\n"))
        nbformat.write(nb, folder / NOTEBOOKS["dnn_application"])
    else:
        with open(folder / "dnn_app_utils.py", "a") as handle:
            handle.write(f"\n# hint: {planted}\n")
    with pytest.raises(bundle.BundleError, match=where + r": contains the solution line .*" + re.escape(secret)):
        bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)
    assert not (tmp_path / "out" / "dnn_application.zip").exists()


def test_a_planted_hidden_test_line_or_marker_is_refused(tmp_path):
    release = copied_release(tmp_path, "dnn_application")
    helper = release / "dnn_application" / "testCases.py"
    original = helper.read_text()
    helper.write_text(original + '\nraise RuntimeError("hidden tests run only in the course\'s sandboxed grader "\n')
    with pytest.raises(bundle.BundleError, match=r"testCases\.py, line \d+: contains the hidden test line"):
        bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)
    helper.write_text(original + "\n### BEGIN SOLUTION\n")
    with pytest.raises(bundle.BundleError, match=r"testCases\.py, line \d+: contains the nbgrader marker"):
        bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)


def test_instructor_files_are_refused(tmp_path):
    # Building from source/ (where the solutions are) instead of release/.
    with pytest.raises(bundle.BundleError, match="would come from"):
        bundle.build_bundle("dnn_step_by_step", tmp_path / "out", release_root=SOURCE)
    # A released helper that is a link into autograder/.
    release = copied_release(tmp_path, "dnn_step_by_step")
    (release / "dnn_step_by_step" / "dnn_utils.py").unlink()
    (release / "dnn_step_by_step" / "dnn_utils.py").symlink_to(ROOT / "autograder" / "reference_models.py")
    with pytest.raises(bundle.BundleError, match=r"dnn_utils\.py would come from .*autograder"):
        bundle.build_bundle("dnn_step_by_step", tmp_path / "out", release_root=release)


def test_a_stale_or_incomplete_release_is_refused(tmp_path):
    release = copied_release(tmp_path, "dnn_application")
    (release / "dnn_application" / "datasets" / "open_test_catvnoncat.h5").write_bytes(b"old data")
    with pytest.raises(bundle.BundleError, match=r"open_test_catvnoncat\.h5 differs .*make_release"):
        bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)
    (release / "dnn_application" / "self_check.py").unlink()
    with pytest.raises(bundle.BundleError, match=r"missing from the release: .*self_check\.py"):
        bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)


def test_a_stray_file_in_the_release_stays_out_of_the_bundle(tmp_path):
    release = copied_release(tmp_path, "dnn_application")
    (release / "dnn_application" / "public_tests.py~").write_text("an editor backup\n")
    (release / "dnn_application" / "datasets" / "train_catvnoncat.h5").write_bytes(b"not openly licensed")
    path = bundle.build_bundle("dnn_application", tmp_path / "out", release_root=release)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert "dnn_application/public_tests.py" in names
    assert not any(name.endswith(("~", "/train_catvnoncat.h5")) for name in names)


def run_command(*args):
    return subprocess.run([sys.executable, "-m", "autograder", "bundle", *args], cwd=ROOT, capture_output=True,
                          text=True)


def test_the_command_writes_the_zip(tmp_path):
    result = run_command("dnn_step_by_step", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "dnn_step_by_step.zip").is_file() and "wrote" in result.stdout
    result = run_command("no_such_assignment", "--out", str(tmp_path))
    assert result.returncode == 1 and "unknown assignment" in result.stderr
