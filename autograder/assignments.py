"""The course catalogue: what the grader, the generators and the student bundle know about each
assignment, read from two places and nowhere else.

* ``course.toml`` (the manifest, at the course root) names each assignment's notebook and the
  files that go with it: helper modules of ``utils/``, data files, image folders. Listing them
  is deliberate: what happens to lie in ``source/<assignment>/`` (an editor backup, a scratch
  file) is never given to the sandbox or to students, and a checkout without symbolic links
  works the same as one with them.
* The source notebook ``source/<assignment>/<notebook>`` gives the rest:

  * ``setup_cells``: the locked code cells that are not tests (imports, constants, data
    loading), run before the student's definitions, exactly as in the notebook;
  * ``functions``: the graded functions in notebook order, each with its public and hidden
    grade cells and their points;
  * ``helper_files``: what the student's code may import and read in the sandbox, exactly the
    manifest's ``helpers`` and ``data`` folders, taken from ``source/<assignment>/`` (where
    ``tools/sync_helpers.py`` keeps them as copies of ``utils/`` and ``datasets/``).
"""

import fnmatch
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

REPOSITORY = Path(__file__).resolve().parent.parent  # the course repository this package is installed from
SOURCE = REPOSITORY / "source"
MANIFEST_NAME = "course.toml"
MANIFEST = REPOSITORY / MANIFEST_NAME
UTILS = REPOSITORY / "utils"


@functools.lru_cache(maxsize=4)
def ignored_patterns(course=REPOSITORY):
    """``CourseDirectory.ignore`` of the course's configuration: never released, never a stray file."""
    from autograder.config import course_directory, load_config  # config needs the sandbox; import late

    return tuple(course_directory(load_config(course)).ignore)


def is_ignored(name, course=REPOSITORY):
    return any(fnmatch.fnmatch(name, pattern) for pattern in ignored_patterns(course))


@dataclass(frozen=True)
class AssignmentFiles:
    """One assignment's entry of ``course.toml``: its notebook and the files that go with it."""

    id: str
    notebook: str               # file name in source/<id>/
    helpers: tuple = ()         # module file names of utils/, copied to source/<id>/<name>
    data: tuple = ()            # (folder, (file, ...)): <repository>/<folder>/<file> -> source/<id>/<folder>/<file>
    images: tuple = ()          # folders drawn in source/<id>/ itself, released but not needed for grading

    @property
    def grading_entries(self):
        """Names in ``source/<id>/`` given to the sandbox: the helper modules, then the data folders."""
        return self.helpers + tuple(folder for folder, _ in self.data)

    def copies(self, repository=REPOSITORY):
        """``(original, relative path in the assignment folder)`` of every file that is a copy."""
        repository = Path(repository)
        pairs = [(repository / "utils" / name, PurePosixPath(name)) for name in self.helpers]
        pairs += [(repository / folder / name, PurePosixPath(folder, name)) for folder, files in self.data
                  for name in files]
        return pairs

    @property
    def listed(self):
        """Top-level names of ``source/<id>/`` the manifest accounts for."""
        return {self.notebook, *self.grading_entries, *self.images}


@dataclass(frozen=True)
class GradedFunction:
    name: str
    public_id: str
    public_points: float
    hidden_id: str
    hidden_points: float

    @property
    def points(self):
        return self.public_points + self.hidden_points


@dataclass(frozen=True)
class Assignment:
    id: str
    notebook: str               # file name, e.g. Building_..._Step_by_Step.ipynb
    setup_cells: tuple          # (grade_id, source) pairs
    functions: tuple            # GradedFunction, in notebook order
    helper_files: tuple         # Paths to copy next to the student's code (files, and data folders)
    files: AssignmentFiles = None   # the manifest entry
    folder: Path = None         # source/<id>/ it was read from

    @property
    def notebook_id(self):
        return self.notebook.removesuffix(".ipynb")

    @property
    def max_score(self):
        return sum(f.points for f in self.functions)

    @property
    def names(self):
        return [f.name for f in self.functions]


_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")  # one plain file or folder name, no path, not hidden
_KEYS = {"notebook", "helpers", "data", "images"}


def _names(value, where):
    if not isinstance(value, list) or not all(isinstance(v, str) and _NAME.match(v) for v in value):
        raise ValueError(f"{where} must be a list of plain file names, got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{where} lists a name twice: {value!r}")
    return tuple(value)


