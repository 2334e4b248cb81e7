"""``python -m autograder grade`` reads the course the way nbgrader does.

An instructor who changes nbgrader's layout in ``nbgrader_config.py`` (folder names,
``directory_structure``, database URL) or the sandbox limits gets the same behaviour from the
course's grader as from ``nbgrader autograde``; command-line options win over the file.
"""

import csv
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from traitlets.config import Config

from autograder import cli
from autograder.assignments import REPOSITORY
from autograder.attempts import attempts
from autograder.classgrade import GradingError, grade_class
from autograder.config import load_config, sandbox_limits
from autograder.sample_class import NOTEBOOKS
from autograder.sandbox import BUBBLEWRAP, detect_isolation

pytestmark = pytest.mark.notebooks
ASSIGNMENT = "dnn_step_by_step"
ATTEMPTS = {attempt.id: attempt for attempt in attempts()}
CUSTOM_LAYOUT = '''
c.CourseDirectory.submitted_directory = "turned_in"
c.CourseDirectory.feedback_directory = "comments"
c.CourseDirectory.directory_structure = "{nbgrader_step}/{assignment_id}/{student_id}"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "marks.sqlite")
c.GradingSandbox.call_seconds = 1.5
'''


def make_course(folder, extra=""):
    folder.mkdir(parents=True, exist_ok=True)
    config = (REPOSITORY / "nbgrader_config.py").read_text() + extra
    (folder / "nbgrader_config.py").write_text(config)
    shutil.copytree(REPOSITORY / "source", folder / "source", symlinks=False)
    return folder


def submit(course, student, attempt_id, submitted="submitted", structure="{student}/{assignment}"):
    folder = course / submitted / structure.format(student=student, assignment=ASSIGNMENT)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NOTEBOOKS[ASSIGNMENT]).write_bytes(ATTEMPTS[attempt_id].data)


def test_limits_come_from_the_configuration_and_the_command_line_wins(tmp_path):
    course = make_course(tmp_path / "course", CUSTOM_LAYOUT)
    assert sandbox_limits(load_config(course)).call_seconds == 1.5
    overrides = Config()
    overrides.GradingSandbox.call_seconds = 4.0
    assert sandbox_limits(load_config(course, overrides)).call_seconds == 4.0
    assert sandbox_limits(load_config(tmp_path / "no-config-here")).call_seconds == 30.0  # documented default


