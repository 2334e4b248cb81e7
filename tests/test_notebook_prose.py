"""Every number the notebooks' prose states agrees with what the solved notebooks print.

Why: the prose tells students what they will see (expected outputs, costs, accuracies, how many
images are mislabeled, which model generalises better). When the data set or the code changes,
a stale sentence would quietly mislead them. This test reads the source notebooks' prose and the
executed solved notebooks in ``notebooks/`` (same cells, same order) and compares the numbers
as numbers, never as strings:

* each ``Expected output`` block, line by line, with the output of the code cell above it
  (lines holding ``...`` stand for lines left out);
* each inline expected output (a code span such as `` `Accuracy: 0.78` `` right after
  ``Expected output``) with that cell's output;
* the claims listed in :data:`CLAIMS`: a sentence of the prose, the numbers in it, and the
  measurement of the open set (from the executed notebook) or of the classic files (the
  published values of the classic course, ``CLASSIC``) that each number states.
"""

import re

import nbformat
import numpy as np
import pytest

from autograder.sample_class import NOTEBOOKS, ROOT

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?")  # not the digits of names such as W1 or h5
FENCE = re.compile(r"\*\*Expected output\*\*[^\n]*\n+```\n(.*?)```", re.S)
INLINE = re.compile(r"\*\*Expected output\*\*: `([^`]*)`")


def cells(assignment):
    """(source cell, solved cell) pairs of one assignment, in notebook order."""
    source = nbformat.read(ROOT / "source" / assignment / NOTEBOOKS[assignment], as_version=4)
    solved = nbformat.read(ROOT / "notebooks" / assignment / NOTEBOOKS[assignment], as_version=4)
    assert len(source.cells) == len(solved.cells), "notebooks/ is out of date: run python tools/make_release.py"
    return list(zip(source.cells, solved.cells, strict=True))


