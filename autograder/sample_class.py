"""A synthetic class of submissions, for the demo, the benchmark and the tests.

Students are made from the released notebooks: solved (the source's solutions pasted
into the solution cells), with known mistakes from :mod:`autograder.mistakes`, blank,
with a syntax error, or not even valid JSON.
"""

import random
import re
from pathlib import Path

import nbformat

from autograder.mistakes import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {
    "dnn_step_by_step": "Building_your_Deep_Neural_Network_Step_by_Step.ipynb",
    "dnn_application": "Deep_Neural_Network_Application.ipynb",
}
GRADED = {
    "dnn_step_by_step": ["initialize_parameters", "initialize_parameters_deep", "linear_forward",
                         "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
                         "linear_activation_backward", "L_model_backward", "update_parameters"],
    "dnn_application": ["two_layer_model", "L_layer_model"],
}
SOLUTION_DELIMITER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def release_notebook(assignment):
    return nbformat.read(ROOT / "release" / assignment / NOTEBOOKS[assignment], as_version=4)


def source_notebook(assignment):
    return nbformat.read(ROOT / "source" / assignment / NOTEBOOKS[assignment], as_version=4)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def solved_submission(assignment):
    """The released notebook with every solution cell filled in from the source's solution."""
    solutions = {grade_id(c): c.source for c in source_notebook(assignment).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = release_notebook(assignment)
    for cell in nb.cells:
        if grade_id(cell) in solutions:
            cell.source = SOLUTION_DELIMITER.sub("", solutions[grade_id(cell)])
    return nb


def with_mistakes(nb, mistakes):
    """Replace the solution of each mistake's function with the mistake's code."""
    for mistake in mistakes:
        for cell in nb.cells:
            if cell.source.startswith(f"# GRADED FUNCTION: {mistake.function}\n"):
                cell.source = f"# GRADED FUNCTION: {mistake.function}\n" + mistake.code
    return nb


def make_class(course, assignment, students, rng):
    """Write ``submitted/<student>/<assignment>/`` for a mix of work; return {student: kind}.

    About 40% correct, 40% with one or two known mistakes, 10% blank, 5% with a syntax
    error and 5% unreadable JSON.
    """
    mistakes = [m for m in CATALOGUE if m.function in GRADED[assignment]]
    kinds = {}
    for number in range(students):
        student = f"student{number:03d}"
        roll = rng.random()
        if roll < 0.4:
            kind, nb = "correct", solved_submission(assignment)
        elif roll < 0.8:
            chosen = rng.sample(mistakes, k=min(len(mistakes), rng.choice((1, 2))))
            kind = "mistakes: " + ", ".join(m.id for m in chosen)
            nb = with_mistakes(solved_submission(assignment), chosen)
        elif roll < 0.9:
            kind, nb = "blank", release_notebook(assignment)
        elif roll < 0.95:
            kind, nb = "syntax error", solved_submission(assignment)
            first = next(c for c in nb.cells if c.source.startswith("# GRADED FUNCTION"))
            first.source = first.source.replace("):", ")", 1)
        else:
            kind, nb = "malformed JSON", None
        folder = Path(course) / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / NOTEBOOKS[assignment]
        if nb is None:
            path.write_text('{"cells": [')
        else:
            nbformat.write(nb, path)
        kinds[student] = kind
    return kinds


def make_sample_class(course, students=12, seed=2026):
    """Both assignments for the same students (each assignment with its own mix)."""
    rng = random.Random(seed)
    return {assignment: make_class(course, assignment, students, random.Random(rng.random()))
            for assignment in NOTEBOOKS if (ROOT / "source" / assignment / NOTEBOOKS[assignment]).is_file()}