def test_jupyter_config_folders_are_read_as_nbgrader_reads_them_and_the_course_wins(tmp_path, monkeypatch):
    site = tmp_path / "jupyter-config"
    site.mkdir()
    (site / "nbgrader_config.py").write_text("c = get_config()\nc.GradingSandbox.call_seconds = 7.0\n"
                                              "c.GradingSandbox.memory_mb = 900\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(site))
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.GradingSandbox.memory_mb = 2000\n")
    limits = sandbox_limits(load_config(course))
    assert (limits.call_seconds, limits.memory_mb) == (7.0, 2000)


def test_a_customised_nbgrader_layout_is_graded_where_nbgrader_puts_it(tmp_path):
    course = make_course(tmp_path / "course", CUSTOM_LAYOUT)
    submit(course, "ada", "correct", "turned_in", "{assignment}/{student}")
    submit(course, "bob", "infinite-loop", "turned_in", "{assignment}/{student}")
    outcome = grade_class(ASSIGNMENT, course, jobs=2)
    scores = {r.student: r for r in outcome.results}
    assert scores["ada"].score == 100, lost(outcome.results)
    loop = next(f for f in scores["bob"].functions if f.name == "compute_cost")
    assert loop.score == 0 and "timed out after 1.5 s" in "\n".join(loop.messages)
    with Gradebook(f"sqlite:///{course / 'marks.sqlite'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == 100
    assert not (course / "gradebook.db").exists()
    assert (course / "comments" / ASSIGNMENT / "ada").is_dir()
    assert {r.isolation for r in outcome.results} == {detect_isolation()}
    with open(course / "reports" / ASSIGNMENT / "grades.csv") as handle:
        assert {row["isolation"] for row in csv.DictReader(handle)} == {detect_isolation()}
    with open(course / "reports" / ASSIGNMENT / "cases.csv") as handle:
        cases = list(csv.DictReader(handle))
    assert {row["student"] for row in cases} == {"bob"}  # ada has no problem to report
    timeouts = [row for row in cases if row["function"] == "compute_cost"]
    assert {row["test"] for row in timeouts} == {"public", "hidden"}
    assert {row["cause"] for row in timeouts} == {"timeout"}


def lost(results):
    """What each function that lost points said (printed when a score assertion fails)."""
    return {(r.student, f.name): (f.score, f.messages, f.causes) for r in results
            for f in r.functions if f.score != f.max_score} | {(r.student, "notes"): r.notes for r in results}


def cell_scores(db_url):
    with Gradebook(db_url) as gradebook:
        return {(s.student.id, g.name): g.auto_score for s in gradebook.find_assignment(ASSIGNMENT).submissions
                for nb in s.notebooks for g in nb.grades}


def test_nbgrader_autograde_and_our_grader_agree_on_a_customised_layout(tmp_path):
    course = make_course(tmp_path / "course", CUSTOM_LAYOUT)
    for student, attempt in (("ada", "correct"), ("bob", "hard-coded"), ("cy", "exception")):
        submit(course, student, attempt, "turned_in", "{assignment}/{student}")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for step in (["generate_assignment", ASSIGNMENT, "--force"], ["autograde", ASSIGNMENT, "--force", "--create"]):
        done = subprocess.run([str(bin_dir / "nbgrader"), *step], cwd=course, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    db_url = f"sqlite:///{course / 'marks.sqlite'}"
    stock = cell_scores(db_url)
    assert (course / "autograded" / ASSIGNMENT / "bob").is_dir()  # nbgrader's own layout, as configured
    grade_class(ASSIGNMENT, course, jobs=2)
    ours = cell_scores(db_url)
    assert len(stock) == 3 * 20 and stock == ours
    assert sum(score for (student, _), score in ours.items() if student == "ada") == 100


def test_the_command_line_grades_the_course_it_is_given(tmp_path, capsys):
    course = make_course(tmp_path / "course")
    submit(course, "ada", "correct")
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet", "--call-seconds", "5"]) == 0
    assert "graded 1 submission(s) of dnn_step_by_step: mean 100.0 / 100" in capsys.readouterr().out


def test_no_submissions_is_a_clear_error_not_a_crash(tmp_path, capsys):
    course = make_course(tmp_path / "course")
    with pytest.raises(GradingError, match="no submissions in .*submitted/<student>/dnn_step_by_step"):
        grade_class(ASSIGNMENT, course)
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet"]) == 1
    assert "no submissions" in capsys.readouterr().err


@pytest.mark.skipif(detect_isolation() != BUBBLEWRAP, reason="bubblewrap is not installed: no file-system isolation")
def test_the_sandbox_hides_a_course_that_lives_outside_every_usual_folder(tmp_path):
    # /var/lib is not among the folders the sandbox always hides: only "hide the course" covers it.
    base = Path("/var/lib") / f"dnn-course-test-{uuid.uuid4().hex[:8]}"
    try:
        course = make_course(base / "course")
        secret = course / "source" / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT]
        folder = course / "submitted" / "mallory" / ASSIGNMENT
        folder.mkdir(parents=True)
        data = ATTEMPTS["read-source-notebook"].data.replace(
            str(REPOSITORY / "source" / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT]).encode(), str(secret).encode())
        (folder / NOTEBOOKS[ASSIGNMENT]).write_bytes(data)
        outcome = grade_class(ASSIGNMENT, course, jobs=1)
        stolen = next(f for f in outcome.results[0].functions if f.name == "linear_forward")
        assert stolen.score == 0 and "FileNotFoundError" in "\n".join(stolen.messages)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_regrade_of_one_student_keeps_the_whole_class_in_the_class_files(tmp_path):
    course = make_course(tmp_path / "course")
    submit(course, "ada", "correct")
    submit(course, "bob", "exception")
    first = grade_class(ASSIGNMENT, course, jobs=2)
    scores = {r.student: r.score for r in first.results}
    assert scores["ada"] == 100 and scores["bob"] < 100, lost(first.results)
    assert (course / "reports" / ASSIGNMENT / "results" / "ada.json").is_file()
    submit(course, "bob", "correct")  # bob's fixed notebook, re-graded alone
    again = grade_class(ASSIGNMENT, course, students=["bob"])
    assert [r.student for r in again.results] == ["bob"]
    with open(course / "reports" / ASSIGNMENT / "grades.csv") as handle:
        rows = {row["student"]: row["score"] for row in csv.DictReader(handle)}
    assert rows == {"ada": "100", "bob": "100"}
    assert "2 submissions" in (course / "reports" / ASSIGNMENT / "report.md").read_text()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "bob").score == 100


def test_grading_fails_closed_without_bubblewrap_unless_explicitly_allowed(tmp_path, monkeypatch):
    import autograder.classgrade
    from autograder import grading
    from autograder.sandbox import LIMITS_ONLY, SandboxUnavailable

    course = make_course(tmp_path / "course")
    submit(course, "ada", "correct")
    monkeypatch.setattr(autograder.classgrade, "detect_isolation", lambda: LIMITS_ONLY)
    with pytest.raises(GradingError, match=r"bubblewrap .*--insecure-no-sandbox"):
        grade_class(ASSIGNMENT, course, jobs=1)
    assert not (course / "reports").exists()  # refused before anything was graded or written
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet"]) == 1
    path = course / "submitted" / "ada" / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT]
    assignment = autograder.classgrade.load_assignment(ASSIGNMENT, course / "source")
    with pytest.raises(SandboxUnavailable):
        grading.grade_notebook(assignment, "ada", path, grading.Settings(isolation=LIMITS_ONLY))
    # Allowed explicitly: graded, and the mode is written in every record and in the report.
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet", "--insecure-no-sandbox"]) == 0
    with open(course / "reports" / ASSIGNMENT / "grades.csv") as table:
        rows = list(csv.DictReader(table))
    assert [(row["student"], float(row["score"]), row["isolation"]) for row in rows] == [("ada", 100.0, LIMITS_ONLY)]
    report = (course / "reports" / ASSIGNMENT / "report.md").read_text()
    assert r"limits\-only \(WARNING: without bubblewrap" in report
