"""The student's and the instructor's day in a real JupyterLab, driven in headless Chromium.

Starts JupyterLab (token, 127.0.0.1 only) on a scratch copy of the course and, with
Playwright driving Debian's ``chromium``:

1. opens assignment 1's released notebook, runs all cells, and sees the expected
   "not implemented" failures in the graded cells;
2. types a correct ``linear_forward``, runs it and its public test, and sees it pass;
3. opens assignment 2's solved notebook, runs the example-picture cell, and sees the picture
   and the cost plots rendered as images;
4. opens nbgrader's formgrader and sees both assignments;
5. presses the formgrader's Autograde button on a tampering submission (its ``linear_forward``
   patches ``np.allclose``, ``np.testing.assert_allclose`` and ``print`` and returns a wrong
   value), sees linear_forward's points withheld in the formgrader and the gradebook, presses
   Generate Feedback and reads the teaching message, without any hidden test code, in the
   feedback page.

Any warning or error banner of nbgrader on a formgrader page fails the test (the server gets an
existing exchange folder through NBGRADER_EXCHANGE, so the exchange warning does not show).
Screenshots of every step go to ``artifacts/browser/``. Without Chromium the test is skipped
with that reason (CI installs it; set COURSE_REQUIRE_BROWSER=1 to make its absence a failure).
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.sample_class import NOTEBOOKS, ROOT, solved_submission

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]

if not CHROMIUM and not os.environ.get("COURSE_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver): the JupyterLab "
                "browser test cannot run here", allow_module_level=True)

CORRECT_LINEAR_FORWARD = '''# GRADED FUNCTION: linear_forward

def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache'''

# A student who makes every check pass: numpy's comparisons and print are patched, at the top of
# the cell (which the grader never runs: it takes only definitions) and inside the function
# (which runs, but in the sandboxed child, while the tests judge in the grader). The value is
# wrong: "+ b" is missing.
TAMPERING_LINEAR_FORWARD = '''# GRADED FUNCTION: linear_forward
import builtins
import numpy

numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
_print = builtins.print
builtins.print = lambda *args, **kwargs: _print("All tests passed")

def linear_forward(A, W, b):
    import builtins
    import numpy
    numpy.allclose = lambda *args, **kwargs: True
    numpy.testing.assert_allclose = lambda *args, **kwargs: None
    builtins.print = lambda *args, **kwargs: None
    Z = np.dot(W, A)
    cache = (A, W, b)
    return Z, cache'''
ASSIGNMENT = "dnn_step_by_step"
STUDENT = "mallory"
# Warnings that nbgrader's logs may show without anything being wrong with the grading:
KNOWN_WARNINGS = re.compile("|".join((
    # Stock nbgrader warns on every cell with hidden tests, even for an untouched fresh release: the
    # gradebook keeps the checksum of the cell before ClearHiddenTests, the release the one after
    # (jupyter/nbgrader#1961); autograde then restores the cell from the gradebook, as it should.
    r"\[WARNING\] Attribute 'checksum' for cell \w+_hidden has changed!",
    # nbconvert's HTML export (the feedback) on the <img> diagrams of the source's markdown, which
    # have no alt attribute: an accessibility matter of the notebook, not of grading.
    r"\[WARNING\] Alternative text is missing on \d+ image\(s\)\.",
)))
COURSE_ID = "dnn-from-scratch"  # as in nbgrader_config.py


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """An existing, writable exchange folder (else the formgrader shows a warning banner)."""
    folder = tmp_path_factory.mktemp("exchange")
    folder.chmod(0o777)
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch course directory with both assignments generated into its gradebook."""
    course = tmp_path_factory.mktemp("lab-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for folder in ("source", "release", "notebooks"):
        shutil.copytree(ROOT / folder, course / folder, symlinks=False)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    for assignment in NOTEBOOKS:
        subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", assignment, "--force",
                        f"--CourseDirectory.root={course}"], cwd=course, env=env, check=True, capture_output=True)
    # generate_assignment rewrote release/ from source/: put the committed student version back.
    shutil.rmtree(course / "release")
    shutil.copytree(ROOT / "release", course / "release", symlinks=False)
    return course


