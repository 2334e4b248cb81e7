"""The course on a real JupyterHub, one Unix account per person, driven in headless Chromium.

Builds the deployment of ``hub/jupyterhub_config.py`` with :mod:`autograder.hub` under a fresh
``/srv/dnn-hub-test-<random>`` (accounts ``i<random>`` for the instructor, ``a<random>`` and
``b<random>`` for students A and B), starts JupyterHub with configurable-http-proxy and PAM
logins, and, through the hub's login form and the users' own servers:

1. the instructor releases assignment 1 with the formgrader's Release button;
2. student A fetches it in the Assignment List, writes a correct ``linear_forward`` and a wrong
   ``compute_cost``, runs their public tests, saves and submits;
3. the instructor sets the due date (formgrader's Edit dialog); student B then submits, late, a
   tampering notebook, and also runs ``nbgrader submit --student=<A>`` (issue 11's attack);
4. A can open neither B's files nor the instructor's course, through the hub or on disk;
5. the instructor presses Collect (the forged "A" submission is refused, A's own is collected),
   Autograde for each submission, Generate Feedback and Release Feedback;
6. each student fetches their feedback and sees their own score and messages only;
7. ``nbgrader export`` writes the Canvas and per-student CSVs, B's late penalty included;
8. failure modes: a submission over the size limit (refused at submit, and at collect when
   written into the exchange by hand), a student server killed while submitting and a
   submission cut short, and two collects in a row: nothing lost, nothing duplicated.

Any nbgrader warning or error banner, and any unexpected warning or error in a formgrader
dialog, fails the test. Screenshots go to ``artifacts/hub/``. It needs root (accounts), Node.js
and npm (the proxy), a Python 3.11 every user can run, and Chromium; otherwise it is skipped
with the reason, unless COURSE_REQUIRE_HUB=1 (set by .ci/run when it runs as root), which makes
that a failure. Everything it creates is removed at the end.
"""

import csv
import datetime
import os
import re
import secrets
import shutil
import signal
import socket
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import hub as hubdeploy
from autograder.attempts import TRICKS
from autograder.sample_class import NOTEBOOKS, ROOT, release_notebook, solved_submission

pytestmark = [pytest.mark.hub, pytest.mark.browser]
ARTIFACTS = ROOT / "artifacts" / "hub"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ASSIGNMENT = "dnn_step_by_step"
NOTEBOOK = NOTEBOOKS[ASSIGNMENT]
MAX_MB = 10  # the deployment's submission limit
STATE = {}  # what a step finds and a later one checks


def _why_not():
    if not CHROMIUM:
        return "Chromium is not installed (Debian packages chromium and chromium-driver)"
    problems = hubdeploy.machine_problems()
    return "; ".join(problems)


REASON = _why_not()
if REASON and not os.environ.get("COURSE_REQUIRE_HUB"):
    pytest.skip(f"the JupyterHub test cannot run here: {REASON}", allow_module_level=True)

CORRECT_LINEAR_FORWARD = "# GRADED FUNCTION: linear_forward\n\ndef linear_forward(A, W, b):\n" \
                         "    Z = np.dot(W, A) + b\n    cache = (A, W, b)\n    return Z, cache"
WRONG_COMPUTE_COST = "# GRADED FUNCTION: compute_cost\n\ndef compute_cost(AL, Y):\n    m = Y.shape[1]\n" \
                     "    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))  # forgot the 1/m\n" \
                     "    cost = np.squeeze(cost)\n    return cost"
# Student B's linear_forward patches numpy's comparisons (robustness suite's "patch-numpy") at the
# top of the cell and inside the function, and returns a wrong value ("+ b" is missing).
TAMPERING_LINEAR_FORWARD = ("# GRADED FUNCTION: linear_forward\n\n" + TRICKS["patch-numpy"] +
                            "\ndef linear_forward(A, W, b):\n" +
                            "".join("    " + line + "\n" for line in TRICKS["patch-numpy"].splitlines()) +
                            "    return np.dot(W, A), (A, W, b)\n")
