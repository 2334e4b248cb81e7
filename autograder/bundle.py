"""The student bundle: one zip per assignment, so that students never need the instructor repository.

This repository holds every solution (``source/``, ``notebooks/``), the hidden tests and the
reference code (``autograder/``); a student who clones it has the answers. A course without
JupyterHub hands out ``python -m autograder bundle <assignment> --out DIR`` instead: the zip
``DIR/<assignment>.zip`` holds one folder ``<assignment>/`` with

* the released notebook of ``release/<assignment>/`` (made by ``nbgrader generate_assignment``);
* the helper modules, data files and image folders that ``course.toml`` lists for it, taken
  from ``release/<assignment>/`` too, and nothing else found there;
* ``README.md`` (install, open, check, submit) and ``requirements.txt`` (the student packages,
  pinned as in the repository's ``requirements.txt``).

The zip is deterministic (sorted entries, fixed timestamps and permissions), so two builds of
the same commit are byte-identical.

Before writing, every file is checked, and the build refuses with :class:`BundleError` naming
the file and the line:

* no file may come from ``autograder/``, ``source/`` or ``notebooks/`` (followed through links);
* no line may contain a *secret line* of the assignment's source notebook, nor an nbgrader
  solution or hidden-test marker. The secret lines are, precisely: every line between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` or between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` in a code cell of ``source/<assignment>/<notebook>``, stripped of
  surrounding whitespace, except

  1. blank lines and comments (lines starting with ``#``), and
  2. lines that also occur somewhere in the source notebook outside those blocks, within a
     line of a released stub, another code cell or the text: nbgrader releases those anyway,
     so they are generic (``return parameters``) or deliberately public (a hint quoting
     ``A, activation_cache = sigmoid(Z)``). This is decided from the source notebook alone,
     so a release that leaked a solution cannot whitelist it.

  A file contains a secret line when one of its lines contains it, both compared with all
  whitespace removed (so ``(1/m)`` in a hint is ``(1 / m)`` in the solution); the lines of a
  notebook are those of every string in its JSON (sources, outputs, metadata); a file that is
  not UTF-8 text is searched for the stripped line's UTF-8 bytes.
* each helper and data file must equal its original in ``utils/`` or ``datasets/`` (a stale
  ``release/`` is refused: run ``python tools/make_release.py``).
"""

import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath

import nbformat

from autograder.assignments import REPOSITORY, SOURCE, is_ignored, load_manifest, manifest_path

RELEASE = REPOSITORY / "release"
# What a student installs: the notebook's imports, Jupyter, and nbformat for self_check.py.
STUDENT_PACKAGES = ("numpy", "matplotlib", "h5py", "pillow", "jupyterlab", "nbformat")
FORBIDDEN = ("autograder", "source", "notebooks")
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build time leaks in

_SPACE = re.compile(r"\s+")
_BLOCK = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")


class BundleError(RuntimeError):
    """The bundle cannot be built, or would give away something students must not see."""


def secret_lines(notebook_path):
    """``{secret line: where it is in the source notebook}``, by the rule of the module docstring."""
    nb = nbformat.read(notebook_path, as_version=4)
    secret, public = {}, set()
    for index, cell in enumerate(nb.cells):
        inside = None
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        for line in cell.source.splitlines():
            marker = _BLOCK.match(line) if cell.cell_type == "code" else None
            if marker:
                inside = marker.group(2) if marker.group(1) == "BEGIN" else None
                continue
            text = line.strip()
            if inside:
                if text and not text.startswith("#"):
                    kind = "solution" if inside == "SOLUTION" else "hidden test"
                    secret.setdefault(text, f"{kind} line of {Path(notebook_path).name}, cell {index} {grade_id}")
            else:
                public.add(text)
    public = {squash(text) for text in public} - {""}
    return {line: where for line, where in secret.items() if not any(squash(line) in text for text in public)}


def squash(text):
    """``text`` without any whitespace: how secret lines are compared."""
    return _SPACE.sub("", text)


def _strings(value):
    """Every string inside a JSON value, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _lines(name, data):
    """``(where, line)`` of a file's text; ``None`` if it is not text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if name.endswith(".ipynb"):
        try:
            nb = json.loads(text)
        except ValueError:
            nb = None
        if isinstance(nb, dict):
            found = []
            for index, cell in enumerate(nb.get("cells", [])):
                number = 0
                for string in _strings(cell):
                    for line in string.splitlines():
                        number += 1
                        found.append((f"cell {index}, line {number}", line))
            found += [("notebook metadata", line) for s in _strings(nb.get("metadata", {})) for line in s.splitlines()]
            return found
    return [(f"line {number}", line) for number, line in enumerate(text.splitlines(), 1)]


def check_file(name, data, secrets):
    """Raise :class:`BundleError` if the file ``name`` with bytes ``data`` holds a secret line or a marker."""
    lines = _lines(name, data)
    if lines is None:
        for secret, where in secrets.items():
            offset = data.find(secret.encode("utf-8"))
            if offset >= 0:
                raise BundleError(f"{name} (binary), byte {offset}: contains the {where}: {secret!r}")
        return
    squashed = {secret: squash(secret) for secret in secrets}
    for place, line in lines:
        for marker in MARKERS:
            if marker in line:
                raise BundleError(f"{name}, {place}: contains the nbgrader marker {marker!r}")
        text = squash(line)
        if not text:
            continue
        for secret, where in secrets.items():
            if squashed[secret] in text:
                raise BundleError(f"{name}, {place}: contains the {where}: {secret!r}")


