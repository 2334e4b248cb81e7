"""Command line of the course tools: ``python -m autograder <command>``.

Commands
--------
grade <assignment> [--jobs N] [--scheduler tcp://host:8786]
    Grade every ``submitted/<student>/<assignment>/`` notebook in a sandbox, write the
    gradebook, ``reports/<assignment>/grades.csv``, a report and a feedback page per student.
demo
    Check everything the course is built from (data set, generated files, public tests
    on the reference solutions, the catalogue of known mistakes), then grade a sample
    class of both assignments in ``artifacts/demo/`` and print a short summary.
"""

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "utils", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def check_data():
    import catvnoncat_data as data

    source, folder = data.resolve_source()
    train_x, train_y, test_x, test_y, classes = data.load_data()
    return (f"data set '{source}' ({folder.relative_to(ROOT)}): train {train_x.shape} with "
            f"{train_y.mean():.0%} cats, test {test_x.shape} with {test_y.mean():.0%} cats, checksums verified")


def check_generated(script):
    def run():
        result = subprocess.run([sys.executable, script, "--check"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError((result.stdout + result.stderr).strip())
        return f"{script} --check: up to date"
    return run


def check_public_tests():
    import public_tests
    from autograder.reference_models import reference_functions

    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        for name, function in reference_functions().items():
            getattr(public_tests, name + "_test")(function)
    return f"public tests: all {len(reference_functions())} pass on the reference solutions"


def check_mistakes():
    import public_tests
    from autograder.mistakes import CATALOGUE, build

    missed = []
    for mistake in CATALOGUE:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                getattr(public_tests, mistake.function + "_test")(build(mistake))
            missed.append(mistake.id)
        except AssertionError:
            pass
    if missed:
        raise RuntimeError(f"public tests let these known mistakes pass: {missed}")
    return f"known mistakes: all {len(CATALOGUE)} caught by the public tests"


def sample_class():
    import shutil

    from autograder.sample_class import make_sample_class

    course = ROOT / "artifacts" / "demo"
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    classes = make_sample_class(course, students=12)
    summary = []
    for assignment in classes:
        result = subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, "--quiet",
                                 f"--course={course}"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
        summary.append(result.stdout.strip().splitlines()[-1])
    return (f"sample class of 12 students graded in {course.relative_to(ROOT)}/ (reports/, feedback/, "
            "gradebook.db):\n         " + "\n         ".join(summary))


def demo(args):
    steps = [check_data, check_generated("tools/make_public_expected.py"), check_public_tests, check_mistakes]
    for script in ("tools/make_open_dataset.py", "tools/make_figures.py", "tools/make_sample_image.py",
                   "tools/make_release.py"):
        steps.append(check_generated(script))
    steps.append(sample_class)
    failures = 0
    for step in steps:
        try:
            print(f"  ok   {step()}")
        except Exception as error:  # report every step, then fail once
            failures += 1
            print(f"  FAIL {getattr(step, '__name__', step)}: {error}")
    print(f"demo: {len(steps) - failures} of {len(steps)} checks passed.")
    return 1 if failures else 0


def grade(args):
    from tqdm import tqdm

    from autograder import records, report
    from autograder.assignments import load_assignment
    from autograder.batch import grade_all
    from autograder.grading import submissions
    from autograder.sandbox import ISOLATION

    course = Path(args.course).resolve()
    assignment = load_assignment(args.assignment, course / "source")
    found = submissions(course, assignment)
    if args.student:
        found = [(s, p) for s, p in found if s in set(args.student)]
    if not found:
        print(f"no submissions in {course / 'submitted'}/<student>/{assignment.id}/")
        return 1
    db_url = args.db or f"sqlite:///{course / 'gradebook.db'}"
    records.ensure_assignment(course, db_url, assignment)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{args.jobs} local job(s)"
    print(f"grading {len(found)} submission(s) of {assignment.id} on {where}; sandbox here: {ISOLATION}")
    with tqdm(total=len(found), unit="notebook", disable=args.quiet) as bar:
        results = list(grade_all(assignment, found, args.jobs, args.scheduler, bar.update))
    timestamps = {}
    for student, path in found:
        stamp = path.parent / "timestamp.txt"
        if stamp.is_file():
            timestamps[student] = stamp.read_text().strip()
    records.write_gradebook(db_url, assignment, results, timestamps)
    out = course / "reports" / assignment.id
    records.write_csv(out / "grades.csv", assignment, results)
    for result in results:
        records.write_feedback(course, assignment, result)
    report.write_report(out, assignment, results)
    mean = sum(r.score for r in results) / len(results)
    print(f"graded {len(results)} submission(s): mean {mean:.1f} / {assignment.max_score:g}; "
          f"{sum(bool(r.error) for r in results)} unreadable. Wrote the gradebook, {out}/grades.csv, "
          f"report.md and feedback/<student>/{assignment.id}/.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description="Course and grading tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="check the course and print a summary").set_defaults(run=demo)
    grading = commands.add_parser("grade", help="grade every submission of an assignment")
    grading.add_argument("assignment")
    grading.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    grading.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grading.add_argument("--course", default=str(ROOT), help="course directory (default: this repository)")
    grading.add_argument("--db", help="gradebook URL (default: sqlite:///<course>/gradebook.db)")
    grading.add_argument("--scheduler", help="address of a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786")
    grading.add_argument("--quiet", action="store_true", help="no progress bar")
    grading.set_defaults(run=grade)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