# Warnings nbgrader logs with nothing wrong (see tests/test_browser.py for each reason).
KNOWN_WARNINGS = re.compile("|".join((
    r"\[WARNING\] Attribute 'checksum' for cell \w+_hidden has changed!",
    r"\[WARNING\] Alternative text is missing on \d+ image\(s\)\.",
)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hub():
    """The running deployment; removed (accounts, folders, processes) afterwards."""
    if REASON:
        pytest.fail(f"COURSE_REQUIRE_HUB is set but the JupyterHub test cannot run here: {REASON}")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    tag = secrets.token_hex(3)
    dep = hubdeploy.Deployment(Path(f"/srv/dnn-hub-test-{tag}"), instructor=f"i{tag}",
                               students=[f"a{tag}", f"b{tag}"],
                               names={f"i{tag}": ["Grace", "Hopper"], f"a{tag}": ["Ada", "Lovelace"],
                                      f"b{tag}": ["Bob", "Tables"]},
                               port=free_port(), hub_port=free_port(), proxy_api_port=free_port(),
                               max_submission_mb=MAX_MB, catvnoncat_source="open",
                               # A prebuilt environment saves a minute when iterating locally; CI builds one.
                               env_path=os.environ.get("COURSE_HUB_TEST_ENV", ""))
    process = None
    try:
        passwords = hubdeploy.create(dep, log=lambda message: print(message, flush=True))
        process = hubdeploy.start(dep)
        yield dep, passwords, process
    finally:
        if process is not None:
            hubdeploy.stop(process)
            log = dep.hub_dir / "jupyterhub.log"
            if log.exists():
                shutil.copy(log, ARTIFACTS / "jupyterhub.log")
        hubdeploy.remove(dep, log=lambda message: None)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(hub, browser):
    """One logged-in page per user (own browser context: own cookies), made on first use."""
    made = {}

    def page_of(user):
        if user not in made:
            made[user] = login(browser, hub, user)
        return made[user]

    yield page_of
    for page in made.values():
        page.context.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def login(browser, hub, user):
    """Log in through the hub's form; returns the page once the user's JupyterLab is up."""
    dep, passwords, _ = hub
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.goto(f"{dep.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", passwords[user])
    page.click("#login_submit")
    page.wait_for_selector(".jp-LabShell", timeout=150_000)
    return page


def assert_no_nbgrader_banner(page):
    shown = page.locator(".alert-danger:visible, .alert-warning:visible, #error-modal:visible")
    texts = [" ".join(text.split()) for text in shown.all_inner_texts()]
    assert not texts, f"nbgrader shows a warning or an error on {page.url}: {texts}"


def open_formgrader(page, dep, path=""):
    page.goto(f"{dep.url}/user/{dep.instructor}/formgrader{path}")
    page.wait_for_selector("#main-table", timeout=60_000)
    time.sleep(0.5)
    assert_no_nbgrader_banner(page)


def press(page, row_text, column, name, expected_errors=(), allowed_errors=()):
    """Press the icon in column ``column`` of the formgrader table row holding ``row_text``; return the
    log of nbgrader's dialog. Each of ``expected_errors`` must match a line of it; other warnings and
    errors fail unless known or matched by ``allowed_errors``."""
    row = page.locator("#main-table tr", has=page.get_by_text(row_text, exact=True)).first
    row.wait_for(timeout=30_000)
    headers = [text.strip() for text in page.locator("table thead th").all_inner_texts()]
    assert column in headers, headers
    row.locator("td").nth(headers.index(column)).get_by_role("link").click()
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=180_000)
    time.sleep(0.5)
    shot(page, name)
    text = dialog.inner_text()
    problems = [line for line in text.splitlines() if line.startswith(("[WARNING]", "[ERROR]", "[CRITICAL]"))
                and not KNOWN_WARNINGS.match(line)
                and not any(re.search(e, line) for e in (*expected_errors, *allowed_errors))]
    assert dialog.get_attribute("id") == "success-modal", text
    assert not problems, f"nbgrader's log of {column} has unexpected warnings or errors: {problems}\n{text}"
    for pattern in expected_errors:
        assert re.search(pattern, text), f"{column}: expected {pattern!r} in\n{text}"
    dialog.locator(".modal-footer button", has_text="OK").click()
    dialog.wait_for(state="detached", timeout=10_000)
    return text


def open_assignment_list(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    page.wait_for_selector("#released_assignments_list", timeout=30_000)
    refresh_assignment_list(page)


def refresh_assignment_list(page):
    page.locator("#refresh_assignments_list").click()
    time.sleep(1.5)
    for section in ("released", "fetched", "submitted"):
        page.locator(f"#{section}_assignments_list_loading").wait_for(state="hidden", timeout=30_000)


def list_row(page, section, assignment=ASSIGNMENT):
    return page.locator(f"#{section}_assignments_list .list_item", has_text=assignment).first


def wait_idle(page, timeout=120):
    deadline = time.monotonic() + timeout
    time.sleep(0.3)
    while time.monotonic() < deadline:
        if not any("*" in prompt for prompt in page.locator(".jp-InputArea-prompt").all_inner_texts()):
            return
        time.sleep(0.5)
    raise AssertionError("the notebook was still running after the timeout")


def cell_containing(page, text):
    return page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text=text)).first


