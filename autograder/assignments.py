"""What the grader knows about an assignment, read from its source notebook (one place).

* ``setup_cells``: the locked code cells that are not tests (imports, constants, data loading),
  run before the student's definitions, exactly as in the notebook;
* ``functions``: the graded functions in notebook order, each with its public and hidden
  grade cells and their points;
* ``helper_files``: what the student's code may import (the assignment's non-notebook files).
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPOSITORY = Path(__file__).resolve().parent.parent  # the course repository this package is installed from
SOURCE = REPOSITORY / "source"


@dataclass(frozen=True)
class GradedFunction:
    name: str
    public_id: str
    public_points: float
    hidden_id: str
    hidden_points: float

    @property
    def points(self):
        return self.public_points + self.hidden_points


@dataclass(frozen=True)
class Assignment:
    id: str
    notebook: str               # file name, e.g. Building_..._Step_by_Step.ipynb
    setup_cells: tuple          # (grade_id, source) pairs
    functions: tuple            # GradedFunction, in notebook order
    helper_files: tuple         # Paths to copy next to the student's code

    @property
    def notebook_id(self):
        return self.notebook.removesuffix(".ipynb")

    @property
    def max_score(self):
        return sum(f.points for f in self.functions)

    @property
    def names(self):
        return [f.name for f in self.functions]


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def load_assignment(assignment_id, source_root=SOURCE):
    """Read ``source/<assignment_id>/*.ipynb``; raises ValueError naming the problem."""
    folder = Path(source_root) / assignment_id
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(f"{folder}: expected exactly one notebook, found {[n.name for n in notebooks]}")
    nb = nbformat.read(notebooks[0], as_version=4)
    points = {_meta(c).get("grade_id"): float(_meta(c).get("points", 0)) for c in nb.cells if _meta(c).get("grade")}
    setup, functions = [], []
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type != "code":
            continue
        header = re.match(r"#\s*GRADED FUNCTION:\s*(\w+)", cell.source)
        if header and meta.get("solution"):
            name = header.group(1)
            missing = [g for g in (f"{name}_public", f"{name}_hidden") if g not in points]
            if missing:
                raise ValueError(f"{notebooks[0].name}: graded function {name} has no grade cell {missing}")
            functions.append(GradedFunction(name, f"{name}_public", points[f"{name}_public"],
                                            f"{name}_hidden", points[f"{name}_hidden"]))
        elif meta.get("locked") and not meta.get("grade") and not meta.get("solution"):
            setup.append((meta["grade_id"], cell.source))
    helpers = tuple(sorted(p for p in folder.iterdir()
                           if p.suffix != ".ipynb" and p.name not in ("images", ".ipynb_checkpoints")))
    return Assignment(assignment_id, notebooks[0].name, tuple(setup), tuple(functions), helpers)
