"""Broken, odd and hostile submissions of assignment 1, as data.

The robustness suite grades each of these with ``python -m autograder grade``'s core, and the
agreement test grades all of them with stock ``nbgrader autograde`` as well and compares every
grade cell: one list, so that a new attack is checked by both graders at once.

Each :class:`Attempt` starts from a correct submission and changes one thing. ``tamper`` names
the graded function whose points the attempt tries to steal (it must score 0 under every
grader); ``sandbox_only`` marks attacks whose outcome depends on file-system isolation.
"""

import copy
import json
from dataclasses import dataclass

import nbformat

from autograder.assignments import REPOSITORY
from autograder.sample_class import release_notebook, solved_submission

ASSIGNMENT = "dnn_step_by_step"
CORRECT_LINEAR_FORWARD = "def linear_forward(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\n"
PWNED = REPOSITORY / "pwned.txt"  # what the write-outside attempt tries to create
WRONG_LINEAR_FORWARD = "def linear_forward(A, W, b):\n    return np.dot(W, A), (A, W, b)\n"
HARD_CODED_LINEAR_FORWARD = ("def linear_forward(A, W, b):\n"
                             "    return np.array([[3.26295337, -1.23429987]]), (A, W, b)\n")
TRICKS = {  # ways to make the tests pass without a correct function
    "patch-numpy": "np.allclose = lambda *args, **kwargs: True\nnp.testing.assert_allclose = lambda *a, **k: None\n",
    "patch-builtins": ("import builtins\nbuiltins.isinstance = lambda *args: True\n"
                       "builtins.print = lambda *a, **k: None\n"),
    "redefine-test": "def linear_forward_test(target):\n    print('All tests passed for linear_forward (1 case).')\n",
    "patch-public-tests": "import public_tests\npublic_tests.linear_forward_test = lambda target: None\n"
                          "public_tests.compare = lambda *a, **k: None\n",
    "patch-helpers": "import dnn_utils\ndnn_utils.sigmoid = lambda Z: (Z, Z)\n",
}


CORRECT_STYLES = {  # correct code written otherwise than the answer key: full marks everywhere
    "linear_forward": """
def linear_forward(A, W, b):
    Z = W @ A + b
    print("debug:", Z.shape)
    return Z, (A, W, b)
""",
    "linear_activation_forward": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu}[activation](Z)
    return A, (linear_cache, activation_cache)
""",
    "update_parameters": """
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters
""",
    "compute_cost": """
def compute_cost(AL, Y):
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
""",
    "linear_backward": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.mean(axis=1, keepdims=True)
""",
}


@dataclass(frozen=True)
class Attempt:
    id: str
    description: str
    data: bytes                 # the submitted notebook file
    tamper: str = ""            # graded function that must earn nothing
    sandbox_only: bool = False  # needs bubblewrap to be judged as intended


def solved():
    return copy.deepcopy(solved_submission(ASSIGNMENT))


def cell_of(nb, name):
    return next(c for c in nb.cells if c.source.startswith(f"# GRADED FUNCTION: {name}\n"))


def with_function(name, code, nb=None):
    """A solved notebook whose ``name`` cell holds ``code`` instead of the solution."""
    nb = nb or solved()
    cell_of(nb, name).source = f"# GRADED FUNCTION: {name}\n\n" + code
    return nb


def as_bytes(nb):
    return nbformat.writes(nb).encode()


def _inside(trick, body="    return np.dot(W, A), (A, W, b)\n"):
    """``trick`` hidden inside linear_forward, where the grader does run it."""
    return "def linear_forward(A, W, b):\n" + "".join("    " + line + "\n" for line in trick.splitlines()) + body


def _split_cell():
    nb = solved()
    cell = cell_of(nb, "linear_backward")
    lines = cell.source.splitlines(True)
    middle = next(i for i, line in enumerate(lines) if "dW = (1 / m)" in line)
    cell.source = "".join(lines[:middle])
    second = copy.deepcopy(cell)
    second.source, second.metadata, second.id = "".join(lines[middle:]), {}, "second-half"
    nb.cells.insert(nb.cells.index(cell) + 1, second)
    return nb


def _duplicated_cell():
    nb = solved()
    good = cell_of(nb, "linear_forward")
    bad = copy.deepcopy(good)
    bad.source = "# GRADED FUNCTION: linear_forward\ndef linear_forward(A, W, b):\n    return None, None\n"
    bad.id = "duplicate"
    nb.cells.insert(nb.cells.index(good), bad)
    return nb