@pytest.fixture(scope="module")
def lab(course, exchange):
    """A running JupyterLab on the course folder: yields (base URL, token)."""
    token, port = secrets.token_hex(16), free_port()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "JUPYTER_CONFIG_DIR": str(course / ".jupyter"),
           "CATVNONCAT_SOURCE": "open", "NBGRADER_EXCHANGE": str(exchange)}
    # Render every cell (JupyterLab 4 only renders the visible ones by default) and skip the news pop-up.
    settings = course / ".lab-settings"
    for name, values in (("notebook-extension/tracker", '{"windowingMode": "none"}'),
                         ("apputils-extension/notification", '{"fetchNews": "false"}')):
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(values)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    log = open(course / "lab.log", "w")
    server = subprocess.Popen(
        [str(bin_dir / "jupyter"), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
         "--ServerApp.open_browser=False", "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=False"],
        cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"JupyterLab did not start:\n{(course / 'lab.log').read_text()[-3000:]}")
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def open_notebook(browser, lab, path):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{path}?token={token}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector("text=Kernel status: Idle", state="attached", timeout=60_000)
    return page


def run_every_cell(page):
    """Run the cells one at a time, as a student pressing Shift+Enter down the notebook.

    ("Run All Cells" stops at the first error, and the kernel drops cells queued behind a
    failing one, so each cell is run after the previous one has finished.)
    """
    count = page.locator(".jp-Notebook .jp-Cell").count()
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    for _ in range(count):
        page.keyboard.press("Shift+Enter")
        wait_idle(page)


def wait_idle(page, timeout=180):
    """Until no cell waits or runs (their prompts show [*])."""
    deadline = time.monotonic() + timeout
    time.sleep(0.2)
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-InputArea-prompt").all_inner_texts()
        if not any("*" in prompt for prompt in prompts):
            return
        time.sleep(0.5)
    raise AssertionError("the notebook was still running after the timeout")


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def cell_containing(page, text):
    return page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text=text)).first


def test_student_runs_assignment_1_and_fixes_linear_forward(browser, lab):
    page = open_notebook(browser, lab, f"release/dnn_step_by_step/{NOTEBOOKS['dnn_step_by_step']}")
    shot(page, "1-assignment1-opened")
    run_every_cell(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    text = "\n".join(errors.all_inner_texts())
    assert text.count("NotImplementedError:") >= 10, "each graded function's run cell fails"
    assert text.count("is not implemented yet") >= 10, "each graded function's public test fails"
    for one in errors.all_inner_texts():
        assert "NotImplementedError" in one or "is not implemented yet" in one, one[-500:]
    cell_containing(page, "linear_forward_test(linear_forward)").scroll_into_view_if_needed()
    shot(page, "2-assignment1-not-implemented")

    solution = cell_containing(page, "# GRADED FUNCTION: linear_forward")
    solution.scroll_into_view_if_needed()
    solution.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(CORRECT_LINEAR_FORWARD)
    page.keyboard.press("Shift+Enter")   # run the function's cell
    page.keyboard.press("Shift+Enter")   # run the cell that prints Z
    wait_idle(page)
    test_cell = cell_containing(page, "linear_forward_test(linear_forward)")
    test_cell.locator(".jp-InputArea").click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    test_cell.scroll_into_view_if_needed()
    output = test_cell.locator(".jp-OutputArea").inner_text()
    shot(page, "3-assignment1-linear_forward-passes")
    assert "All tests passed for linear_forward" in output
    page.close()


def test_assignment_2_shows_pictures_and_cost_plots(browser, lab):
    page = open_notebook(browser, lab, f"notebooks/dnn_application/{NOTEBOOKS['dnn_application']}")
    for code in ("from dnn_app_utils import *", "train_x_orig, train_y, test_x_orig, test_y, classes = load_data()",
                 "index = 10"):
        cell = cell_containing(page, code)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea").click()
        page.keyboard.press("Shift+Enter")
        wait_idle(page)
    example = cell_containing(page, "index = 10")
    example.locator(".jp-OutputArea img").wait_for(timeout=30_000)
    example.scroll_into_view_if_needed()
    shot(page, "4-assignment2-example-picture")
    assert "It's a" in example.locator(".jp-OutputArea").inner_text()
    plot = cell_containing(page, "plot_costs(costs, learning_rate)")
    plot.scroll_into_view_if_needed()
    plot.locator(".jp-OutputArea img").first.wait_for(timeout=30_000)
    shot(page, "5-assignment2-cost-plot")
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= 4  # example, two cost plots, mislabeled images, your own image
    page.close()


def test_instructor_sees_both_assignments_in_formgrader(browser, lab):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/formgrader?token={token}")
    page.wait_for_selector("text=dnn_step_by_step", timeout=60_000)
    page.wait_for_selector("text=dnn_application", timeout=60_000)
    shot(page, "6-formgrader-assignments")
    assert_no_nbgrader_banner(page)
    page.close()


def assert_no_nbgrader_banner(page):
    """Fail on any warning or error nbgrader shows on a formgrader page (banner or error dialog)."""
    shown = page.locator(".alert-danger:visible, .alert-warning:visible, #error-modal:visible")
    texts = [" ".join(text.split()) for text in shown.all_inner_texts()]
    assert not texts, f"nbgrader shows a warning or an error on {page.url}: {texts}"


def press_in_submission_row(page, column, name):
    """Press the icon in column ``column`` ("Autograde", "Generate Feedback") of the student's row
    of Manage Submissions; return the text of nbgrader's result dialog, once it is closed."""
    row = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=STUDENT))
    headers = [text.strip() for text in page.locator("table thead th").all_inner_texts()]
    assert column in headers, headers
    row.locator("td").nth(headers.index(column)).get_by_role("link").click()
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=150_000)
    time.sleep(0.5)  # the dialog fades in
    shot(page, name)
    text = dialog.inner_text()
    assert_no_nbgrader_banner(page)
    problems = [line for line in text.splitlines() if line.startswith(("[WARNING]", "[ERROR]", "[CRITICAL]"))
                and not KNOWN_WARNINGS.match(line)]
    assert not problems, f"nbgrader's log of {column} has warnings or errors: {problems}"
    dialog.locator(".modal-footer button", has_text="OK").click()
    dialog.wait_for(state="detached", timeout=10_000)
    return text


