"""Check your notebook before you submit it: ``python self_check.py [notebook.ipynb]``.

It reads the saved notebook the way the grader does (only your imports and function
definitions, plus the notebook's setup cells), runs the public test of every graded
function, and prints your public-test score with the same messages as the grader. When a
function fails and one of your functions that it calls fails its own test too, it says so.
The hidden tests, on other inputs, run only when your work is graded.

Save the notebook first (Ctrl+S): the check reads the file, not the open tab. From a
notebook cell you can run it with ``!python self_check.py``.
"""

import contextlib
import io
import linecache
import sys
from pathlib import Path

if __package__:  # the installed course package (tests)
    from . import notebook_code, public_tests
else:  # by flat name, from a student's assignment folder
    import notebook_code
    import public_tests


def _grade_info(nb):
    """Graded function names, and points of their public test cells, from the notebook itself."""
    names, points = [], {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        header = notebook_code.GRADED_HEADER.match(cell.source)
        if header and header.group(1) not in names:
            names.append(header.group(1))
        if meta.get("grade") and str(meta.get("grade_id", "")).endswith("_public"):
            points[meta["grade_id"][: -len("_public")]] = float(meta.get("points", 0))
    return names, points


def check(path):
    """Run the public tests on the notebook at ``path``; return (score, max score)."""
    nb = notebook_code.read_notebook(path)
    names, points = _grade_info(nb)
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
                exec(notebook_code._without_magics(cell.source), namespace)
    code = notebook_code.extract_code(nb, names)
    for label, source in code.definitions:
        try:
            filename = f"<{label}>"
            # Registered, so that a failure can quote the student's line, as the grader does.
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, filename, "exec"), namespace)
        except Exception as error:  # report and go on, as the grader does
            code.notes.append(f"{label}: {type(error).__name__}: {error}")
    for note in code.notes:
        print(f"note: {note}")
    score = 0.0
    for name in names:
        test = getattr(public_tests, f"{name}_test")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                test(namespace.get(name))
            score += points.get(name, 0)
            print(f"PASS  {name} ({points.get(name, 0):g} points)")
        except AssertionError as failure:
            details = str(failure).replace("\n", "\n      ")
            print(f"FAIL  {name} (0 of {points.get(name, 0):g} points)\n      {details}")
    total = sum(points.get(name, 0) for name in names)
    print(f"\nPublic tests: {score:g} / {total:g} points. Hidden tests, worth as much again, run when you are graded.")
    return score, total


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        path = Path(argv[0])
    else:
        notebooks = sorted(p for p in Path.cwd().glob("*.ipynb") if not p.name.startswith("."))
        if len(notebooks) != 1:
            print("usage: python self_check.py NOTEBOOK.ipynb")
            return 2
        path = notebooks[0]
    try:
        check(path)
    except notebook_code.SubmissionError as error:
        print(f"cannot check: {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
