"""Notebooks of the course for tests: the released, source and solved versions."""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_release  # noqa: E402

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
            cell.source = make_release.SOLUTION_DELIMITER.sub("", solutions[grade_id(cell)])
    return nb
