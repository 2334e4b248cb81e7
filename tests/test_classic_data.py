"""With the classic course files in datasets/, the reference training reproduces the classic
numbers (costs every 100 iterations to 1e-9, accuracies exactly).

The classic files are not openly licensed and never committed, so this runs only on a
machine where an instructor has added them (it says so when it is skipped).
"""

import contextlib
import io
import re

import numpy as np
import pytest

from autograder.reference_models import L_layer_model, flatten_images, two_layer_model
from coursekit import catvnoncat_data as data
from coursekit.dnn_app_utils import predict

pytestmark = [pytest.mark.data, pytest.mark.slow]

FOLDERS = [f for f in data.candidate_dirs() if all((f / n).is_file() for n in data.FILES["classic"])]
if not FOLDERS:
    pytest.skip("classic train_catvnoncat.h5 / test_catvnoncat.h5 are not in datasets/ (not openly licensed, "
                "never shipped): the classic-number checks cannot run here", allow_module_level=True)

TWO_LAYER = [0.693049735659989, 0.6464320953428849, 0.6325140647912677, 0.6015024920354665, 0.5601966311605747,
             0.5158304772764729, 0.4754901313943325, 0.43391631512257495, 0.4007977536203886, 0.3580705011323798,
             0.3394281538366413, 0.30527536361962654, 0.2749137728213015, 0.2468176821061484, 0.19850735037466102,
             0.17448318112556638, 0.1708076297809692, 0.11306524562164715, 0.09629426845937156, 0.0834261795972687,
             0.07439078704319085, 0.06630748132267933, 0.05919329501038172, 0.053361403485605606,
             0.04855478562877019]
FOUR_LAYER = [0.7717493284237686, 0.6720534400822914, 0.6482632048575212, 0.6115068816101356, 0.5670473268366111,
              0.5401376634547801, 0.5279299569455267, 0.4654773771766851, 0.369125852495928, 0.39174697434805344,
              0.31518698886006163, 0.2726998441789385, 0.23741853400268137, 0.19960120532208644, 0.18926300388463307,
              0.16118854665827753, 0.14821389662363316, 0.13777487812972944, 0.1297401754919012, 0.12122535068005211,
              0.11382060668633713, 0.10783928526254133, 0.10285466069352679, 0.10089745445261786, 0.09287821526472398]


@pytest.fixture(scope="module")
def classic():
    train_x, train_y, test_x, test_y, _ = data.load_data(data_dir=FOLDERS[0], source="classic")
    return flatten_images(train_x), train_y, flatten_images(test_x), test_y


@pytest.mark.parametrize("model, dims, costs, last, train_acc, test_acc", [
    (two_layer_model, (12288, 7, 1), TWO_LAYER, 0.04421498215868956, 0.9999999999999998, 0.72),
    (L_layer_model, [12288, 20, 7, 5, 1], FOUR_LAYER, 0.08843994344170202, 0.9856459330143539, 0.8),
])
def test_classic_numbers(classic, model, dims, costs, last, train_acc, test_acc):
    X, Y, X_test, Y_test = classic
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        parameters, recorded = model(X, Y, dims, learning_rate=0.0075, num_iterations=2500, print_cost=True)
        _, train = predict(X, Y, parameters)
        _, test = predict(X_test, Y_test, parameters)
    np.testing.assert_allclose([float(c) for c in recorded], costs, rtol=0, atol=1e-9)
    final = float(re.findall(r"Cost after iteration 2499: (\S+)", printed.getvalue())[0])
    assert abs(final - last) < 1e-9
    assert abs(train - train_acc) < 1e-9 and abs(test - test_acc) < 1e-9
