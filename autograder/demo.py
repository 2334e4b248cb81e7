"""The demo: check everything the course is built from, then grade a sample class.

``python -m autograder demo`` (what ``scripts/demo.sh`` runs) checks the data set, every
generated file (each generator's ``--check``), the public tests on the answer key and the
catalogue of known mistakes, then grades a synthetic class of both assignments in
``artifacts/demo/`` with :func:`autograder.classgrade.grade_class`, builds the student bundle of
each assignment (:func:`autograder.bundle.build_bundle`) and prints a summary.
"""

import contextlib
import importlib
import io
import shutil

from autograder.assignments import REPOSITORY, load_catalogue
from autograder.bundle import build_bundle
from autograder.classgrade import grade_class
from autograder.mistakes import CATALOGUE, build
from autograder.reference_models import reference_functions
from autograder.sample_class import make_sample_class
from coursekit import catvnoncat_data, public_tests

GENERATORS = ("make_public_expected", "make_dnn_app_utils", "make_open_dataset", "make_figures", "make_sample_image",
              "make_release")


def check_data():
    source, folder = catvnoncat_data.resolve_source()
    train_x, train_y, test_x, test_y, _ = catvnoncat_data.load_data()
    return (f"data set '{source}' ({folder}): train {train_x.shape} with {train_y.mean():.0%} cats, "
            f"test {test_x.shape} with {test_y.mean():.0%} cats, checksums verified")


def check_generated(name):
    def run():
        module = importlib.import_module(f"coursetools.{name}")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            code = module.main(["--check"])
        if code:
            raise RuntimeError(printed.getvalue().strip())
        return f"coursetools.{name} --check: up to date"
    run.__name__ = f"check {name}"
    return run


def check_public_tests():
    functions = reference_functions()
    with contextlib.redirect_stdout(io.StringIO()):
        for name, function in functions.items():
            getattr(public_tests, name + "_test")(function)
    return f"public tests: all {len(functions)} pass on the answer key"


def check_mistakes():
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


def student_bundles():
    out = REPOSITORY / "artifacts" / "demo" / "bundles"
    built = [build_bundle(assignment, out) for assignment in load_catalogue()]
    return (f"student bundles, checked free of solutions and hidden tests: "
            f"{', '.join(f'{p.name} ({p.stat().st_size >> 10} KB)' for p in built)} in {out}")


def sample_class(students=12):
    course = REPOSITORY / "artifacts" / "demo"
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(REPOSITORY / "nbgrader_config.py", course)
    shutil.copytree(REPOSITORY / "source", course / "source")
    classes = make_sample_class(course, students=students)
    summary = [grade_class(assignment, course).summary() for assignment in classes]
    return (f"sample class of {students} students graded in {course} (reports/, feedback/, gradebook.db):\n"
            "         " + "\n         ".join(summary))


def run_demo():
    """Run every step, report each, and return the number of failed steps."""
    steps = [check_data, check_generated("make_public_expected"), check_public_tests, check_mistakes]
    steps += [check_generated(name) for name in GENERATORS if name != "make_public_expected"]
    steps += [sample_class, student_bundles]
    failures = 0
    for step in steps:
        try:
            print(f"  ok   {step()}", flush=True)
        except Exception as error:  # report every step, then fail once
            failures += 1
            print(f"  FAIL {step.__name__}: {error}", flush=True)
    print(f"demo: {len(steps) - failures} of {len(steps)} checks passed.")
    return failures