def run_cell(page, text):
    cell = cell_containing(page, text)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    return cell


def replace_cell(page, header, code):
    cell = cell_containing(page, header)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")


def inbound(dep):
    folder = dep.exchange / dep.course_id / "inbound"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def submitted_notebook(dep, student):
    return dep.course / "submitted" / student / ASSIGNMENT / NOTEBOOK


# -- 1. release --------------------------------------------------------------------------------

def test_1_instructor_releases_assignment_1(hub, pages):
    dep, _, _ = hub
    page = pages(dep.instructor)
    shot(page, "01-instructor-jupyterlab")
    open_formgrader(page, dep)
    shot(page, "02-formgrader-before-release")
    log = press(page, ASSIGNMENT, "Release", "03-formgrader-released")
    assert "Released as" in log, log
    page.locator("#main-table tr", has=page.get_by_text(ASSIGNMENT, exact=True)) \
        .locator("span.label", has_text="released").wait_for(timeout=30_000)
    outbound = dep.exchange / dep.course_id / "outbound" / ASSIGNMENT / NOTEBOOK
    assert outbound.is_file()
    mode = (dep.exchange / dep.course_id / "inbound").stat().st_mode & 0o7777
    assert mode == 0o2733, oct(mode)  # students write into inbound, nobody but its owner lists it
    assert not (dep.exchange / dep.course_id / "outbound" / ASSIGNMENT / "source").exists()
    assert_no_nbgrader_banner(page)


# -- 2. student A works and submits ---------------------------------------------------------------