def load_manifest(path=MANIFEST):
    """``{assignment id: AssignmentFiles}`` from ``course.toml``, in the file's order.

    Raises ValueError naming the file and the entry that is wrong.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        try:
            document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
    table = document.get("assignments")
    if set(document) != {"assignments"} or not isinstance(table, dict) or not table:
        raise ValueError(f"{path}: expected only [assignments.<id>] tables")
    manifest = {}
    for assignment_id, entry in table.items():
        where = f"{path.name} [assignments.{assignment_id}]"
        if not _NAME.match(assignment_id) or not isinstance(entry, dict):
            raise ValueError(f"{where}: not an assignment table")
        if set(entry) - _KEYS:
            raise ValueError(f"{where}: unknown key(s) {sorted(set(entry) - _KEYS)}; known: {sorted(_KEYS)}")
        notebook = entry.get("notebook")
        if not isinstance(notebook, str) or not _NAME.match(notebook) or not notebook.endswith(".ipynb"):
            raise ValueError(f"{where}: notebook must be the file name of a .ipynb, got {notebook!r}")
        data = entry.get("data", {})
        if not isinstance(data, dict):
            raise ValueError(f"{where}: data must be a table folder = [files]")
        files = AssignmentFiles(
            assignment_id, notebook,
            helpers=_names(entry.get("helpers", []), f"{where} helpers"),
            data=tuple((_names([folder], f"{where} data")[0], _names(names, f"{where} data.{folder}"))
                       for folder, names in data.items()),
            images=_names(entry.get("images", []), f"{where} images"))
        top = [notebook, *files.grading_entries, *files.images]
        if len(set(top)) != len(top):
            raise ValueError(f"{where}: a name is listed twice among notebook, helpers, data and images: {top}")
        manifest[assignment_id] = files
    return manifest


def manifest_path(source_root=SOURCE):
    """The manifest of the course whose source folder is ``source_root``: ``<course>/course.toml``,
    or, for a scratch course that has none (tests, a grading machine's working copy), this
    repository's."""
    candidate = Path(source_root).resolve().parent / MANIFEST_NAME
    return candidate if candidate.is_file() else MANIFEST


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def load_assignment(assignment_id, source_root=SOURCE):
    """Read ``source/<assignment_id>/<notebook>`` and the manifest; raises ValueError naming the problem."""
    manifest_file = manifest_path(source_root)
    manifest = load_manifest(manifest_file)
    if assignment_id not in manifest:
        raise ValueError(f"{assignment_id!r} is not an assignment of {manifest_file} (known: {', '.join(manifest)})")
    files = manifest[assignment_id]
    folder = Path(source_root) / assignment_id
    notebook = folder / files.notebook
    if not notebook.is_file():
        raise ValueError(f"{notebook}: the notebook {manifest_file.name} names for {assignment_id} is missing")
    nb = nbformat.read(notebook, as_version=4)
    points = {_meta(c).get("grade_id"): float(_meta(c).get("points", 0)) for c in nb.cells if _meta(c).get("grade")}
    setup, functions = [], []
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type != "code":
            continue
        header = re.match(r"#\s*GRADED FUNCTION:\s*(\w+)", cell.source)
        if header and meta.get("solution"):
            name = header.group(1)
            missing = [g for g in (f"{name}_public", f"{name}_hidden") if g not in points]
            if missing:
                raise ValueError(f"{notebook.name}: graded function {name} has no grade cell {missing}")
            functions.append(GradedFunction(name, f"{name}_public", points[f"{name}_public"],
                                            f"{name}_hidden", points[f"{name}_hidden"]))
        elif meta.get("locked") and not meta.get("grade") and not meta.get("solution"):
            setup.append((meta["grade_id"], cell.source))
    helpers = tuple(folder / name for name in files.grading_entries)
    absent = [str(p) for p in helpers if not p.exists()]
    if absent:
        raise ValueError(f"helper files listed in {manifest_file.name} are missing: {', '.join(absent)} "
                         "(run python tools/sync_helpers.py)")
    return Assignment(assignment_id, files.notebook, tuple(setup), tuple(functions), helpers, files, folder)


def load_catalogue(source_root=SOURCE):
    """``{assignment id: Assignment}`` for every assignment of the manifest, in its order."""
    return {assignment_id: load_assignment(assignment_id, source_root)
            for assignment_id in load_manifest(manifest_path(source_root))}
