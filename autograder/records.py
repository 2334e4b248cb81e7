"""Writing results: the nbgrader gradebook, a CSV of grades and a feedback page per student.

Every grade cell of a graded submission is written on every run, so a re-grade never keeps
a stale score: a cell whose test now fails, or whose code is now missing, gets its new score.
"""

import csv
import dataclasses
import html
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

from nbgrader.api import Grade, Gradebook, GradeCell, MissingEntry
from nbgrader.utils import parse_utc

from autograder import provenance


def ensure_assignment(course_root, db_url, assignment):
    """Register the assignment's grade cells in the gradebook (``nbgrader generate_assignment``) if needed.

    Needed when a grade cell is missing or its points differ from ``source/`` (edited since the
    last generate): nbgrader would otherwise score cells against stale maxima.
    """
    with Gradebook(db_url) as gradebook:
        try:
            notebook = gradebook.find_notebook(assignment.notebook_id, assignment.id)
            registered = {c.name: c.max_score for c in notebook.grade_cells}
            wanted = {f.public_id: f.public_points for f in assignment.functions}
            wanted.update({f.hidden_id: f.hidden_points for f in assignment.functions})
            if all(abs(registered.get(cell, -1) - points) < 1e-9 for cell, points in wanted.items()):
                return  # every grade cell is there, with the points source/ gives it now
        except MissingEntry:
            pass
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", assignment.id, "--force",
                             f"--db={db_url}", f"--CourseDirectory.root={course_root}"],
                            cwd=course_root, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"nbgrader generate_assignment {assignment.id} failed:\n{result.stdout}{result.stderr}")


def _grade_ids(assignment):
    return [g for f in assignment.functions for g in (f.public_id, f.hidden_id)]


class GradebookWriter:
    """The nbgrader gradebook, open for a whole grading run; :meth:`write` commits one result.

    One connection for the run, one transaction per result: a result is kept as soon as it is
    known, without paying for opening the database each time.
    """

    def __init__(self, db_url, assignment, timestamps=None):
        self.db_url, self.assignment, self.timestamps = db_url, assignment, timestamps or {}
        self.gradebook = None

    def __enter__(self):
        self.gradebook = Gradebook(self.db_url).__enter__()
        return self

    def __exit__(self, *exc):
        self.gradebook.__exit__(*exc)
        self.gradebook = None

    def write(self, result):
        assignment, gradebook = self.assignment, self.gradebook
        with warnings.catch_warnings():
            # nbgrader's models trigger harmless SQLAlchemy "not in session" warnings on every submission.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            gradebook.update_or_create_student(result.student)
            try:
                submission = gradebook.find_submission(assignment.id, result.student)
            except MissingEntry:
                submission = gradebook.add_submission(assignment.id, result.student)
            if self.timestamps.get(result.student):
                try:
                    submission.timestamp = parse_utc(self.timestamps[result.student])
                except (ValueError, TypeError, OverflowError):
                    pass  # an unreadable timestamp.txt is no reason to lose the grades
            scores = result.grade_cells()
            # All the notebook's grades in one query (nbgrader's find_grade costs one query per cell).
            notebook = gradebook.find_submission_notebook(assignment.notebook_id, assignment.id, result.student)
            grades = {name: grade for name, grade in gradebook.db.query(GradeCell.name, Grade)
                      .join(Grade, Grade.cell_id == GradeCell.id).filter(Grade.notebook_id == notebook.id)}
            for grade_id in _grade_ids(assignment):
                grades[grade_id].auto_score = scores.get(grade_id, 0.0)
            gradebook.db.commit()


def write_csv(path, assignment, results):
    """One row per student: total, then the score of each graded function."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score", *assignment.names, "problem", "isolation",
                         "flags"])
        for result in sorted(results, key=lambda r: r.student):
            by_name = {f.name: f.score for f in result.functions}
            same = provenance.flagged(result)  # functions that repeat a released helper: for the instructor
            writer.writerow([spreadsheet_safe(result.student), assignment.id, f"{result.score:g}",
                             f"{result.max_score:g}", *(f"{by_name.get(n, 0):g}" for n in assignment.names),
                             spreadsheet_safe(result.error), result.isolation,
                             f"{provenance.CAUSE}: {' '.join(same)}" if same else ""])


def spreadsheet_safe(text):
    """A CSV cell that a spreadsheet shows as text: a leading ``= + - @`` (a formula) gets a quote."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def save_result(folder, result):
    """``<folder>/<student>.json``: the whole result, so the class files can be rebuilt after a re-grade."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{result.student}.json").write_text(json.dumps(dataclasses.asdict(result), default=str))


def load_result(folder, student):
    """The result saved by :func:`save_result` for ``student``, or None if there is none (or it is unreadable)."""
    from autograder.grading import FunctionResult, Result

    path = Path(folder) / f"{student}.json"
    try:
        data = json.loads(path.read_text())
        functions = [FunctionResult(**function) for function in data.pop("functions")]
        return Result(**data, functions=functions)
    except (OSError, ValueError, TypeError, KeyError):
        return None


CASE_FIELDS = ("test", "case", "field", "expected", "actual", "cause", "hint")


def write_cases(path, assignment, results):
    """One row per problem found, as structured data: student, function, then :data:`CASE_FIELDS`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "function", *CASE_FIELDS])
        for result in sorted(results, key=lambda r: r.student):
            for function in result.functions:
                for case in function.cases:
                    writer.writerow([spreadsheet_safe(result.student), assignment.id, function.name,
                                     *("" if case.get(key) is None else spreadsheet_safe(case[key])
                                       for key in CASE_FIELDS)])


def write_feedback(feedback_folder, assignment, result):
    """``<feedback_folder>/<notebook>.grading.html``: score per function and every message.

    ``feedback_folder`` is the student's feedback folder of the assignment, as nbgrader's
    ``CourseDirectory.format_path(feedback_directory, student, assignment)`` names it.
    """
    folder = Path(feedback_folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for function in result.functions:
        status = "passed" if function.score == function.max_score else "needs work"
        details = "".join(f"<pre>{html.escape(m)}</pre>" for m in function.messages)
        rows.append(f"<tr><td><code>{function.name}</code></td><td>{function.score:g} / {function.max_score:g}</td>"
                    f"<td>{status}</td></tr>" + (f"<tr><td colspan='3'>{details}</td></tr>" if details else ""))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes + ([result.error] if result.error else []))
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{assignment.id}: feedback for {html.escape(result.student)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td{{padding:.3em .8em;vertical-align:top}}
pre{{white-space:pre-wrap;background:#f6f6f6;padding:.5em}}</style></head><body>
<h1>{assignment.id}: {result.score:g} / {result.max_score:g}</h1>
<p>Graded with isolation: {html.escape(result.isolation or "unknown")}.
Each graded function has public tests (the ones in your notebook) and hidden tests on inputs you did not see.</p>
<table>{''.join(rows)}</table>
{f'<h2>Notes about your notebook</h2><ul>{notes}</ul>' if notes else ''}
</body></html>
"""
    path = folder / f"{assignment.notebook_id}.grading.html"
    path.write_text(page)
    return path