def test_2_student_a_fetches_fills_two_functions_and_submits(hub, pages):
    dep, _, _ = hub
    student = dep.students[0]
    page = pages(student)
    open_assignment_list(page)
    row = list_row(page, "released")
    row.wait_for(timeout=30_000)
    shot(page, "04-student-a-assignment-list")
    row.get_by_role("button", name="Fetch").click()
    list_row(page, "fetched").wait_for(timeout=30_000)
    shot(page, "05-student-a-fetched")
    assert (dep.home(student) / ASSIGNMENT / NOTEBOOK).is_file()

    page.goto(f"{dep.url}/user/{student}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector("text=Kernel status: Idle", state="attached", timeout=90_000)
    replace_cell(page, "# GRADED FUNCTION: linear_forward", CORRECT_LINEAR_FORWARD)
    replace_cell(page, "# GRADED FUNCTION: compute_cost", WRONG_COMPUTE_COST)
    for code in ("from public_tests import *", "# GRADED FUNCTION: linear_forward", "# GRADED FUNCTION: compute_cost"):
        run_cell(page, code)
    passed = run_cell(page, "linear_forward_test(linear_forward)")
    passed_text = passed.locator(".jp-OutputArea").inner_text()
    shot(page, "06-student-a-linear_forward-passes")
    failed = run_cell(page, "compute_cost_test(compute_cost)")
    failed_text = failed.locator(".jp-OutputArea").inner_text()
    shot(page, "07-student-a-compute_cost-fails")
    assert "All tests passed for linear_forward" in passed_text, passed_text
    assert "TestFailure: compute_cost" in failed_text and "a factor is missing" in failed_text, failed_text
    page.keyboard.press("Control+s")
    page.wait_for_selector(".jp-mod-dirty", state="detached", timeout=30_000)
    time.sleep(1)
    saved = nbformat.read(dep.home(student) / ASSIGNMENT / NOTEBOOK, as_version=4)
    assert any(c.source == CORRECT_LINEAR_FORWARD for c in saved.cells), "the notebook was saved"

    open_assignment_list(page)
    list_row(page, "fetched").get_by_role("button", name="Submit").click()
    list_row(page, "submitted").wait_for(timeout=60_000)
    shot(page, "08-student-a-submitted")
    mine = [name for name in inbound(dep) if name.startswith(f"{student}+{ASSIGNMENT}+")]
    assert len(mine) == 1, inbound(dep)
    assert (dep.exchange / dep.course_id / "inbound" / mine[0]).stat().st_uid == dep.uid(student)


# -- 3. due date, then B: late, tampering, and a forgery in A's name --------------------------------

def test_3_due_date_then_student_b_submits_late_a_tampering_notebook_and_forges_one(hub, pages):
    dep, _, _ = hub
    a, b = dep.students
    page = pages(dep.instructor)
    open_formgrader(page, dep)
    due = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(seconds=2)
    page.locator("#main-table tr", has=page.get_by_text(ASSIGNMENT, exact=True)) \
        .locator("span.glyphicon-pencil").click()
    modal = page.locator("#edit-assignment-modal")
    modal.wait_for(state="visible", timeout=10_000)
    modal.locator("input.modal-duedate").fill(due.strftime("%Y-%m-%dT%H:%M:%S"))
    modal.locator("input.modal-timezone").fill("UTC")
    shot(page, "09-formgrader-due-date")
    modal.locator("button.save").click()
    modal.wait_for(state="detached", timeout=30_000)
    with Gradebook(f"sqlite:///{dep.course / 'gradebook.db'}", course_id=dep.course_id) as gradebook:
        assert gradebook.find_assignment(ASSIGNMENT).duedate == due.replace(tzinfo=None)
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.UTC)).total_seconds()) + 1)

    page = pages(b)
    open_assignment_list(page)
    list_row(page, "released").get_by_role("button", name="Fetch").click()
    list_row(page, "fetched").wait_for(timeout=30_000)
    nb = solved_submission(ASSIGNMENT)
    next(c for c in nb.cells if c.source.startswith("# GRADED FUNCTION: linear_forward\n")).source = \
        TAMPERING_LINEAR_FORWARD
    path = dep.home(b) / ASSIGNMENT / NOTEBOOK
    dep.run_as(b, [str(dep.env / "bin" / "python"), "-c",
                   "import sys; open(sys.argv[1], 'w').write(sys.stdin.read())", str(path)],
               input=nbformat.writes(nb))
    refresh_assignment_list(page)
    list_row(page, "fetched").get_by_role("button", name="Submit").click()
    list_row(page, "submitted").wait_for(timeout=60_000)
    shot(page, "10-student-b-submitted-late")

    # Issue 11's attack: B submits in A's name from B's own account.
    result = dep.run_as(b, [str(dep.env / "bin" / "nbgrader"), "submit", ASSIGNMENT, f"--student={a}"],
                        check=False)
    assert result.returncode == 0, result.stdout + result.stderr  # stock nbgrader accepts it...
    forged = [n for n in inbound(dep) if n.startswith(f"{a}+") and
              (dep.exchange / dep.course_id / "inbound" / n).stat().st_uid == dep.uid(b)]
    assert len(forged) == 1, inbound(dep)  # ...and it sits in inbound as A's newest submission


# -- 4. isolation --------------------------------------------------------------------------------