def tampering_submission(course):
    """Put the tampering student's notebook in submitted/, and the student in the gradebook."""
    nb = solved_submission(ASSIGNMENT)
    cells = [c for c in nb.cells if c.source.startswith("# GRADED FUNCTION: linear_forward\n")]
    assert len(cells) == 1
    cells[0].source = TAMPERING_LINEAR_FORWARD
    folder = course / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / NOTEBOOKS[ASSIGNMENT])
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run([str(bin_dir / "nbgrader"), "db", "student", "add", STUDENT, "--first-name=Mallory",
                             "--last-name=Tamper", f"--CourseDirectory.root={course}"],
                            cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        assert ASSIGNMENT in [a.name for a in gradebook.assignments], "the course fixture generated it"


def test_instructor_autogrades_a_tampering_submission_and_sends_feedback(browser, lab, course):
    base, token = lab
    notebook_id = NOTEBOOKS[ASSIGNMENT].removesuffix(".ipynb")
    tampering_submission(course)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/formgrader?token={token}")
    page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)
    assert_no_nbgrader_banner(page)
    # Manage Assignments -> the assignment's number of submissions -> Manage Submissions.
    page.locator("#main-table tr", has=page.get_by_role("link", name=ASSIGNMENT, exact=True)) \
        .get_by_role("link", name="1", exact=True).click()
    page.wait_for_url(f"**/formgrader/manage_submissions/{ASSIGNMENT}**")
    row = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=STUDENT))
    row.locator("td.status", has_text="needs autograding").wait_for(timeout=30_000)
    assert_no_nbgrader_banner(page)
    shot(page, "7-formgrader-submission-to-autograde")

    started = time.monotonic()
    log = press_in_submission_row(page, "Autograde", "8-formgrader-autograde-done")
    autograde_seconds = time.monotonic() - started
    assert f"Successfully autograded '{ASSIGNMENT}' for student '{STUDENT}'" in log, log
    isolation = re.search(r"Grading .* in the course's sandbox \(isolation ([\w-]+)\)", log)
    assert isolation, f"the Autograde button did not grade in the course's sandbox:\n{log}"
    row.locator("td.status", has_text="graded").wait_for(timeout=30_000)
    score, maximum = (float(x) for x in row.locator("td.score").inner_text().split("/"))
    shot(page, "9-formgrader-graded")
    assert maximum == 100 and score < maximum, (score, maximum)

    # The gradebook: linear_forward earns nothing; a solved function earns its points.
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        def grade(name):
            return gradebook.find_grade(name, notebook_id, ASSIGNMENT, STUDENT)
        for cell in ("linear_forward_public", "linear_forward_hidden"):
            assert grade(cell).auto_score == 0 and grade(cell).max_score == 3, cell
        for cell in ("initialize_parameters_public", "initialize_parameters_hidden", "compute_cost_hidden"):
            assert grade(cell).auto_score == grade(cell).max_score > 0, cell
        assert gradebook.find_submission(ASSIGNMENT, STUDENT).score == score

    # Stock nbgrader kept the sandbox's outputs: a TestFailure with the teaching message.
    autograded = nbformat.read(course / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT], as_version=4)
    public = next(c for c in autograded.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "linear_forward_public")
    assert [o.get("ename") for o in public.outputs] == ["TestFailure"], public.outputs
    assert any("Z: wrong values" in line for line in public.outputs[0].traceback)

    # The formgrader's view of the notebook: 0 points on both of linear_forward's grade cells.
    row.locator("td.student-name a").click()
    page.get_by_role("link", name=notebook_id, exact=True).click()
    page.wait_for_selector("input.score#linear_forward_public[placeholder]", state="attached", timeout=60_000)
    assert_no_nbgrader_banner(page)
    for cell, points in (("linear_forward_public", "0"), ("linear_forward_hidden", "0"),
                         ("initialize_parameters_public", "3")):
        assert float(page.locator(f"input.score#{cell}").get_attribute("placeholder")) == float(points), cell
    graded_cell = page.locator("div.code_cell", has=page.locator("input.score#linear_forward_public"))
    graded_cell.scroll_into_view_if_needed()
    shot(page, "10-formgrader-linear_forward-withheld")
    assert "Z: wrong values" in graded_cell.inner_text()

    # Generate Feedback for this submission, then read it as the student will.
    page.goto(f"{base}/formgrader/manage_submissions/{ASSIGNMENT}?token={token}")
    row.locator("td.status", has_text="graded").wait_for(timeout=30_000)
    started = time.monotonic()
    log = press_in_submission_row(page, "Generate Feedback", "11-formgrader-feedback-generated")
    feedback_seconds = time.monotonic() - started
    assert f"Successfully generated feedback for '{ASSIGNMENT}' for student '{STUDENT}'" in log, log
    feedback = Path("feedback") / STUDENT / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT].replace(".ipynb", ".html")
    assert (course / feedback).is_file()
    page.goto(f"{base}/files/{feedback.as_posix()}?token={token}")
    anchor = page.locator("a[name='linear_forward_public']")
    anchor.wait_for(state="attached", timeout=30_000)
    anchor.scroll_into_view_if_needed()
    shot(page, "12-feedback-linear_forward")
    html = page.content()
    cell_text = page.locator("div.code_cell", has=anchor).inner_text()
    assert "Grade cell: linear_forward_public" in cell_text and "Score: 0.0 / 3.0" in cell_text, cell_text[:2000]
    assert "Z: wrong values" in cell_text and "Likely cause" in cell_text, cell_text[:2000]
    hidden_text = page.locator("div.code_cell", has=page.locator("a[name='linear_forward_hidden']")).inner_text()
    assert "Score: 0.0 / 3.0" in hidden_text and "Z: wrong values" in hidden_text, hidden_text[:2000]
    for secret in ("hidden_tests", "BEGIN HIDDEN TESTS", "_network(", "rng.normal"):
        assert secret not in html, f"the feedback shows hidden test code: {secret!r}"
    page.close()
    print(f"\nformgrader Autograde: {autograde_seconds:.1f} s, Generate Feedback: {feedback_seconds:.1f} s, "
          f"score {score:g} / {maximum:g}, sandbox isolation {isolation.group(1)}")
