"""The answer key: reference solutions read from the source notebooks' solution cells.

The solution cells of ``source/<assignment>/*.ipynb`` (nbgrader cells marked
``solution``, whose first line is ``# GRADED FUNCTION: <name>``) are the one answer key
of the course. Everything that needs a correct implementation takes it from here: the
hidden tests, the catalogue of known mistakes (:mod:`autograder.mistakes`, small edits of
these sources), the generators in ``tools/`` and the test suite. A fix made in a notebook
reaches all of them, and no second copy can drift. ``utils/dnn_app_utils.py`` carries
assignment 1's answer key to students of assignment 2; it is generated from it by
``tools/make_dnn_app_utils.py`` and checked in sync.

A solved function is its solution cell as a student would fill it in: the header line,
the ``None`` placeholders (between ``### START CODE HERE ###`` and ``### BEGIN SOLUTION``),
the solution delimiters and the code-here markers are removed; everything else, the
solution lines included, stays as written.

Assignment 1's solutions run together, as in their notebook, with numpy, ``copy`` and the
activations of ``dnn_utils``; assignment 2's run on top of ``dnn_app_utils``, as their
notebook's ``from dnn_app_utils import *`` has them. Printing policy of assignment 2's
models (documented in the notebook): with ``print_cost=True`` the cost is printed every
100 iterations and after the last one; ``costs`` records the cost (a 0-d array) at
iterations 0, 100, 200, ...

Also here: the logistic-regression baseline of the application notebook's discussion.
"""

import ast
import contextlib
import contextvars
import copy
import functools
import linecache
import re
from pathlib import Path

import nbformat
import numpy as np

from autograder.assignments import SOURCE

ASSIGNMENTS = ("dnn_step_by_step", "dnn_application")
GRADED_HEADER = re.compile(r"#\s*GRADED FUNCTION:\s*(\w+)[ \t]*\n?")
_START, _BEGIN, _END, _STOP = ("### START CODE HERE", "### BEGIN SOLUTION", "### END SOLUTION",
                               "### END CODE HERE")


# The ``source/`` folder whose notebooks are the answer key: this repository's, unless a grading
# run of another course directory says otherwise (:func:`answer_key_from`).
_SOURCE_ROOT = contextvars.ContextVar("answer_key_source", default=SOURCE)


@contextlib.contextmanager
def answer_key_from(source_root):
    """Take the answer key from ``source_root/<assignment>/`` while the block runs."""
    token = _SOURCE_ROOT.set(Path(source_root).resolve())
    try:
        yield
    finally:
        _SOURCE_ROOT.reset(token)


# Set while one submission is graded (:func:`one_version`): the answer key's functions, read once.
_FROZEN = contextvars.ContextVar("answer_key_functions", default=None)


@contextlib.contextmanager
def one_version():
    """While the block runs, :func:`reference_functions` returns the answer key as it was when the block
    started: one grading sees one version of ``source/``, and the hundreds of lookups a submission's
    tests make cost a dictionary access each instead of three ``stat`` calls."""
    token = _FROZEN.set(None)
    try:
        _FROZEN.set(reference_functions())
        yield
    finally:
        _FROZEN.reset(token)


def _stamp(assignment):
    """What identifies the answer key's current version: its notebook's path, size and mtime.

    The caches below are keyed on it, so a long-lived process (the formgrader's Jupyter
    server) sees an edit of ``source/`` at its next grading, as ``python -m autograder`` does.
    """
    path = notebook_path(assignment)
    status = path.stat()
    return str(path), status.st_size, status.st_mtime_ns


class AnswerKeyError(ValueError):
    """A solution cell that cannot serve as the answer key (its structure is broken)."""