def test_4_student_a_cannot_open_b_files_or_the_course_source(hub, pages):
    dep, _, _ = hub
    a, b = dep.students
    page = pages(a)
    for name, path in (("11-student-a-denied-b-server", f"/user/{b}/lab"),
                       ("12-student-a-denied-instructor-source",
                        f"/user/{dep.instructor}/files/{dep.course_id}/source/{ASSIGNMENT}/{NOTEBOOK}")):
        response = page.goto(dep.url + path)
        shot(page, name)
        assert response.status == 403, (path, response.status)
        assert "do not have permission" in page.inner_text("body")
    response = page.goto(f"{dep.url}/user/{a}/formgrader")
    assert response.status == 404, "students have no formgrader"
    response = page.goto(f"{dep.url}/user/{a}/api/contents/..%2F{b}%2F{ASSIGNMENT}")
    assert response.status in (400, 403, 404), response.status
    python = str(dep.env / "bin" / "python")
    for what, command in (
            ("B's notebook", ["cat", str(dep.home(b) / ASSIGNMENT / NOTEBOOK)]),
            ("B's home", ["ls", str(dep.home(b))]),
            ("the instructor's source/", ["ls", str(dep.course / "source")]),
            ("the exchange's inbound", ["ls", str(dep.exchange / dep.course_id / "inbound")]),
            ("the exchange's feedback", ["ls", str(dep.exchange / dep.course_id / "feedback")]),
            ("the grader package", [python, "-c", "import autograder.hidden_tests"])):
        result = dep.run_as(a, command, check=False)
        assert result.returncode != 0, f"student A could read {what}: {result.stdout[:300]}"
    page.goto(f"{dep.url}/user/{a}/lab")
    page.wait_for_selector(".jp-LabShell", timeout=60_000)


# -- 5. collect, autograde, feedback ---------------------------------------------------------------

def test_5_instructor_collects_autogrades_and_releases_feedback(hub, pages):
    dep, _, _ = hub
    a, b = dep.students
    page = pages(dep.instructor)
    open_formgrader(page, dep)
    log = press(page, ASSIGNMENT, "Collect", "13-formgrader-collect",
                expected_errors=[rf"Refused submission {a}\+.*claims to be by student '{a}' but its files were "
                                 rf"written by '{b}'", r"1 submission\(s\) of 'dnn_step_by_step' refused"])
    assert f"Collecting submission: {a}" in log and f"Collecting submission: {b}" in log, log
    collected = nbformat.read(submitted_notebook(dep, a), as_version=4)
    assert any(c.source == CORRECT_LINEAR_FORWARD for c in collected.cells), "A's own submission was collected"
    assert not any("numpy.allclose" in c.source or "np.allclose" in c.source for c in collected.cells)

    page.locator("#main-table tr", has=page.get_by_text(ASSIGNMENT, exact=True)) \
        .get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(f"**/formgrader/manage_submissions/{ASSIGNMENT}**")
    page.wait_for_selector("#main-table td.student-id", timeout=30_000)
    assert_no_nbgrader_banner(page)
    shot(page, "14-formgrader-submissions")
    scores = {}
    for student in (a, b):
        # nbgrader logs a late submission and its penalty as warnings: expected for B, and only for B.
        late = [rf"SubmittedAssignment<{ASSIGNMENT} for {b}> is [\d.]+ seconds late",
                r"Late submission penalty: 9\.4"] if student == b else []
        log = press(page, student, "Autograde", f"15-formgrader-autograde-{'a' if student == a else 'b'}",
                    expected_errors=late)
        assert f"Successfully autograded '{ASSIGNMENT}' for student '{student}'" in log, log
        assert "in the course's sandbox (isolation" in log, log
        row = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=student))
        row.locator("td.status", has_text="graded").wait_for(timeout=30_000)
        scores[student] = float(row.locator("td.score").inner_text().split("/")[0])
    shot(page, "16-formgrader-graded")
    # linear_forward's 3 + 3 points; compute_cost wrong (partial credit where m = 1 hides the missing 1/m),
    # the rest not done.
    assert 6 <= scores[a] < 10, scores
    STATE["scores"] = scores
    assert scores[b] == 94, scores    # everything but the tampering linear_forward (6 points)

    open_formgrader(page, dep)
    log = press(page, ASSIGNMENT, "Generate Feedback", "17-formgrader-feedback-generated",
                expected_errors=[r"Late submission penalty: 9\.4"])  # B's, as nbgrader logs it
    assert "Successfully generated feedback" in log or "Converting notebook" in log, log
    log = press(page, ASSIGNMENT, "Release Feedback", "18-formgrader-feedback-released")
    feedback = dep.exchange / dep.course_id / "feedback"
    assert len([p for p in feedback.iterdir() if p.suffix == ".html"]) == 2


# -- 6. feedback ---------------------------------------------------------------------------------

