"""Grading every submission of an assignment: what ``python -m autograder grade`` does.

It reads the course as nbgrader does (:mod:`autograder.config`), decides the sandbox's
isolation once, grades each notebook with :func:`autograder.grading.grade_notebook` on local
processes or a Dask cluster, and writes the nbgrader gradebook, ``reports/<assignment>/``
(``grades.csv``, ``report.md``, plots) and a feedback page per student. It is a plain
function so that the demo, the benchmark and the tests call it without a subprocess.
"""

from dataclasses import dataclass, field
from pathlib import Path

from autograder import config as course_config
from autograder import records, report
from autograder.assignments import REPOSITORY, load_assignment
from autograder.batch import grade_all
from autograder.grading import Settings
from autograder.sandbox import detect_isolation


class GradingError(RuntimeError):
    """Grading could not start (no such assignment, no submissions, ...); the message says why."""


@dataclass
class ClassResult:
    assignment: object
    results: list = field(default_factory=list)
    isolation: str = ""
    reports: Path = None

    @property
    def mean(self):
        return sum(r.score for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def unreadable(self):
        return sum(bool(r.error) for r in self.results)

    def summary(self):
        return (f"graded {len(self.results)} submission(s) of {self.assignment.id}: mean {self.mean:.1f} / "
                f"{self.assignment.max_score:g}; {self.unreadable} unreadable; isolation {self.isolation}.")


def grading_settings(coursedir, config):
    """Limits from the configuration, isolation as found now, the course and this package hidden."""
    hidden = tuple(sorted({Path(coursedir.root).resolve(), REPOSITORY}))
    return Settings(course_config.sandbox_limits(config), detect_isolation(), hidden)


def grade_class(assignment_id, course=None, *, jobs=2, scheduler=None, students=None, overrides=None,
                progress=None, announce=None):
    """Grade ``assignment_id`` in the course at ``course`` (default: the current directory).

    ``overrides`` is a traitlets Config merged over ``nbgrader_config.py`` (command-line
    options); ``students`` limits the run to those ids; ``progress()`` is called once per
    graded notebook and ``announce(text)`` once before grading starts.
    """
    config = course_config.load_config(course, overrides)
    coursedir = course_config.course_directory(config)
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id))
    try:
        assignment = load_assignment(assignment_id, source.parent)
    except (OSError, ValueError) as error:
        raise GradingError(f"cannot read assignment {assignment_id!r} from {source}: {error}") from None
    found = course_config.submissions(coursedir, assignment)
    if students:
        found = [(s, p) for s, p in found if s in set(students)]
    if not found:
        where = coursedir.format_path(coursedir.submitted_directory, "<student>", assignment.id)
        raise GradingError(f"no submissions in {where}")
    settings = grading_settings(coursedir, config)
    records.ensure_assignment(coursedir.root, coursedir.db_url, assignment)
    if announce:
        where = f"Dask scheduler {scheduler}" if scheduler else f"{jobs} local job(s)"
        announce(f"grading {len(found)} submission(s) of {assignment.id} on {where}; isolation {settings.isolation}")
    results = list(grade_all(assignment, found, settings, jobs, scheduler, progress))
    timestamps = {}
    for student, path in found:
        stamp = path.parent / "timestamp.txt"
        if stamp.is_file() and stamp.stat().st_size < 1024:
            timestamps[student] = stamp.read_text(errors="replace").strip()
    records.write_gradebook(coursedir.db_url, assignment, results, timestamps)
    out = Path(coursedir.root) / "reports" / assignment.id
    records.write_csv(out / "grades.csv", assignment, results)
    records.write_cases(out / "cases.csv", assignment, results)
    for result in results:
        records.write_feedback(coursedir.format_path(coursedir.feedback_directory, result.student, assignment.id),
                               assignment, result)
    report.write_report(out, assignment, results)
    return ClassResult(assignment, results, settings.isolation, out)