def _markdown_solution():
    nb = solved()
    index = nb.cells.index(cell_of(nb, "update_parameters"))
    old = nb.cells[index]
    nb.cells[index] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata, id=old.id)
    return nb


def _deleted_cell():
    nb = solved()
    nb.cells.remove(cell_of(nb, "compute_cost"))
    return nb


def _renamed():
    nb = solved()
    cell = cell_of(nb, "linear_forward")
    cell.source = cell.source.replace("def linear_forward(", "def my_linear_forward(")
    return nb


def _syntax_error():
    nb = solved()
    cell = cell_of(nb, "initialize_parameters")
    cell.source = cell.source.replace("b1 = np.zeros((n_h, 1))", "b1 = np.zeros((n_h, 1)", 1)
    return nb


def _vscode():
    nb = solved()
    for cell in nb.cells:
        cell.metadata = {"vscode": {"languageId": "python"}} if cell.cell_type == "code" else {}
    nb.metadata = {"language_info": {"name": "python"}}
    return as_bytes(nb)


def _colab():
    nb = solved()
    nb.metadata = {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for cell in nb.cells:
        cell.metadata = {"id": "abc"}
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 0
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data).encode()


def _edited_tests_and_metadata():
    nb = with_function("linear_forward", WRONG_LINEAR_FORWARD)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cell.source = "pass"
            meta["points"] = 1000
        meta["locked"] = False
    return nb


def _magics():
    nb = solved()
    cell = cell_of(nb, "linear_forward")
    cell.source = "%%time\n!ls\n" + cell.source
    return nb


def _reads(path):
    return with_function("linear_forward", "def linear_forward(A, W, b):\n"
                                           f"    text = open({str(path)!r}).read()\n"
                                           "    return np.dot(W, A) + b, (A, W, b)\n")


FORGED_ANSWER = """import gc, io, sys

def linear_forward(A, W, b):
    # Find the answer channel and the request being served, and answer in the grader's place.
    request = sys._getframe(1).f_locals.get("request", {})
    channel = next(o for o in gc.get_objects() if isinstance(o, io.TextIOWrapper) and o.fileno() > 2
                   and o.writable() and not o.readable())
    channel.write('{"id": "%s", "result": 1}\\n' % request.get("id"))
    channel.flush()
    return np.dot(W, A), (A, W, b)
"""
HUGE_ANSWER = "def linear_forward(A, W, b):\n    return [0] * 300000, (A, W, b)\n"


def _with_cell_after(name, code):
    """A solved notebook with an extra code cell holding ``code`` right after ``name``'s cell."""
    nb = solved()
    cell = cell_of(nb, name)
    nb.cells.insert(nb.cells.index(cell) + 1, nbformat.v4.new_code_cell(code))
    return nb