def fetch_feedback(dep, page, student):
    open_assignment_list(page)
    row = list_row(page, "submitted")
    row.get_by_role("button", name="Fetch Feedback").click()
    deadline = time.monotonic() + 60
    folder = dep.home(student) / ASSIGNMENT / "feedback"
    while time.monotonic() < deadline and not list(folder.glob(f"*/{NOTEBOOK.replace('.ipynb', '.html')}")):
        time.sleep(0.5)
    found = list(folder.glob(f"*/{NOTEBOOK.replace('.ipynb', '.html')}"))
    assert len(found) == 1, found
    return found[0]


def test_6_each_student_fetches_their_own_feedback(hub, pages):
    dep, _, _ = hub
    a, b = dep.students
    texts = {}
    for student, letter in ((a, "a"), (b, "b")):
        page = pages(student)
        html = fetch_feedback(dep, page, student)
        shot(page, f"19-student-{letter}-feedback-fetched")
        page.goto(f"{dep.url}/user/{student}/files/{html.relative_to(dep.home(student)).as_posix()}")
        page.wait_for_selector("a[name='linear_forward_public']", state="attached", timeout=30_000)
        page.locator("a[name='linear_forward_public']").scroll_into_view_if_needed()
        shot(page, f"20-student-{letter}-feedback")
        texts[student] = page.inner_text("body")
    assert f"Score: {STATE['scores'][a]:g} / 100" in texts[a] or f"Score: {STATE['scores'][a]} / 100" in texts[a], \
        texts[a][:500]
    assert "compute_cost" in texts[a] and "Z: wrong values" not in texts[a]
    assert re.search(r"Score: 94(\.0)? / 100", texts[b]) or re.search(r"Score: 84\.6", texts[b]), texts[b][:500]
    assert "Z: wrong values" in texts[b]
    for text in texts.values():
        assert "BEGIN HIDDEN TESTS" not in text and "hidden_tests" not in text
    assert a not in texts[b] and b not in texts[a], "a student's feedback names only that student"


# -- 7. grades out -------------------------------------------------------------------------------

def test_7_grades_export_for_canvas_and_per_student_csv(hub):
    dep, _, _ = hub
    a, b = dep.students
    nbgrader = str(dep.env / "bin" / "nbgrader")
    out = {}
    for exporter, name in (("CanvasExport", "canvas_grades.csv"), ("StudentCsvExport", "student_grades.csv")):
        dep.run_as(dep.instructor, [nbgrader, "export", f"--exporter=autograder.lms_export.{exporter}",
                                    f"--to={name}"], cwd=dep.course)
        shutil.copy(dep.course / name, ARTIFACTS / name)
        with open(dep.course / name, newline="") as handle:
            out[name] = list(csv.reader(handle))
    canvas = out["canvas_grades.csv"]
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    column = canvas[0].index(ASSIGNMENT)
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][column] == "100"
    by_login = {row[3]: row for row in canvas[2:]}
    assert by_login[a][0] == "Lovelace, Ada" and by_login[a][column] == f"{STATE['scores'][a]:g}"
    assert by_login[b][column] == "84.6", by_login[b]   # 94 less 10 % for one started day late
    plain = {row[0]: row for row in out["student_grades.csv"][1:]}
    header = out["student_grades.csv"][0]
    assert plain[b][header.index(f"{ASSIGNMENT} late penalty")] == "9.4"
    assert plain[a][header.index(f"{ASSIGNMENT} late penalty")] == "0"


# -- 8. failure modes ----------------------------------------------------------------------------