def solved_source(cell_source, where="solution cell"):
    """The function of a solution cell as a student would complete it (see the module docstring).

    ``where`` names the cell in errors.
    """
    header = GRADED_HEADER.match(cell_source)
    if not header:
        raise AnswerKeyError(f"{where}: the first line is not '# GRADED FUNCTION: <name>'")
    kept, state = [], "code"  # code -> placeholders -> solution -> code
    for number, line in enumerate(cell_source[header.end():].splitlines(keepends=True), start=2):
        marker = line.strip()
        if marker.startswith(_START):
            if state != "code":
                raise AnswerKeyError(f"{where}, line {number}: {_START} inside another block")
            state = "placeholders"
        elif marker.startswith(_BEGIN):
            if state == "solution":
                raise AnswerKeyError(f"{where}, line {number}: {_BEGIN} twice")
            state = "solution"
        elif marker.startswith(_END):
            if state != "solution":
                raise AnswerKeyError(f"{where}, line {number}: {_END} without {_BEGIN}")
            state = "code"
        elif marker.startswith(_STOP):
            if state != "code":
                raise AnswerKeyError(f"{where}, line {number}: {_STOP} before {_END}")
        elif state != "placeholders":
            kept.append(line)
    if state != "code":
        raise AnswerKeyError(f"{where}: a block is not closed at the end of the cell")
    return "".join(kept).strip("\n") + "\n"