def attempts():
    """Every attempt, freshly built (the notebooks come from the committed release/ and source/)."""
    found = [
        Attempt("correct", "a correct submission", as_bytes(solved())),
        Attempt("blank", "the released notebook, untouched", as_bytes(release_notebook(ASSIGNMENT))),
        Attempt("malformed-json", "a truncated JSON file", b'{"cells": ['),
        Attempt("binary-garbage", "bytes that are not text", bytes(range(256)) * 10),
        Attempt("nbformat-3", "saved in the old nbformat 3",
                nbformat.writes(nbformat.convert(solved(), 3), version=3).encode()),
        Attempt("deleted-cell", "compute_cost's cell deleted", as_bytes(_deleted_cell())),
        Attempt("duplicated-cell", "a broken copy of linear_forward above the good one", as_bytes(_duplicated_cell())),
        Attempt("split-cell", "linear_backward split across two cells", as_bytes(_split_cell())),
        Attempt("markdown-solution", "update_parameters' cell turned into markdown", as_bytes(_markdown_solution())),
        Attempt("renamed-function", "linear_forward renamed", as_bytes(_renamed())),
        Attempt("syntax-error", "a syntax error in initialize_parameters", as_bytes(_syntax_error())),
        Attempt("exception", "compute_cost divides by zero",
                as_bytes(with_function("compute_cost", "def compute_cost(AL, Y):\n    return 1 / 0\n"))),
        Attempt("infinite-loop", "compute_cost never returns",
                as_bytes(with_function("compute_cost", "def compute_cost(AL, Y):\n    while True:\n        pass\n"))),
        Attempt("memory-bomb", "compute_cost allocates 12.8 GB",
                as_bytes(with_function("compute_cost", "def compute_cost(AL, Y):\n"
                                                       "    hog = np.ones((40000, 40000))\n    return hog.sum()\n"))),
        Attempt("exit-at-definition", "a default argument that kills the process",
                as_bytes(with_function("compute_cost", "import os\n\ndef compute_cost(AL, Y, _=os._exit(3)):\n"
                                                       "    return 0\n"))),
        Attempt("kill-in-call", "compute_cost sends itself SIGKILL",
                as_bytes(with_function("compute_cost", "import os, signal\n\ndef compute_cost(AL, Y):\n"
                                                       "    os.kill(os.getpid(), signal.SIGKILL)\n"))),
        Attempt("gigantic-output", "linear_forward prints 200 MB",
                as_bytes(with_function("linear_forward", "def linear_forward(A, W, b):\n    for _ in range(2000):\n"
                                                         "        print('x' * 100000)\n"
                                                         "    return np.dot(W, A) + b, (A, W, b)\n"))),
        Attempt("vscode", "saved by VS Code without nbgrader metadata", _vscode()),
        Attempt("colab", "saved by Colab, with outputs and nbformat 4.0", _colab()),
        Attempt("magics", "magics and shell lines in a graded cell", as_bytes(_magics())),
        Attempt("fake-success", "prints a fake success line, returns zeros",
                as_bytes(with_function("linear_forward", "def linear_forward(A, W, b):\n"
                                                         "    print('All tests passed for linear_forward (1 case).')\n"
                                                         "    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)\n")),
                tamper="linear_forward"),
        Attempt("hard-coded", "returns the published fixture's output", as_bytes(with_function(
            "linear_forward", HARD_CODED_LINEAR_FORWARD)), tamper="linear_forward"),
        Attempt("edited-tests", "test cells emptied, points set to 1000, cells unlocked",
                as_bytes(_edited_tests_and_metadata()), tamper="linear_forward"),
        Attempt("write-outside", "writes into the course repository",
                as_bytes(with_function("linear_forward", "def linear_forward(A, W, b):\n"
                                                         f"    open({str(PWNED)!r}, 'w').write('x')\n"
                                                         "    return np.dot(W, A) + b, (A, W, b)\n")),
                tamper="linear_forward", sandbox_only=True),
        Attempt("network", "opens a network connection",
                as_bytes(with_function("linear_forward", "import socket\n\ndef linear_forward(A, W, b):\n"
                                                         "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
                                                         "    return np.dot(W, A) + b, (A, W, b)\n")),
                tamper="linear_forward", sandbox_only=True),
        Attempt("forged-answer", "writes its own answer on the grader's channel",
                as_bytes(with_function("linear_forward", FORGED_ANSWER)), tamper="linear_forward"),
        Attempt("huge-answer", "returns 300000 values", as_bytes(with_function("linear_forward", HUGE_ANSWER)),
                tamper="linear_forward"),
        Attempt("nested-json", "JSON nested 100000 deep", b"[" * 100_000 + b"]" * 100_000),
        Attempt("huge-expression", "a 400 kB expression in a cell",
                as_bytes(_with_cell_after("linear_forward", "x = " + "+".join(["1"] * 200_000) + "\n"))),
        Attempt("deep-expression", "an expression nested 50000 deep",
                as_bytes(_with_cell_after("linear_forward", "x = " + "-" * 50_000 + "1\n"))),
        Attempt("odd-exit-status", "compute_cost exits with status 200",
                as_bytes(with_function("compute_cost", "import os\n\ndef compute_cost(AL, Y):\n    os._exit(200)\n"))),
    ]
    for name, code in CORRECT_STYLES.items():
        found.append(Attempt(f"style-{name}", f"{name} written another correct way",
                             as_bytes(with_function(name, code.lstrip("\n")))))
    for trick_id, trick in TRICKS.items():
        found.append(Attempt(f"{trick_id}-top-level", f"{trick_id} at the top of the cell, wrong function",
                             as_bytes(with_function("linear_forward", trick + "\n" + WRONG_LINEAR_FORWARD)),
                             tamper="linear_forward"))
        found.append(Attempt(f"{trick_id}-in-function", f"{trick_id} inside the wrong function",
                             as_bytes(with_function("linear_forward", _inside(trick))), tamper="linear_forward"))
    for label, path in (("hidden-tests", REPOSITORY / "autograder" / "hidden_tests.py"),
                        ("source-notebook", REPOSITORY / "source" / ASSIGNMENT /
                         "Building_your_Deep_Neural_Network_Step_by_Step.ipynb"),
                        ("answer-key-helpers", REPOSITORY / "utils" / "dnn_app_utils.py")):
        found.append(Attempt(f"read-{label}", f"reads {path.relative_to(REPOSITORY)}", as_bytes(_reads(path)),
                             tamper="linear_forward", sandbox_only=True))
    return found