def student_requirements(requirements=REPOSITORY / "requirements.txt"):
    """The student packages with the versions pinned in the repository's requirements file."""
    pins = {}
    for line in Path(requirements).read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    missing = [p for p in STUDENT_PACKAGES if p not in pins]
    if missing:
        raise BundleError(f"{requirements} pins no version of {', '.join(missing)}")
    return "".join(f"{package}=={pins[package]}\n" for package in STUDENT_PACKAGES)


def readme(assignment_id, notebook, requirements):
    """The bundle's README.md: install, open, check, submit."""
    pins = " ".join(requirements.split())
    return f"""# {assignment_id}

Your assignment: the notebook `{notebook}` and the files it needs.
Keep every file of this folder next to the notebook and do not edit the helper `.py` files:
your work is graded with the course's own copies of them.

## Install (once)

You need Python 3.11. In this folder:

```bash
python3.11 -m venv .venv           # Windows: py -3.11 -m venv .venv
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
pip install -r requirements.txt
```

`requirements.txt` pins the versions the course is tested with: `{pins}`.

## Work

```bash
jupyter lab {notebook}
```

Run the cells from the top (Shift+Enter). Each exercise is a function in a cell that starts with
`# GRADED FUNCTION`: write your code between `### START CODE HERE ###` and `### END CODE HERE ###`,
replacing the `None` placeholders and the line `raise NotImplementedError()`. Then run the
function's cell and the public test cell below it: it prints `All tests passed for <function>`
or explains what is wrong.

## Check before you submit

Save the notebook (Ctrl+S), then in this folder (with the environment activated):

```bash
python self_check.py
```

It reads the saved notebook the way the grader does and prints your public-test score with
the grader's messages. Hidden tests, on inputs you do not see, run only when you are graded.

## Submit

Hand in only `{notebook}`, under that name, the way your instructor asks (for example an
upload to your course's LMS).
"""


def _files(assignment_id, folder, files):
    """``{relative path: path}`` of what the bundle takes from the release folder ``folder``."""
    chosen = {PurePosixPath(files.notebook): folder / files.notebook}
    for _, relative in files.copies():
        chosen[relative] = folder / relative
    for images in files.images:
        root = folder / images
        if not root.is_dir():
            raise BundleError(f"{root}: the image folder course.toml lists for {assignment_id} is missing")
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(_ignored(part) for part in relative.parts):
                chosen[PurePosixPath(relative.as_posix())] = path
    missing = [str(path) for path in chosen.values() if not path.is_file()]
    if missing:
        raise BundleError(f"missing from the release: {', '.join(missing)} (run python tools/make_release.py)")
    return chosen


def _ignored(name):
    return is_ignored(name)


def _check_origin(path, forbidden):
    """Refuse a file that is (or links to) a file of autograder/, source/ or notebooks/."""
    real = path.resolve()
    for root in forbidden:
        if real == root or root in real.parents:
            raise BundleError(f"{path} would come from {root}: the bundle never includes instructor files")


def _zip(entries):
    """Deterministic zip bytes of ``{archive name: bytes}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def build_bundle(assignment_id, out_dir, *, release_root=RELEASE, source_root=SOURCE):
    """Write ``out_dir/<assignment_id>.zip`` (see the module docstring) and return its path.

    ``release_root`` and ``source_root`` are the course's ``release/`` and ``source/`` folders.
    Raises :class:`BundleError` naming the problem (and the file and line of any leak).
    """
    manifest = load_manifest(manifest_path(source_root))
    if assignment_id not in manifest:
        raise BundleError(f"unknown assignment {assignment_id!r} (known: {', '.join(manifest)})")
    files = manifest[assignment_id]
    source_notebook = Path(source_root) / assignment_id / files.notebook
    if not source_notebook.is_file():
        raise BundleError(f"{source_notebook} is missing: the bundle is checked against the source notebook")
    secrets = secret_lines(source_notebook)
    forbidden = [(REPOSITORY / name).resolve() for name in FORBIDDEN] + [Path(source_root).resolve()]
    folder = Path(release_root) / assignment_id
    chosen = _files(assignment_id, folder, files)
    entries = {}
    for relative, path in chosen.items():
        _check_origin(path, forbidden)
        entries[f"{assignment_id}/{relative}"] = path.read_bytes()
    requirements = student_requirements()
    entries[f"{assignment_id}/requirements.txt"] = requirements.encode()
    entries[f"{assignment_id}/README.md"] = readme(assignment_id, files.notebook, requirements).encode()
    for name in sorted(entries):
        check_file(name, entries[name], secrets)
    for original, relative in files.copies():
        if original.read_bytes() != entries[f"{assignment_id}/{relative}"]:
            raise BundleError(f"{folder / relative} differs from {original.relative_to(REPOSITORY)}: "
                              "release/ is out of date (run python tools/make_release.py)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{assignment_id}.zip"
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(_zip(entries))
    partial.replace(target)
    return target