def notebook_path(assignment):
    """The source notebook of ``assignment`` (``source/<assignment>/*.ipynb``, exactly one)."""
    root = _SOURCE_ROOT.get()
    if not (root / assignment).is_dir():  # a course holding only some assignments: the others from here
        root = SOURCE
    folder = root / assignment
    return _notebook_in(str(folder), folder.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _notebook_in(folder, _stamp):
    """The one notebook of ``folder`` (cached while the folder's listing does not change)."""
    folder, assignment = Path(folder), Path(folder).name
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise AnswerKeyError(f"source/{assignment}: expected exactly one notebook, found {[n.name for n in notebooks]}")
    return notebooks[0]


def answer_key(assignment):
    """Graded function name -> solved source, in notebook order, for one assignment."""
    return dict(_read_answer_key(assignment, _stamp(assignment)))


@functools.lru_cache(maxsize=16)
def _read_answer_key(assignment, stamp):
    path = Path(stamp[0])
    key = {}
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        header = GRADED_HEADER.match(cell.source)
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution") or not header:
            continue
        name = header.group(1)
        if name in key:
            raise AnswerKeyError(f"{path.name}: two solution cells for {name}")
        key[name] = solved_source(cell.source, f"{path.name}, cell {index + 1} ({name})")
    return tuple(key.items())


def answer_key_source(name):
    """The solved source of the graded function ``name``, from whichever assignment grades it."""
    for assignment in ASSIGNMENTS:
        key = answer_key(assignment)
        if name in key:
            return key[name]
    raise KeyError(f"no solution cell '# GRADED FUNCTION: {name}' in {', '.join(ASSIGNMENTS)}")


def define(source, scope, filename):
    """Run ``source`` in ``scope`` under ``filename``, which tracebacks then quote line by line."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), scope)


def notebook_scope(assignment):
    """Fresh globals holding what ``assignment``'s notebook imports before its graded cells."""
    from coursekit import dnn_utils

    modules = [dnn_utils]
    if assignment != ASSIGNMENTS[0]:
        from coursekit import dnn_app_utils  # imported only here: its generator reads the answer key

        modules.append(dnn_app_utils)
    scope = {"__name__": f"answer_key.{assignment}", "np": np, "copy": copy}
    for module in modules:
        scope.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return scope


def _solutions(assignment):
    return _define_solutions(assignment, _stamp(assignment))


def _fresh_solutions(assignment):
    """``(scope, functions)``: the answer key's functions defined anew in a notebook scope of their own."""
    scope = notebook_scope(assignment)
    for name, source in answer_key(assignment).items():
        define(source, scope, f"<answer key {assignment}: {name}>")
    return scope, {name: scope[name] for name in answer_key(assignment)}


@functools.lru_cache(maxsize=16)
def _define_solutions(assignment, stamp):
    return _fresh_solutions(assignment)[1]


# Set while :func:`helper_calls` runs the answer key: the helper calls it makes are appended here.
_RECORDING = contextvars.ContextVar("recorded_helper_calls", default=None)


@functools.lru_cache(maxsize=16)
def _recording_solutions(assignment, stamp):
    """A second copy of the answer key in which every graded function's name, as the others see it, is
    a wrapper that records the call (name, arguments, result) while :func:`helper_calls` runs."""
    scope, plain = _fresh_solutions(assignment)

    def recorder(name, function):
        def recorded(*args, **kwargs):
            result = function(*args, **kwargs)
            calls = _RECORDING.get()
            if calls is not None:
                calls.append((name, args, kwargs, result))
            return result

        return recorded

    for name, function in plain.items():
        scope[name] = recorder(name, function)
    return plain


def helper_calls(assignment, name, args, kwargs):
    """``[(helper, args, kwargs, result)]``: the calls of other graded functions that the answer key's
    ``name`` makes on these arguments, with what each returned (the callbacks a correct submission's
    ``name`` would ask the grader for). Empty when the answer key raises on them."""
    function = _recording_solutions(assignment, _stamp(assignment))[name]
    token = _RECORDING.set([])
    try:
        function(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        return _RECORDING.get()
    except Exception:  # noqa: BLE001  (arguments the answer key cannot take: nothing to foresee)
        return []
    finally:
        _RECORDING.reset(token)


def reference_functions():
    """Graded function name -> its solution from the answer key, for both assignments.

    ``initialize_parameters_deep`` is assignment 1's (seed 3, ``* 0.01``), not the variant
    of ``dnn_app_utils`` that assignment 2 uses.
    """
    frozen = _FROZEN.get()
    if frozen is not None:
        return frozen
    functions = {}
    for assignment in ASSIGNMENTS:
        functions.update(_solutions(assignment))
    return functions


def graded_helpers(assignment, name):
    """The other graded functions of ``assignment`` that the answer key's ``name`` calls, directly or
    through each other: name -> the answer key's version.

    While the grader tests ``name``, the student's code gets these instead of the student's own
    (each of which is graded on its own), so one mistake costs points in one place only.
    """
    solutions = _solutions(assignment)
    return {helper: solutions[helper] for helper in _helper_names(assignment, name, _stamp(assignment))}


@functools.lru_cache(maxsize=64)
def _helper_names(assignment, name, _stamp):
    key = answer_key(assignment)
    wanted, todo = set(), [name]
    while todo:
        tree = ast.parse(key[todo.pop()])
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in key and node.id != name and node.id not in wanted:
                wanted.add(node.id)
                todo.append(node.id)
    return tuple(sorted(wanted))


def __getattr__(name):
    """The solutions also as attributes: ``two_layer_model``, ``L_layer_model``, and
    ``step_by_step_initialize_parameters_deep`` (assignment 1's variant of the initialisation)."""
    if name == "step_by_step_initialize_parameters_deep":
        return _solutions(ASSIGNMENTS[0])["initialize_parameters_deep"]
    if name in ("two_layer_model", "L_layer_model"):
        return _solutions(ASSIGNMENTS[1])[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def logistic_regression(X, Y, learning_rate=0.005, num_iterations=2000):
    """The course's week-2 baseline: zero-initialised logistic regression.

    Parameters
    ----------
    X : (n_x, m); Y : (1, m)

    Returns
    -------
    w : (n_x, 1); b : float
    """
    m = X.shape[1]
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    for _ in range(num_iterations):
        A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
        dZ = A - Y
        w = w - learning_rate * (X @ dZ.T) / m
        b = b - learning_rate * float(np.sum(dZ)) / m
    return w, b


def logistic_regression_accuracy(w, b, X, Y):
    """Fraction of examples of ``X`` (n_x, m) that ``(w, b)`` labels as ``Y`` (1, m)."""
    p = (w.T @ X + b) > 0
    return float(np.mean(p == Y))


def flatten_images(x_orig):
    """(m, 64, 64, 3) uint8 images to (12288, m) floats in [0, 1], as in the notebook."""
    return x_orig.reshape(x_orig.shape[0], -1).T / 255.0
