"""The batch command end to end: local processes and a local Dask cluster (over the course's
TLS) give the same grades, a plain TCP scheduler is refused, a re-grade is idempotent, and the
gradebook, CSV, report and feedback are written."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.sample_class import NOTEBOOKS, ROOT, release_notebook, solved_submission

pytestmark = pytest.mark.notebooks
ASSIGNMENT = "dnn_step_by_step"


@pytest.fixture
def course(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, tmp_path / "source" / ASSIGNMENT)
    students = {"ada": solved_submission(ASSIGNMENT), "bob": release_notebook(ASSIGNMENT)}
    for student, nb in students.items():
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / NOTEBOOKS[ASSIGNMENT])
    (tmp_path / "submitted" / "eve" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "submitted" / "eve" / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT]).write_text("not a notebook")
    return tmp_path


def grade(course, *extra):
    """``python -m autograder grade`` run from inside the course (the default --course)."""
    command = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--quiet", *extra]
    env_path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, env={"PATH": env_path})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def read_grades(course):
    with open(course / "reports" / ASSIGNMENT / "grades.csv") as handle:
        return {row["student"]: float(row["score"]) for row in csv.DictReader(handle)}


def gradebook_scores(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.id: gradebook.find_submission(ASSIGNMENT, s.id).score for s in gradebook.students}


def test_grade_writes_everything_and_regrades_idempotently(course):
    out = grade(course, "--jobs=2")
    assert "graded 3 submission(s)" in out and "1 unreadable" in out
    assert read_grades(course) == {"ada": 100, "bob": 0, "eve": 0}
    assert gradebook_scores(course) == {"ada": 100, "bob": 0, "eve": 0}
    report = (course / "reports" / ASSIGNMENT / "report.md").read_text()
    assert "not implemented yet" in report and "eve" in report
    assert (course / "reports" / ASSIGNMENT / "scores.png").stat().st_size > 1000
    feedback = course / "feedback" / "bob" / ASSIGNMENT / f"{NOTEBOOKS[ASSIGNMENT][:-6]}.grading.html"
    assert "is not implemented yet" in feedback.read_text()

    # ada breaks her notebook and resubmits: no stale score survives the re-grade.
    nb = solved_submission(ASSIGNMENT)
    nb.cells = [c for c in nb.cells if not c.source.startswith("# GRADED FUNCTION: L_model_backward")]
    nbformat.write(nb, course / "submitted" / "ada" / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT])
    grade(course, "--jobs=1")
    assert gradebook_scores(course)["ada"] == 80
    assert read_grades(course)["ada"] == 80


def test_local_dask_cluster_with_tls_gives_the_same_grades(course):
    """The README's setup: certificates from ``dask-certs``, a TLS-only cluster, the client's default folder."""
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("cryptography")
    from autograder.dask_tls import ROLES, security_for

    made = subprocess.run([sys.executable, "-m", "autograder", "dask-certs", str(course / "dask-certs")],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    security = security_for(course / "dask-certs", ROLES)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  protocol="tls://", host="127.0.0.1", security=security) as cluster:
        assert cluster.scheduler_address.startswith("tls://")
        grade(course, f"--scheduler={cluster.scheduler_address}")
    assert read_grades(course) == {"ada": 100, "bob": 0, "eve": 0}
    assert gradebook_scores(course) == {"ada": 100, "bob": 0, "eve": 0}


def test_a_plain_tcp_scheduler_needs_the_loud_option(course):
    command = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--quiet", "--scheduler=tcp://127.0.0.1:9"]
    refused = subprocess.run(command, cwd=course, capture_output=True, text=True)
    assert refused.returncode == 1 and "not a tls:// address" in refused.stderr
    assert "--dask-insecure-tcp" in refused.stderr and not (course / "reports").exists()
