"""The LMS exporters of autograder/lms_export.py on a small hand-made gradebook, through `nbgrader export`.

Three students, two assignments: ada submitted both on time, bob submitted the first late (a
late penalty in the gradebook), and =cmd|... (a name that would be a spreadsheet formula)
submitted nothing. tests/test_hub.py exports the class of the JupyterHub test the same way.
"""

import csv
import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.late_penalty import ShareOfScorePerDay

COURSE = "course101"
# nbgrader's own Gradebook.add_submission makes SQLAlchemy warn about its autoflush; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning")


@pytest.fixture
def course(tmp_path):
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", course_id=COURSE) as gb:
        due = datetime.datetime(2026, 3, 1, 12, 0)
        for name, when in (("ps1", due), ("ps2", due + datetime.timedelta(days=7))):
            gb.add_assignment(name, duedate=when)
            gb.add_notebook("nb", name)
            gb.add_grade_cell("q1", "nb", name, max_score=10, cell_type="code")
            gb.add_grade_cell("q2", "nb", name, max_score=5, cell_type="code")
        gb.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.org")
        gb.add_student("bob", first_name="Bob", last_name="Tables")
        gb.add_student("=cmd|x", first_name="Eve")
        for assignment, student, q1, q2, penalty in (("ps1", "ada", 10, 5, 0), ("ps2", "ada", 7, 0, 0),
                                                    ("ps1", "bob", 8, 4, 1.2)):
            gb.add_submission(assignment, student)
            gb.find_grade("q1", "nb", assignment, student).auto_score = q1
            gb.find_grade("q2", "nb", assignment, student).auto_score = q2
            gb.find_submission_notebook("nb", assignment, student).late_submission_penalty = penalty
        gb.db.commit()
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE!r}\n")
    return tmp_path


def export(course, exporter, *extra):
    nbgrader = Path(sys.executable).parent / "nbgrader"
    result = subprocess.run([str(nbgrader), "export", f"--exporter=autograder.lms_export.{exporter}",
                             "--to=out.csv", *extra], cwd=course, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "out.csv", newline="") as handle:
        return list(csv.reader(handle)), result.stderr


def test_canvas_gradebook_import(course):
    rows, _ = export(course, "CanvasExport")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ps1", "ps2"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "15", "15"]
    by_login = {row[3]: row for row in rows[2:]}
    assert by_login["ada"] == ["Lovelace, Ada", "", "", "ada", "", "15", "7"]
    assert by_login["bob"] == ["Tables, Bob", "", "", "bob", "", "10.8", ""]  # 12 less the 1.2 penalty; no ps2
    assert by_login["'=cmd|x"][0] == "Eve", "a formula-like id is written as text"


def test_canvas_import_with_a_roster_and_existing_columns(course):
    roster = course / "canvas_export.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (1)\n"
                      "    Points Possible,,,,,10\n"
                      "\"Lovelace, Ada\",4211,S-001,ada,Morning,9\n")
    rows, log = export(course, "CanvasExport", f"--CanvasExport.roster={roster}",
                       "--CanvasExport.columns=ps1=Neural nets 1 (5521)", "--assignment=[\"ps1\"]")
    assert rows[0][5:] == ["Neural nets 1 (5521)"]
    by_login = {row[3]: row for row in rows[2:]}
    assert by_login["ada"][:5] == ["Lovelace, Ada", "4211", "S-001", "ada", "Morning"]
    assert "bob is not in the Canvas roster" in log


def test_one_plain_row_per_student(course):
    rows, _ = export(course, "StudentCsvExport")
    assert rows[0] == ["student_id", "last_name", "first_name", "email", "ps1", "ps1 late penalty", "ps1 max",
                       "ps2", "ps2 late penalty", "ps2 max", "total", "max_total"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["ada"] == ["ada", "Lovelace", "Ada", "ada@example.org", "15", "0", "15", "7", "0", "15", "22", "30"]
    assert by_id["bob"] == ["bob", "Tables", "Bob", "", "10.8", "1.2", "15", "", "0", "15", "10.8", "30"]
    assert by_id["'=cmd|x"][4] == "" and by_id["'=cmd|x"][10] == "0"


@pytest.mark.parametrize(("hours_late", "penalty"), [(0, 0), (1, 2.0), (24, 2.0), (25, 4.0), (24 * 30, 20.0)])
def test_share_of_score_per_started_day(hours_late, penalty):
    plugin = ShareOfScorePerDay(share_per_day=0.1)
    assert plugin.late_submission_penalty("ada", 20.0, hours_late * 3600) == pytest.approx(penalty)
