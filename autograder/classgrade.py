"""Grading every submission of an assignment: what ``python -m autograder grade`` does.

It reads the course as nbgrader does (:mod:`autograder.config`), decides the sandbox's
isolation once, grades each notebook with :func:`autograder.grading.grade_notebook` on local
processes or a Dask cluster (reached with the course's TLS certificates, see
:mod:`autograder.dask_tls`), and writes the nbgrader gradebook, ``reports/<assignment>/``
(``grades.csv``, ``report.md``, plots) and a feedback page per student. It is a plain
function so that the demo, the benchmark and the tests call it without a subprocess.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import config as course_config
from autograder import course_secret, records, report
from autograder.assignments import REPOSITORY, load_assignment
from autograder.batch import GRADER_FAULT, grade_all
from autograder.dask_tls import DEFAULT_FOLDER, SecurityError, client_security
from autograder.grading import Settings
from autograder.sandbox import LIMITS_ONLY, UNSANDBOXED, detect_isolation


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
    def grader_faults(self):
        """Submissions the grader itself failed on (not the submission's fault): re-grade them."""
        return [r.student for r in self.results if r.error.startswith(GRADER_FAULT)]

    @property
    def unreadable(self):
        return sum(bool(r.error) and not r.error.startswith(GRADER_FAULT) for r in self.results)

    def summary(self):
        return (f"graded {len(self.results)} submission(s) of {self.assignment.id}: mean {self.mean:.1f} / "
                f"{self.assignment.max_score:g}; {self.unreadable} unreadable; isolation {self.isolation}.")


def grading_settings(coursedir, config):
    """Limits from the configuration, isolation as found now, the course and this package hidden.

    Fails closed: without bubblewrap, :class:`GradingError` unless the configuration allows
    unsandboxed grading (``GradingSandbox.allow_unsandboxed``, ``--insecure-no-sandbox``).
    """
    hidden = tuple(sorted({Path(coursedir.root).resolve(), REPOSITORY}))
    allowed = course_config.GradingSandbox(config=config).allow_unsandboxed
    isolation = detect_isolation()
    if isolation == LIMITS_ONLY and not allowed:
        raise GradingError(UNSANDBOXED)
    # The course's secret travels with the settings, so Dask workers draw the same hidden inputs.
    return Settings(course_config.sandbox_limits(config), isolation, hidden, allowed,
                    course_secret.course_secret(coursedir.root))


def grade_class(assignment_id, course=None, *, jobs=2, scheduler=None, students=None, overrides=None,
                progress=None, announce=None, dask_certs=None, insecure_tcp=False):
    """Grade ``assignment_id`` in the course at ``course`` (default: the current directory).

    ``scheduler`` (a Dask address) must be ``tls://``: the client connects with the
    certificates in ``dask_certs`` (default ``<course root>/dask-certs``); a plain address is
    refused unless ``insecure_tcp``.

    ``overrides`` is a traitlets Config merged over ``nbgrader_config.py`` (command-line
    options); ``students`` limits the run to those ids; ``progress()`` is called once per
    graded notebook and ``announce(text)`` once before grading starts.
    """
    config = course_config.load_config(course, overrides)
    coursedir = course_config.course_directory(config)
    security = None
    if scheduler:
        try:
            security = client_security(scheduler, dask_certs or Path(coursedir.root) / DEFAULT_FOLDER, insecure_tcp)
        except SecurityError as error:
            raise GradingError(str(error)) from None
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id))
    try:
        assignment = load_assignment(assignment_id, source.parent)
    except (OSError, ValueError) as error:
        raise GradingError(f"cannot read assignment {assignment_id!r} from {source}: {error}") from None
    everyone = course_config.submissions(coursedir, assignment)
    wanted = set(students or ())
    found = [(s, p) for s, p in everyone if s in wanted] if wanted else everyone
    if not found:
        where = coursedir.format_path(coursedir.submitted_directory, "<student>", assignment.id)
        raise GradingError(f"no submissions in {where}")
    settings = grading_settings(coursedir, config)
    records.ensure_assignment(coursedir.root, coursedir.db_url, assignment)
    if announce:
        where = f"Dask scheduler {scheduler}" if scheduler else f"{jobs} local job(s)"
        if scheduler and security is None:
            where += " (plain TCP: NOT authenticated, any client on the network can change grades)"
        announce(f"grading {len(found)} submission(s) of {assignment.id} on {where}; isolation {settings.isolation}")
    timestamps = {}
    for student, path in found:
        stamp = path.parent / "timestamp.txt"
        if stamp.is_file() and stamp.stat().st_size < 1024:
            timestamps[student] = stamp.read_text(errors="replace").strip()
    out = Path(coursedir.root) / "reports" / assignment.id
    results = []
    # Each result is kept as soon as it is known: gradebook, feedback page and a record of it.
    with records.GradebookWriter(coursedir.db_url, assignment, timestamps) as gradebook:
        for result in grade_all(assignment, found, settings, jobs, scheduler, progress, security):
            started = time.perf_counter()
            gradebook.write(result)
            records.write_feedback(coursedir.format_path(coursedir.feedback_directory, result.student,
                                                         assignment.id), assignment, result)
            result.timings["records"] = round(time.perf_counter() - started, 6)  # the record's own write: not counted
            records.save_result(out / "results", result)
            results.append(result)
    # The class files cover the whole class, also after a re-grade of a few students.
    graded = {result.student for result in results}
    kept = [records.load_result(out / "results", student) for student, _ in everyone if student not in graded]
    whole_class = results + [result for result in kept if result is not None]
    records.write_csv(out / "grades.csv", assignment, whole_class)
    records.write_cases(out / "cases.csv", assignment, whole_class)
    report.write_report(out, assignment, whole_class)
    return ClassResult(assignment, results, settings.isolation, out)
