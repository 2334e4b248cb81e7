"""The instructor's day with stock nbgrader, from a scratch copy of the course directory:
add students, generate, release, fetch and submit (as students), collect, zip_collect an
LMS download, autograde, generate_feedback and export; then the course's own grader on the
same submissions agrees."""

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.sample_class import NOTEBOOKS, ROOT, solved_submission

pytestmark = pytest.mark.notebooks
ASSIGNMENT = "dnn_step_by_step"
NOTEBOOK = NOTEBOOKS[ASSIGNMENT]


def nbgrader(cwd, *args, env=None):
    bin_dir = Path(sys.executable).parent
    environment = {**os.environ, **(env or {}), "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=cwd, env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def test_full_instructor_workflow(tmp_path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    course.mkdir()
    exchange.mkdir()
    exchange.chmod(0o777)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    config = [f"--Exchange.root={exchange}", f"--CourseDirectory.root={course}"]

    nbgrader(course, "db", "student", "add", "ada", "--first-name=Ada", "--last-name=Lovelace")
    nbgrader(course, "db", "student", "add", "bob", "--first-name=Bob", "--last-name=Blank")
    nbgrader(course, "db", "student", "add", "zoe", "--first-name=Zoe", "--last-name=Zip")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", *config)
    nbgrader(course, "release_assignment", ASSIGNMENT, "--force", *config)

    # Two students fetch through the exchange and submit (one solved, one untouched).
    for student, nb in (("ada", solved_submission(ASSIGNMENT)), ("bob", None)):
        home = tmp_path / "home" / student
        home.mkdir(parents=True)
        student_config = [f"--Exchange.root={exchange}", "--CourseDirectory.course_id=dnn-from-scratch"]
        as_student = {"USER": student, "LOGNAME": student, "HOME": str(home)}
        nbgrader(home, "fetch_assignment", ASSIGNMENT, *student_config, env=as_student)
        if nb is not None:
            nbformat.write(nb, home / ASSIGNMENT / NOTEBOOK)
        nbgrader(home, "submit", ASSIGNMENT, f"--student={student}", *student_config, env=as_student)
    out = nbgrader(course, "collect", ASSIGNMENT, *config)
    assert (course / "submitted" / "ada" / ASSIGNMENT / NOTEBOOK).is_file(), out

    # A third student comes from an LMS download (zip of files named <student>_<assignment>_<file>).
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms.zip", "w") as zipped:
        zipped.writestr(f"zoe_attempt_2026-11-20-10-00-00_{NOTEBOOK}",
                        nbformat.writes(solved_submission(ASSIGNMENT)))
    nbgrader(course, "zip_collect", ASSIGNMENT, "--force",
             "--FileNameCollectorPlugin.named_regexp=.*/(?P<student_id>[^/_]+)_attempt_"
             r"(?P<timestamp>[0-9\-]+)_(?P<file_id>.*)", *config)
    assert (course / "submitted" / "zoe" / ASSIGNMENT / NOTEBOOK).is_file()

    nbgrader(course, "autograde", ASSIGNMENT, "--force", *config)
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force", *config)
    assert (course / "feedback" / "ada" / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).is_file()
    nbgrader(course, "export", f"--to={course / 'grades.csv'}", *config)
    with open(course / "grades.csv") as handle:
        stock = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert stock == {"ada": 100.0, "bob": 0.0, "zoe": 100.0}

    # The course's grader on the same submissions, same gradebook: same scores (run from outside
    # the course, which --course names).
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--quiet",
                             f"--course={course}"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
    assert result.returncode == 0, result.stdout + result.stderr
    nbgrader(course, "export", f"--to={course / 'grades2.csv'}", *config)
    with open(course / "grades2.csv") as handle:
        ours = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert ours == stock
