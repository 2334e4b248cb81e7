"""Reading a notebook and extracting the student's definitions from it (grader and self-check).

Only the student's *definitions* are taken from a submission: imports, functions and
classes of every cell that parses (a cell that does not parse is tried together with the
cells after it, which repairs a function split across cells). Everything else comes from
the source notebook: the setup cells, the tests and the points. So deleted, duplicated,
split or re-typed cells, edited test cells or metadata, and notebooks saved by other front
ends (VS Code, Colab) are all graded the same way, and top-level calls such as a
2500-iteration training run are never executed by the grader.
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_MB = 20
MAX_CELL_CHARS = 200_000  # far above any solution cell; parsing more is only a way to stall the grader
MAGIC = re.compile(r"^\s*[%!]")
GRADED_HEADER = re.compile(r"^\s*#\s*GRADED FUNCTION:\s*(\w+)", re.M)


class SubmissionError(ValueError):
    """The submitted file cannot be read as a notebook."""


@dataclass
class StudentCode:
    """Definitions taken from a submission, and notes on what was odd about it."""

    definitions: list = field(default_factory=list)   # (label, source) in notebook order
    notes: list = field(default_factory=list)


def read_notebook(path):
    """Parse a submitted notebook (any nbformat version 3 or 4), with a clear error if impossible."""
    path = Path(path)
    if path.is_symlink():
        raise SubmissionError(f"{path.name}: the submitted notebook is a symbolic link, not a file; "
                              "submit the notebook itself.")
    linked = next((folder for folder in (path.parent, path.parent.parent) if folder.is_symlink()), None)
    if linked is not None:  # submitted/<student>/<assignment>/: someone else's work reached through a link
        raise SubmissionError(f"{path.name}: the submission folder {linked.name} is a symbolic link; "
                              "only a real folder of your own is graded.")
    if not path.is_file():
        raise SubmissionError(f"{path.name}: the notebook is missing from the submission.")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_MB << 20:
        raise SubmissionError(f"{path.name}: {size >> 20} MB is larger than the {MAX_NOTEBOOK_MB} MB limit "
                              "(clear the outputs before submitting).")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name}: not a text file (is it really a notebook?).") from None
    except json.JSONDecodeError as error:
        raise SubmissionError(f"{path.name}: not valid notebook JSON (line {error.lineno}, column "
                              f"{error.colno}: {error.msg}). Was it edited in a text editor?") from None
    except RecursionError:
        raise SubmissionError(f"{path.name}: JSON nested far too deeply to be a notebook.") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise SubmissionError(f"{path.name}: JSON without notebook cells.")
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except RecursionError:
        raise SubmissionError(f"{path.name}: JSON nested far too deeply to be a notebook.") from None
    except Exception as error:  # nbformat raises several kinds on broken structure
        raise SubmissionError(f"{path.name}: not a readable notebook ({type(error).__name__}: {error}).") from None


def _cell_text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _without_magics(text):
    return "\n".join("" if MAGIC.match(line) else line for line in text.splitlines())


def _parse(text):
    """The syntax tree of ``text``, or None: a cell too large, or nested too deeply, does not parse."""
    if len(text) > MAX_CELL_CHARS:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _definitions(tree, text):
    """Source of the top-level imports, functions and classes of a parsed cell."""
    lines = text.splitlines()
    kept = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[start - 1:node.end_lineno]))
    return "\n\n".join(kept)


def extract_code(nb, graded_names):
    """The definitions of a submission, in notebook order.

    Code cells count; a markdown or raw cell counts too when it holds a
    ``# GRADED FUNCTION`` header (a solution cell whose type was changed).
    """
    code = StudentCode()
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        text = _cell_text(cell)
        kind = cell.get("cell_type")
        if kind != "code":
            header = GRADED_HEADER.search(text)
            if not (header and header.group(1) in graded_names):
                continue
            code.notes.append(f"cell {index + 1} holding {header.group(1)} is a {kind} cell; it was graded as code.")
        cells.append((index, _without_magics(text)))

    chunks = []  # (first cell index, last cell index, text, parsed tree)
    position = 0
    while position < len(cells):
        index, text = cells[position]
        tree, last = _parse(text), index
        if tree is None and chunks:
            # The second half of a split function: it parses once appended to the cell before it.
            first, _, before, _ = chunks[-1]
            joined = before + "\n" + text
            tree = _parse(joined)
            if tree is not None:
                chunks.pop()
                index, text = first, joined
                code.notes.append(f"cells {first + 1}-{last + 1} were joined: a function was split across cells.")
        if tree is None:
            # The first half of a split function: it parses once the next cells are appended.
            joined = text
            for extra in range(1, 4):
                if position + extra >= len(cells):
                    break
                joined += "\n" + cells[position + extra][1]
                tree = _parse(joined)
                if tree is not None:
                    text, last = joined, cells[position + extra][0]
                    code.notes.append(f"cells {index + 1}-{last + 1} were joined: a function was split across cells.")
                    position += extra
                    break
        position += 1
        if tree is None:
            header = GRADED_HEADER.search(text)
            if header or any(re.search(rf"^\s*def\s+{name}\s*\(", text, re.M) for name in graded_names):
                code.notes.append(f"cell {index + 1} has a syntax error: {_syntax_error(text)}")
            continue
        chunks.append((index, last, text, tree))

    for first, last, text, tree in chunks:
        kept = _definitions(tree, text)
        if kept:
            label = f"cell {first + 1}" if first == last else f"cells {first + 1}-{last + 1}"
            code.definitions.append((label, kept))

    defined = [name for name in graded_names
               if any(re.search(rf"^(async\s+)?def\s+{name}\s*\(", src, re.M) for _, src in code.definitions)]
    for name in graded_names:
        count = sum(len(re.findall(rf"^(async\s+)?def\s+{name}\s*\(", src, re.M)) for _, src in code.definitions)
        if count > 1:
            code.notes.append(f"{name} is defined {count} times; the last definition was graded.")
        if name not in defined:
            code.notes.append(f"{name} is not defined in the notebook (renamed or deleted?).")
    return code


def _syntax_error(text):
    if len(text) > MAX_CELL_CHARS:
        return f"the cell has {len(text)} characters, more than the {MAX_CELL_CHARS} a cell may have"
    try:
        ast.parse(text)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except (RecursionError, MemoryError):
        return "an expression nested too deeply to read"
    return "unknown"