def printed(cell):
    """Everything a code cell printed (streams and plain-text results)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "text/plain" in output.get("data", {}):
            parts.append(output.data["text/plain"] + "\n")
    return "".join(parts)


def numbers(text):
    return [float(n) for n in NUMBER.findall(text)]


def shape(line):
    """A line with its numbers taken out: what must match before the numbers are compared."""
    return NUMBER.sub("#", " ".join(line.split()))


def expected_blocks(assignment):
    """(markdown cell index, expected text, output of the code cell above) for every expected output."""
    pairs = cells(assignment)
    found = []
    for index, (source, _) in enumerate(pairs):
        if source.cell_type != "markdown":
            continue
        blocks = FENCE.findall(source.source) + INLINE.findall(source.source)
        if not blocks:
            continue
        above = next(solved for _, solved in reversed(pairs[:index]) if solved.cell_type == "code")
        found.extend((index, block, printed(above)) for block in blocks)
    return found


def same_numbers(a, b):
    a, b = numbers(a), numbers(b)
    return len(a) == len(b) and np.allclose(a, b, rtol=1e-7, atol=1e-12)


def compare_lines(expected, actual, where):
    """Each line of ``expected`` must be, with the same numbers, the next printed line of its kind;
    after a ``...`` line, a later one (the printed lines in between are the ones left out)."""
    lines = [line for line in actual.splitlines() if line.strip()]
    position, skipping = 0, False
    for line in expected.splitlines():
        if not line.strip():
            continue
        if line.strip() == "...":
            skipping = True
            continue
        while position < len(lines) and (shape(lines[position]) != shape(line)
                                         or (skipping and not same_numbers(lines[position], line))):
            position += 1
        assert position < len(lines), f"{where}: no output line like {line!r} (in order) in:\n{actual}"
        np.testing.assert_allclose(numbers(lines[position]), numbers(line), rtol=1e-7, atol=1e-12,
                                   err_msg=f"{where}: {line!r} vs printed {lines[position]!r}")
        position, skipping = position + 1, False


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_expected_outputs_are_what_the_solved_notebook_prints(assignment):
    blocks = expected_blocks(assignment)
    assert blocks, "no expected output found: has the prose's format changed?"
    for index, expected, actual in blocks:
        compare_lines(expected, actual, f"{NOTEBOOKS[assignment]}, cell {index + 1}")


# The classic course's numbers that the prose quotes: the published outputs of the classic
# notebooks (tests/test_classic_data.py reproduces them when the classic files are present), and,
# marked "measured", what tools/check_open_dataset.py and the notebook's own-image cell give on
# the classic files (they are not openly licensed, so these cannot be re-measured in CI).
CLASSIC_TWO_LAYER_COSTS = [
    0.693049735659989, 0.6464320953428849, 0.6325140647912677, 0.6015024920354665, 0.5601966311605747,
    0.5158304772764729, 0.4754901313943325, 0.43391631512257495, 0.4007977536203886, 0.3580705011323798,
    0.3394281538366413, 0.30527536361962654, 0.2749137728213015, 0.2468176821061484, 0.19850735037466102,
    0.17448318112556638, 0.1708076297809692, 0.11306524562164715, 0.09629426845937156, 0.0834261795972687,
    0.07439078704319085, 0.06630748132267933, 0.05919329501038172, 0.053361403485605606, 0.04855478562877019]
CLASSIC_FOUR_LAYER_COSTS = [
    0.7717493284237686, 0.6720534400822914, 0.6482632048575212, 0.6115068816101356, 0.5670473268366111,
    0.5401376634547801, 0.5279299569455267, 0.4654773771766851, 0.369125852495928, 0.39174697434805344,
    0.31518698886006163, 0.2726998441789385, 0.23741853400268137, 0.19960120532208644, 0.18926300388463307,
    0.16118854665827753, 0.14821389662363316, 0.13777487812972944, 0.1297401754919012, 0.12122535068005211,
    0.11382060668633713, 0.10783928526254133, 0.10285466069352679, 0.10089745445261786, 0.09287821526472398]
CLASSIC = {
    "two_last": 0.04421498215868956, "four_last": 0.08843994344170202,
    "two_train": 0.9999999999999998, "two_test": 0.72, "four_train": 0.9856459330143539, "four_test": 0.8,
    "logistic_test": 0.70, "mislabeled": 10,
    "four_test_at_1500": 0.82, "four_test_at_1600": 0.82,  # measured
    "own_image_probability": 0.482,  # measured: the 4-layer model trained on the classic files
}
CLASSIC_NUMBERS = CLASSIC_TWO_LAYER_COSTS + CLASSIC_FOUR_LAYER_COSTS + [
    v for v in CLASSIC.values() if isinstance(v, float)] + [0.6930497356599888]  # a last-digit variant (BLAS)

APPLICATION = "dnn_application"


@pytest.fixture(scope="module")
def measured():
    """What the executed application notebook printed, and the open set's checkpoint accuracies."""
    from coursetools import check_open_dataset as check

    pairs = cells(APPLICATION)
    by_code = {solved.source.split("\n")[0]: printed(solved) for _, solved in pairs if solved.cell_type == "code"}

    def output(first_line):
        matches = [text for line, text in by_code.items() if line.startswith(first_line)]
        assert len(matches) == 1, first_line
        return matches[0]

    def costs(first_line):
        found = re.findall(r"Cost after iteration (\d+): (\S+)", output(first_line))
        return {int(i): float(c) for i, c in found}

    def accuracy(first_line):
        return float(re.search(r"Accuracy: (\S+)", output(first_line)).group(1))

    committed = check.measure_source("committed")
    return {
        "two_costs": costs("parameters, costs = two_layer_model(train_x, train_y, layers_dims=(n_x, n_h, n_y), "
                           "num_iterations=num_training_iterations"),
        "four_costs": costs("parameters, costs = L_layer_model(train_x, train_y, layers_dims, "
                            "num_iterations=num_training_iterations"),
        "two_test": accuracy("predictions_test, test_accuracy"),
        "four_test": accuracy("pred_test, test_accuracy"),
        "mislabeled": int(output("mislabeled_indices").split()[0]),
        "own_image_probability": float(re.search(r"a cat: (\S+)", output("## START CODE HERE ##")).group(1)),
        "logistic_test": committed["logistic_regression"][1],
        "two_checkpoints": {i: test for i, _, _, test in committed["two_layer"].checkpoints},
    }


def rises(costs):
    """Iterations at which a printed cost (every 100 iterations) is higher than the one before."""
    steps = sorted(i for i in costs if i % 100 == 0)
    return [b for a, b in zip(steps, steps[1:], strict=False) if costs[b] > costs[a]]


def prose(grade_id):
    for source, _ in cells(APPLICATION):
        if source.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return source.source
    raise KeyError(grade_id)