def test_8_failure_modes_nothing_lost_nothing_duplicated(hub, pages):
    dep, _, _ = hub
    a, b = dep.students
    folder = dep.exchange / dep.course_id / "inbound"
    before = set(inbound(dep))
    python = str(dep.env / "bin" / "python")

    # (a) A's submission over the limit: nbgrader refuses it at submit, with the sizes.
    page = pages(a)
    page.goto(f"{dep.url}/user/{a}/lab")
    page.wait_for_selector(".jp-LabShell", timeout=60_000)
    big = dep.home(a) / ASSIGNMENT / "big.bin"
    dep.run_as(a, ["truncate", "-s", f"{MAX_MB + 1}M", str(big)])
    open_assignment_list(page)
    list_row(page, "fetched").get_by_role("button", name="Submit").click()
    dialog = page.locator(".jp-Dialog", has_text="Invalid Submission")
    dialog.wait_for(timeout=60_000)
    shot(page, "21-student-a-submission-too-big")
    assert "Directory size is too big" in dialog.inner_text(), dialog.inner_text()
    dialog.get_by_role("button").last.click()
    dep.run_as(a, ["rm", str(big)])
    assert set(inbound(dep)) == before, "nothing of the refused submission reached the exchange"

    # (b) B writes an oversized "submission" into inbound by hand: the collect step refuses it.
    sneaky = f"{b}+{ASSIGNMENT}+2030-01-01 00:00:00.000000 UTC+sneaky"
    dep.run_as(b, [python, "-c", "import os, sys; d = sys.argv[1]; os.mkdir(d); "
                   "[open(os.path.join(d, f), 'w').write('x') for f in ('timestamp.txt', 'submission_secret.txt')]; "
                   "f = open(os.path.join(d, 'big.bin'), 'wb'); f.truncate(int(sys.argv[2]) * 1000 * 1000)",
                   str(folder / sneaky), str(MAX_MB + 1)])

    # (c) A's server is killed while submitting (pressed Submit, then SIGKILL to the server), and a
    # submission cut short the way a killed copy leaves it (no timestamp.txt / submission_secret.txt).
    open_assignment_list(page)
    list_row(page, "fetched").get_by_role("button", name="Submit").click()
    time.sleep(0.3)
    servers = [pid for pid in hubdeploy.processes_of([a]) if "jupyterhub-singleuser" in
               Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
    assert servers, "student A's server is running"
    for pid in servers:
        os.kill(pid, signal.SIGKILL)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    partial = folder / f"{a}+{ASSIGNMENT}+{stamp}+cutshort"
    dep.run_as(a, [python, "-c", "import os, shutil, sys; os.mkdir(sys.argv[1]); "
                   "shutil.copy(sys.argv[2], sys.argv[1])", str(partial), str(dep.home(a) / ASSIGNMENT / NOTEBOOK)])
    shot(page, "22-student-a-server-killed-while-submitting")
    page.context.close()

    # Two collects in a row through the formgrader.
    snapshot = {p: p.stat().st_mtime_ns for p in (dep.course / "submitted").rglob("*")}
    page = pages(dep.instructor)
    open_formgrader(page, dep)
    refused = [r"Refused submission .*sneaky: it holds 11\.0 MB, more than the course's limit of 10\.0 MB",
               r"Refused submission .*cutshort: it is incomplete",
               rf"Refused submission {a}\+.*written by '{b}'", r"submission\(s\) of 'dnn_step_by_step' refused"]
    # Whatever the kill left of the submission in progress: complete (collected), or cut short (refused).
    killed = [rf"Refused submission {a}\+.*: it is incomplete"]
    first = press(page, ASSIGNMENT, "Collect", "23-formgrader-collect-after-failures", expected_errors=refused,
                  allowed_errors=killed)
    second = press(page, ASSIGNMENT, "Collect", "24-formgrader-collect-again", expected_errors=refused,
                   allowed_errors=killed)
    assert f"No newer submission to collect: {b}" in first
    assert "Collecting submission" not in second and "Updating submission" not in second, second
    assert f"No newer submission to collect: {a}" in second and f"No newer submission to collect: {b}" in second
    # Nothing duplicated: one folder per student and assignment, no leftovers of a staged copy.
    assert sorted(p.name for p in (dep.course / "submitted").iterdir()) == sorted([a, b])
    for student in (a, b):
        assert [p.name for p in (dep.course / "submitted" / student).iterdir()] == [ASSIGNMENT]
        assert (dep.course / "submitted" / student / ASSIGNMENT / "timestamp.txt").is_file()
    # Nothing lost: A's collected notebook is A's work (the first or the killed submission, both whole).
    collected = nbformat.read(submitted_notebook(dep, a), as_version=4)
    assert any(c.source == CORRECT_LINEAR_FORWARD for c in collected.cells)
    if "Updating submission" not in first:
        assert {p: p.stat().st_mtime_ns for p in (dep.course / "submitted").rglob("*")} == snapshot
    assert set(inbound(dep)) >= before | {sneaky, partial.name}, "refused submissions stay as evidence"
    assert release_notebook(ASSIGNMENT).cells  # the course's own files are untouched by all this
