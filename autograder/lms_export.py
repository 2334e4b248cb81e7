"""The class's grades out of nbgrader's gradebook, as the CSV files learning-management systems import.

Why this exists: stock ``nbgrader export`` writes one row per student *and assignment*, which no
LMS gradebook imports as it is. These are nbgrader export plugins (subclasses of
:class:`nbgrader.plugins.ExportPlugin`), so they run through nbgrader's own command::

    nbgrader export --exporter=autograder.lms_export.CanvasExport --to=canvas_grades.csv
    nbgrader export --exporter=autograder.lms_export.StudentCsvExport --to=student_grades.csv

(``--assignment`` / ``--student`` lists restrict them, as for the stock exporter).

* :class:`CanvasExport`: Canvas's gradebook import: ``Student, ID, SIS User ID, SIS Login ID,
  Section`` and one column per assignment, then a ``Points Possible`` row. Canvas matches a row to
  a student by any of the ID columns; without a roster the nbgrader student id (on JupyterHub
  the login name) goes into ``SIS Login ID``. ``CanvasExport.roster`` names a gradebook CSV
  exported from the Canvas course: rows are then matched on ``CanvasExport.match_column`` and carry
  Canvas's own IDs and sections. An assignment column is headed with the nbgrader assignment name
  (Canvas creates a new assignment on import) unless ``CanvasExport.columns`` maps it to an
  existing Canvas column such as ``"DNN step by step (48213)"``.
* :class:`StudentCsvExport`: one plain row per student (``student_id, last_name, first_name,
  email``, then per assignment the score, its late penalty and its maximum, then the total), the
  shape Moodle, Blackboard or a spreadsheet import by column mapping.

A score is the gradebook's score minus its late-submission penalty (never below 0), as in
stock nbgrader's export; a student without a submission has an empty cell (an LMS import then
leaves that grade alone) and counts 0 in the total. Cells that would start a spreadsheet formula
are written as text.
"""

import csv
import os
from dataclasses import dataclass, field

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Dict, Unicode

from autograder.records import spreadsheet_safe

CANVAS_ID_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


@dataclass
class StudentGrades:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    scores: dict = field(default_factory=dict)     # assignment -> final score, None if nothing submitted
    penalties: dict = field(default_factory=dict)  # assignment -> late penalty taken off

    @property
    def total(self):
        return sum(score or 0.0 for score in self.scores.values())


def class_grades(gradebook, assignments=(), students=()):
    """(assignments as ``[(name, max_score)]``, ``[StudentGrades]``) from an open nbgrader gradebook."""
    chosen = [a for a in gradebook.assignments if not assignments or a.name in assignments]
    chosen.sort(key=lambda a: (a.duedate is None, a.duedate or 0, a.name))
    rows = []
    for student in sorted(gradebook.students, key=lambda s: s.id):
        if students and student.id not in students:
            continue
        row = StudentGrades(student.id, student.first_name or "", student.last_name or "", student.email or "")
        for assignment in chosen:
            try:
                submission = gradebook.find_submission(assignment.name, student.id)
            except MissingEntry:
                row.scores[assignment.name], row.penalties[assignment.name] = None, 0.0
                continue
            penalty = submission.late_submission_penalty or 0.0
            row.scores[assignment.name] = max(0.0, submission.score - penalty)
            row.penalties[assignment.name] = penalty
        rows.append(row)
    return [(a.name, a.max_score) for a in chosen], rows


def points(value):
    return "" if value is None else f"{value:g}"


class _CourseExport(ExportPlugin):
    default_file = ""

    def destination(self):
        return self.to or self.default_file

    def grades(self, gradebook):
        return class_grades(gradebook, [str(a) for a in self.assignment], [str(s) for s in self.student])

    def write(self, header, rows):
        dest = self.destination()
        folder = os.path.dirname(os.path.abspath(dest))
        os.makedirs(folder, exist_ok=True)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row]
                              for row in rows])
        self.log.info("Wrote the grades of %d student(s) to %s", len(rows) - self.extra_rows, dest)

    extra_rows = 0


class StudentCsvExport(_CourseExport):
    """One row per student: identity, then score / late penalty / maximum per assignment, then the total."""

    default_file = "student_grades.csv"

    def export(self, gradebook):
        assignments, students = self.grades(gradebook)
        header = ["student_id", "last_name", "first_name", "email"]
        for name, _ in assignments:
            header += [name, f"{name} late penalty", f"{name} max"]
        header += ["total", "max_total"]
        max_total = sum(maximum for _, maximum in assignments)
        rows = []
        for s in students:
            row = [s.id, s.last_name, s.first_name, s.email]
            for name, maximum in assignments:
                row += [points(s.scores[name]), points(s.penalties[name]), points(maximum)]
            rows.append(row + [points(s.total), points(max_total)])
        self.write(header, rows)


class CanvasExport(_CourseExport):
    """Canvas gradebook import: ID columns, one column per assignment, and a Points Possible row."""

    default_file = "canvas_grades.csv"
    extra_rows = 1

    roster = Unicode("", help=(
        "A gradebook CSV exported from the Canvas course. When given, each nbgrader student is matched "
        "to its row by match_column and the row's Canvas ID, SIS IDs and section are used.")).tag(config=True)
    match_column = Unicode("SIS Login ID", help=(
        "The roster column that holds the nbgrader student id (the JupyterHub login name).")).tag(config=True)
    columns = Dict(key_trait=Unicode(), value_trait=Unicode(), help=(
        "nbgrader assignment name -> header of an existing Canvas column, e.g. "
        "{'dnn_step_by_step': 'DNN step by step (48213)'}; others become new Canvas assignments.")).tag(config=True)

    def read_roster(self):
        if not self.roster:
            return {}
        with open(self.roster, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if self.match_column not in (reader.fieldnames or []):
                raise ValueError(f"the Canvas roster {self.roster} has no column {self.match_column!r} "
                                 f"(its columns: {reader.fieldnames})")
            return {row[self.match_column].strip(): row for row in reader
                    if row.get(self.match_column, "").strip() and "Points Possible" not in row.get("Student", "")}

    def export(self, gradebook):
        assignments, students = self.grades(gradebook)
        roster = self.read_roster()
        header = list(CANVAS_ID_COLUMNS) + [self.columns.get(name, name) for name, _ in assignments]
        rows = [["    Points Possible", "", "", "", ""] + [points(maximum) for _, maximum in assignments]]
        for s in students:
            entry = roster.get(s.id)
            if roster and entry is None:
                self.log.warning("Student %s is not in the Canvas roster %s (matched on %s): Canvas will match "
                                 "the row by SIS Login ID only", s.id, self.roster, self.match_column)
            if entry:
                ids = [entry.get(column, "") for column in CANVAS_ID_COLUMNS]
            else:
                name = ", ".join(part for part in (s.last_name, s.first_name) if part) or s.id
                ids = [name, "", "", s.id, ""]
            rows.append(ids + [points(s.scores[name]) for name, _ in assignments])
        self.write(header, rows)