def stated(grade_id, pattern):
    """The numbers of the one sentence part of ``grade_id``'s prose that matches ``pattern``."""
    found = re.findall(pattern, prose(grade_id))
    assert len(found) == 1, f"{grade_id}: expected one match of {pattern!r}, found {found}: update CLAIMS"
    return [float(n) for n in (found[0] if isinstance(found[0], tuple) else (found[0],))]


def percent(value):
    return round(100 * value)


def same_percent(accuracies, iterations):
    """The percentage of ``accuracies`` at each of ``iterations`` if it is the same at all of them, else None."""
    found = {percent(accuracies[i]) for i in iterations}
    return found.pop() if len(found) == 1 else None


# (cell, pattern whose groups are the stated numbers, function of the measurements giving them)
CLAIMS = [
    ("two_layer_predict_test_expected",
     r"reaches (\d+)% on the test images of the open data set \((\d+)% on the classic",
     lambda m: [percent(m["logistic_test"]), percent(CLASSIC["logistic_test"])]),
    ("two_layer_predict_test_expected", r"classifies (\d+)% of the test images correctly at iterations (\d+) to (\d+), "
     r"against (\d+)% after",
     lambda m: [same_percent(m["two_checkpoints"], range(2100, 2401, 100)), 2100, 2400, percent(m["two_test"])]),
    ("two_layer_predict_test_expected", r"reaches (\d+)% at iterations (1500) and (1600) and ends at (\d+)%",
     lambda m: [percent(CLASSIC["four_test_at_1500"]), 1500, 1600, percent(CLASSIC["four_test"])]),
    ("L_layer_train_md", r"On the classic files it rises once, at iteration (\d+)",
     lambda m: rises({100 * i: c for i, c in enumerate(CLASSIC_FOUR_LAYER_COSTS)})),
    ("L_layer_predict_test_expected", r"does better \((\d+)%\) than the 2-layer network \((\d+)%\)",
     lambda m: [percent(m["four_test"]), percent(m["two_test"])]),
    ("L_layer_predict_test_expected", r"On the classic files: (\d+)% against (\d+)%",
     lambda m: [percent(CLASSIC["four_test"]), percent(CLASSIC["two_test"])]),
    ("analysis_md", r"there are (\d+) of the (50) \((\d+) on the classic files\)",
     lambda m: [m["mislabeled"], 50, CLASSIC["mislabeled"]]),
    ("own_image_md", r"open data set calls it a cat, with a probability of ([\d.]+)",
     lambda m: [round(m["own_image_probability"], 3)]),
    ("own_image_md", r"its probability of a cat is ([\d.]+)", lambda m: [CLASSIC["own_image_probability"]]),
]


@pytest.mark.parametrize("grade_id, pattern, truth", CLAIMS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CLAIMS)])
def test_stated_number_is_measured(measured, grade_id, pattern, truth):
    np.testing.assert_allclose(stated(grade_id, pattern), truth(measured), rtol=1e-9, err_msg=grade_id)


def test_stated_cost_trends_are_true(measured):
    """"goes down on every line (but one)" and "rises once" for each model and each set."""
    assert "On the open data set it goes down on every line." in prose("two_layer_train_md")
    assert rises(measured["two_costs"]) == []
    assert "On the classic files it also goes down on every line" in prose("two_layer_train_md")
    assert rises({100 * i: c for i, c in enumerate(CLASSIC_TWO_LAYER_COSTS)}) == []
    assert "on the open data set it goes down on every line" in prose("L_layer_train_md")
    assert rises(measured["four_costs"]) == []
    assert rises({100 * i: c for i, c in enumerate(CLASSIC_FOUR_LAYER_COSTS)}) == [900]
    assert measured["four_test"] > measured["two_test"] > measured["logistic_test"], "the lesson's order"


def test_classic_numbers_in_code_spans_are_the_classic_ones():
    """Every number in a code span after the word "classic" in a sentence is a classic value."""
    for assignment in NOTEBOOKS:
        for source, _ in cells(assignment):
            if source.cell_type != "markdown":
                continue
            text = re.sub(r"```.*?```", "", source.source, flags=re.S)  # expected-output blocks: the open set's
            for sentence in re.split(r"\n\s*\n|(?<=[.;])\s+(?=[A-Z(])", text):
                if "classic" not in sentence:
                    continue
                for span in re.findall(r"`([^`]*)`", sentence[sentence.index("classic"):]):
                    for value in numbers(span):
                        assert any(np.isclose(value, known, rtol=1e-12, atol=0) for known in CLASSIC_NUMBERS), \
                            f"{assignment}: {value} in {sentence!r} is not a classic value"
