"""Does a graded function repeat a function that the course itself handed out?

Releasing assignment 2 gives students ``dnn_app_utils.py``, which holds working versions of
every assignment 1 function (that is its purpose: assignment 2 builds on them). Pasted into
assignment 1, they once scored 92/100. The first defence is the release order (assignment 2
only after assignment 1's deadline, see the README); this module is the second: for each
graded function a submission defines, it looks for a function of the same name in every
helper file that ``course.toml`` releases with any assignment, and compares the two after
normalising away what a copy would change cheaply: comments, docstrings, blank lines and
layout, and the names of arguments and local variables.

A match is recorded, never punished here: the function keeps its score, its result gets the
cause id ``matches-released-helper`` (counted in ``report.md``, a row of ``cases.csv``, the
``flags`` column of ``grades.csv``) and the submission a note saying which helper it matches.
Short functions have few correct forms, so an honest student can write the helper's code
word for word; how many functions match, and when the submission came in, are for the
instructor to weigh.
"""

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import SOURCE, UTILS, load_manifest, manifest_path

CAUSE = "matches-released-helper"


@dataclass(frozen=True)
class Match:
    function: str     # the graded function
    helper: str       # file name of the released helper, e.g. dnn_app_utils.py
    released_with: str  # the assignment whose release contains that helper

    def note(self):
        return (f"{self.function} is the same code as {self.function} in {self.helper}, the helper released with "
                f"assignment {self.released_with} (apart from comments, layout and variable names): flagged for "
                "the instructor to review; the score is unchanged.")


class _Canonical(ast.NodeTransformer):
    """Arguments and local variables renamed ``_0``, ``_1``, ... in order of first appearance."""

    def __init__(self, local):
        self.local, self.names = local, {}

    def _rename(self, name):
        if name not in self.local:
            return name
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Name(self, node):
        node.id = self._rename(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._rename(node.arg)
        node.annotation = None
        return node

    def visit_FunctionDef(self, node):
        node.name = self._rename(node.name)
        node.returns = None
        node.type_comment = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ExceptHandler(self, node):
        if node.name:
            node.name = self._rename(node.name)
        self.generic_visit(node)
        return node

    def visit_alias(self, node):
        if node.asname:
            node.asname = self._rename(node.asname)
        return node

    def visit_Expr(self, node):
        # A bare string is a docstring or a comment in disguise: it does nothing.
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None
        self.generic_visit(node)
        return node


def _local_names(function):
    """Names bound inside ``function``: its arguments, assignment targets, loop and ``with`` names, ..."""
    local = set()
    for node in ast.walk(function):
        if isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            local.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            local.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
        elif isinstance(node, ast.alias):
            local.add(node.asname or node.name.split(".")[0])
    return local


def fingerprint(function):
    """A text equal for two functions that differ only in comments, docstrings, layout and local names.

    Rewrites ``function`` (a node of a tree parsed for this purpose) in place; positions do not count.
    """
    tree = function
    name = tree.name
    tree = _Canonical(_local_names(tree)).visit(tree)
    tree.name = name
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


def _functions(text):
    """``{name: FunctionDef}`` of the top-level functions of ``text`` (the last definition wins)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


@functools.lru_cache(maxsize=64)
def _helper_fingerprints(path, _stamp):
    """``{function name: fingerprint}`` of one helper file (cached per version of the file)."""
    return {name: fingerprint(node) for name, node in _functions(Path(path).read_text(errors="replace")).items()}


def released_helpers(source_root=SOURCE):
    """``[(assignment id, helper file name, path)]`` of every helper module any assignment releases.

    The released copy in ``source/<id>/`` when it is there, else the original in ``utils/``.
    """
    manifest = manifest_path(Path(source_root))
    try:
        stamp = manifest.stat().st_mtime_ns
    except OSError:
        stamp = None
    return list(_released_helpers(str(source_root), stamp))


@functools.lru_cache(maxsize=16)
def _released_helpers(source_root, _stamp):
    source_root = Path(source_root)
    found = []
    for assignment_id, files in load_manifest(manifest_path(source_root)).items():
        for helper in files.helpers:
            if not helper.endswith(".py"):
                continue
            path = source_root / assignment_id / helper
            path = path if path.is_file() else UTILS / helper
            if path.is_file():
                found.append((assignment_id, helper, path))
    return tuple(found)


def released_matches(assignment, definitions):
    """Matches of the graded functions in ``definitions`` (``StudentCode.definitions``) with released helpers.

    At most one match per graded function (the first helper found, in ``course.toml``'s order).
    """
    student = {}
    for _, code in definitions:  # notebook order: the last definition is the graded one
        student.update(_functions(code))
    graded = [name for name in assignment.names if name in student]
    if not graded:
        return []
    source_root = assignment.folder.parent if assignment.folder else SOURCE
    helpers = []
    for assignment_id, helper, path in released_helpers(source_root):
        stat = path.stat()
        helpers.append((assignment_id, helper, _helper_fingerprints(str(path), (stat.st_mtime_ns, stat.st_size))))
    matches = []
    for name in graded:
        mine = fingerprint(student[name])
        for assignment_id, helper, prints in helpers:
            if prints.get(name) == mine:
                matches.append(Match(name, helper, assignment_id))
                break
    return matches


def flag(result, assignment, definitions):
    """Record in ``result`` every graded function that matches a released helper; scores are not touched."""
    matches = released_matches(assignment, definitions)
    by_name = {function.name: function for function in result.functions}
    for match in matches:
        result.notes.append(match.note())
        function = by_name.get(match.function)
        if function is None:
            continue
        if CAUSE not in function.causes:
            function.causes.append(CAUSE)
        function.cases.append({"test": "provenance", "case": f"{match.helper} ({match.released_with})",
                               "field": "", "expected": "", "actual": "", "cause": CAUSE,
                               "hint": "same code as the released helper: for the instructor to review"})
    return matches


def flagged(result):
    """Names of the functions of ``result`` flagged by :func:`flag`."""
    return [function.name for function in result.functions if CAUSE in (function.causes or ())]
