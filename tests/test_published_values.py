"""Every value the classic course published for its newest release ("v4a" / 2021+) is
reproduced by the fixtures of ``testCases.py`` and the reference implementation.

Published numbers are copied as printed (8 decimals unless stated), so they are
compared with an absolute tolerance of 5e-9 plus float noise.
"""

import contextlib
import io
import re

import numpy as np
import pytest

from autograder import reference_models as models
from coursekit import dnn_app_utils as ref
from coursekit import testCases as tc

PRINTED = 5.01e-9  # half a unit in the 8th decimal


def published(text):
    """Numbers of a printed numpy array, in reading order."""
    return np.array([float(x) for x in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text)])


def assert_published(actual, text, shape, tol=PRINTED):
    actual = np.asarray(actual)
    assert actual.shape == shape
    np.testing.assert_allclose(actual.ravel(), published(text), rtol=0, atol=tol)


def init_deep(dims):
    return models.step_by_step_initialize_parameters_deep(dims)


def forward_2hidden():
    return ref.L_model_forward(*tc.L_model_forward_test_case_2hidden())


def backward_2layer():
    return ref.L_model_backward(*tc.L_model_backward_test_case())


def lin_act_back(activation):
    dA, cache = tc.linear_activation_backward_test_case()
    return ref.linear_activation_backward(dA, cache, activation)


def updated():
    params, grads = tc.update_parameters_test_case()
    return ref.update_parameters(params, grads, 0.1)


PUBLISHED = [
    ("init W1 (3,2,1)", lambda: ref.initialize_parameters(3, 2, 1)["W1"], (2, 3),
     "[[ 0.01624345 -0.00611756 -0.00528172] [-0.01072969 0.00865408 -0.02301539]]"),
    ("init W2 (3,2,1)", lambda: ref.initialize_parameters(3, 2, 1)["W2"], (1, 2), "[[ 0.01744812 -0.00761207]]"),
    ("init b1 (3,2,1)", lambda: ref.initialize_parameters(3, 2, 1)["b1"], (2, 1), "[[0.] [0.]]"),
    ("init b2 (3,2,1)", lambda: ref.initialize_parameters(3, 2, 1)["b2"], (1, 1), "[[0.]]"),
    ("init W1 (4,3,2)", lambda: ref.initialize_parameters(4, 3, 2)["W1"], (3, 4),
     "[[ 0.01624345 -0.00611756 -0.00528172 -0.01072969] [ 0.00865408 -0.02301539 0.01744812 -0.00761207] "
     "[ 0.00319039 -0.0024937 0.01462108 -0.02060141]]"),
    ("init W2 (4,3,2)", lambda: ref.initialize_parameters(4, 3, 2)["W2"], (2, 3),
     "[[-0.00322417 -0.00384054 0.01133769] [-0.01099891 -0.00172428 -0.00877858]]"),
    ("init b1 (4,3,2)", lambda: ref.initialize_parameters(4, 3, 2)["b1"], (3, 1), "[[0.] [0.] [0.]]"),
    ("init b2 (4,3,2)", lambda: ref.initialize_parameters(4, 3, 2)["b2"], (2, 1), "[[0.] [0.]]"),
    ("deep W1 [5,4,3]", lambda: init_deep([5, 4, 3])["W1"], (4, 5),
     "[[ 0.01788628 0.0043651 0.00096497 -0.01863493 -0.00277388] [-0.00354759 -0.00082741 -0.00627001 "
     "-0.00043818 -0.00477218] [-0.01313865 0.00884622 0.00881318 0.01709573 0.00050034] [-0.00404677 "
     "-0.0054536 -0.01546477 0.00982367 -0.01101068]]"),
    ("deep W2 [5,4,3]", lambda: init_deep([5, 4, 3])["W2"], (3, 4),
     "[[-0.01185047 -0.0020565 0.01486148 0.00236716] [-0.01023785 -0.00712993 0.00625245 -0.00160513] "
     "[-0.00768836 -0.00230031 0.00745056 0.01976111]]"),
    ("deep b1 [5,4,3]", lambda: init_deep([5, 4, 3])["b1"], (4, 1), "[[0.] [0.] [0.] [0.]]"),
    ("deep b2 [5,4,3]", lambda: init_deep([5, 4, 3])["b2"], (3, 1), "[[0.] [0.] [0.]]"),
    ("deep W1 [4,3,2]", lambda: init_deep([4, 3, 2])["W1"], (3, 4),
     "[[ 0.01788628 0.0043651 0.00096497 -0.01863493] [-0.00277388 -0.00354759 -0.00082741 -0.00627001] "
     "[-0.00043818 -0.00477218 -0.01313865 0.00884622]]"),
    ("deep W2 [4,3,2]", lambda: init_deep([4, 3, 2])["W2"], (2, 3),
     "[[ 0.00881318 0.01709573 0.00050034] [-0.00404677 -0.0054536 -0.01546477]]"),
    ("linear_forward Z", lambda: ref.linear_forward(*tc.linear_forward_test_case())[0], (1, 2),
     "[[ 3.26295337 -1.23429987]]"),
    ("linear_activation_forward sigmoid A",
     lambda: ref.linear_activation_forward(*tc.linear_activation_forward_test_case(), "sigmoid")[0], (1, 2),
     "[[ 0.96890023 0.11013289]]"),
    ("linear_activation_forward relu A",
     lambda: ref.linear_activation_forward(*tc.linear_activation_forward_test_case(), "relu")[0], (1, 2),
     "[[ 3.43896131 0. ]]"),
    ("linear_activation_forward cache Z",
     lambda: ref.linear_activation_forward(*tc.linear_activation_forward_test_case(), "relu")[1][1], (1, 2),
     "[[ 3.43896131 -2.08938436]]"),
    ("L_model_forward AL", lambda: forward_2hidden()[0], (1, 4), "[[ 0.03921668 0.70498921 0.19734387 0.04728177]]"),
    ("L_model_forward AL (full precision)", lambda: forward_2hidden()[0], (1, 4),
     "[0.0392166792225036, 0.7049892075012225, 0.19734387234713996, 0.04728177161977344]"),
    ("L_model_forward Z1", lambda: forward_2hidden()[1][0][1], (4, 4),
     "[[-5.23825714 3.18040136 0.4074501 -1.88612721] [-2.77358234 -0.56177316 3.18141623 -0.99209432] "
     "[ 4.18500916 -1.78006909 -0.14502619 2.72141638] [ 5.05850802 -1.25674082 -3.54566654 3.82321852]]"),
    ("L_model_forward Z2", lambda: forward_2hidden()[1][1][1], (3, 4),
     "[[ 2.2644603 1.09971298 -2.90298027 1.54036335] [ 6.33722569 -2.38116246 -4.11228806 4.48582383] "
     "[10.37508342 -0.66591468 1.63635185 8.17870169]]"),
    ("L_model_forward Z3", lambda: forward_2hidden()[1][2][1], (1, 4),
     "[[-3.19864676 0.87117055 -1.40297864 -3.00319435]]"),
    ("L_model_forward number of caches", lambda: len(forward_2hidden()[1]), (), "3"),
    ("compute_cost", lambda: ref.compute_cost(*tc.compute_cost_test_case()[::-1]), (), "0.2797765635793422"),
    ("linear_backward dA_prev", lambda: ref.linear_backward(*tc.linear_backward_test_case())[0], (5, 4),
     "[[-1.15171336 0.06718465 -0.3204696 2.09812712] [ 0.60345879 -3.72508701 5.81700741 -3.84326836] "
     "[-0.4319552 -1.30987417 1.72354705 0.05070578] [-0.38981415 0.60811244 -1.25938424 1.47191593] "
     "[-2.52214926 2.67882552 -0.67947465 1.48119548]]"),
    ("linear_backward dW", lambda: ref.linear_backward(*tc.linear_backward_test_case())[1], (3, 5),
     "[[ 0.07313866 -0.0976715 -0.87585828 0.73763362 0.00785716] [ 0.85508818 0.37530413 -0.59912655 "
     "0.71278189 -0.58931808] [ 0.97913304 -0.24376494 -0.08839671 0.55151192 -0.10290907]]"),
    ("linear_backward db", lambda: ref.linear_backward(*tc.linear_backward_test_case())[2], (3, 1),
     "[[-0.14713786] [-0.11313155] [-0.13209101]]"),
    ("linear_activation_backward sigmoid dA_prev", lambda: lin_act_back("sigmoid")[0], (3, 2),
     "[[ 0.11017994 0.01105339] [ 0.09466817 0.00949723] [-0.05743092 -0.00576154]]"),
    ("linear_activation_backward sigmoid dW", lambda: lin_act_back("sigmoid")[1], (1, 3),
     "[[ 0.10266786 0.09778551 -0.01968084]]"),
    ("linear_activation_backward sigmoid db", lambda: lin_act_back("sigmoid")[2], (1, 1), "[[-0.05729622]]"),
    ("linear_activation_backward relu dA_prev", lambda: lin_act_back("relu")[0], (3, 2),
     "[[ 0.44090989 0. ] [ 0.37883606 0. ] [-0.2298228 0. ]]"),
    ("linear_activation_backward relu dW", lambda: lin_act_back("relu")[1], (1, 3),
     "[[ 0.44513824 0.37371418 -0.10478989]]"),
    ("linear_activation_backward relu db", lambda: lin_act_back("relu")[2], (1, 1), "[[-0.20837892]]"),
    ("L_model_backward dW1", lambda: backward_2layer()["dW1"], (3, 4),
     "[[ 0.41010002 0.07807203 0.13798444 0.10502167] [ 0. 0. 0. 0. ] [ 0.05283652 0.01005865 0.01777766 0.0135308 ]]"),
    ("L_model_backward db1", lambda: backward_2layer()["db1"], (3, 1), "[[-0.22007063] [ 0. ] [-0.02835349]]"),
    ("L_model_backward dA1", lambda: backward_2layer()["dA1"], (3, 2),
     "[[ 0.12913162 -0.44014127] [-0.14175655 0.48317296] [ 0.01663708 -0.05670698]]"),
    ("L_model_backward dA0", lambda: backward_2layer()["dA0"], (4, 2),
     "[[ 0. 0.52257901] [ 0. -0.3269206 ] [ 0. -0.32070404] [ 0. -0.74079187]]"),
    ("L_model_backward dW2", lambda: backward_2layer()["dW2"], (1, 3), "[[-0.39202432 -0.13325855 -0.04601089]]"),
    ("L_model_backward dW2 (full precision)", lambda: backward_2layer()["dW2"], (1, 3),
     "[-0.392024321654423, -0.1332585501664456, -0.04601088924542733]"),
    ("L_model_backward db2", lambda: backward_2layer()["db2"], (1, 1), "[[0.15187861]]"),
    ("L_model_backward db2 (full precision)", lambda: backward_2layer()["db2"], (1, 1), "0.15187860780843926"),
    ("L_model_backward keys", lambda: float(sorted(backward_2layer()) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]),
     (), "1"),
    ("update W1", lambda: updated()["W1"], (3, 4),
     "[[-0.59562069 -0.09991781 -2.14584584 1.82662008] [-1.76569676 -0.80627147 0.51115557 -1.18258802] "
     "[-1.0535704 -0.86128581 0.68284052 2.20374577]]"),
    ("update b1", lambda: updated()["b1"], (3, 1), "[[-0.04659241] [-1.28888275] [ 0.53405496]]"),
    ("update W2", lambda: updated()["W2"], (1, 3), "[[-0.55569196 0.0354055 1.32964895]]"),
    ("update b2", lambda: updated()["b2"], (1, 1), "[[-0.84610769]]"),
]


@pytest.mark.parametrize("name, compute, shape, text", PUBLISHED, ids=[row[0] for row in PUBLISHED])
def test_assignment_1_published_value(name, compute, shape, text):
    assert_published(compute(), text, shape)


def test_fixtures_return_fresh_arrays():
    first, second = tc.linear_forward_test_case(), tc.linear_forward_test_case()
    first[0][...] = 0
    assert not np.shares_memory(first[0], second[0]) and np.any(second[0])
    params, _ = tc.update_parameters_test_case()
    params["W1"] -= 1
    np.testing.assert_allclose(tc.update_parameters_test_case()[0]["W1"][0, 0], -0.41675785, atol=PRINTED)


def run_model(model, fixture, learning_rate, iterations):
    X, Y, dims = fixture()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parameters, costs = model(X, Y, dims, learning_rate=learning_rate, num_iterations=iterations, print_cost=True)
    last = float(re.findall(r"Cost after iteration \d+: (\S+)", out.getvalue())[-1])
    return parameters, costs, last


@pytest.mark.parametrize("learning_rate, iterations, expected", [
    (0.0075, 2, {"W2": "[[-0.00200283 -0.00888593 -0.00751122 0.01688162]]", "b2": "[[-0.00689018]]",
                 "b1": "[[1.10437111e-05] [1.78437869e-05] [3.74879549e-05] [-4.42988824e-05]]",
                 "cost0": "0.69315968", "last": "0.6915746967050506"}),
    (0.1, 3, {"W2": "[[-0.00358725 -0.00911995 -0.00831979 0.01615845]]", "b2": "[[-0.13451354]]",
              "b1": "[[0.00027478] [0.00034477] [0.00076016] [-0.00084497]]",
              "cost0": "0.69315968", "last": "0.6524135179683452"}),
])
def test_two_layer_model_published_values(learning_rate, iterations, expected):
    parameters, costs, last = run_model(models.two_layer_model, tc.two_layer_model_test_case, learning_rate, iterations)
    for key in ("W2", "b2", "b1"):
        assert_published(parameters[key], expected[key], parameters[key].shape)
    assert len(costs) == 1 and isinstance(costs[0], (np.ndarray, np.generic)) and np.ndim(costs[0]) == 0
    assert_published(costs[0], expected["cost0"], ())
    np.testing.assert_allclose(last, float(expected["last"]), rtol=1e-12)


@pytest.mark.parametrize("learning_rate, iterations, expected", [
    (0.0075, 2, {"W3": "[[-0.09079199 -0.08117381 0.07667568 0.16665535 0.08029575 0.04805811]]",
                 "b3": "[[0.0013201]]", "cost0": "0.70723944", "last": "0.7070709008912569"}),
    (0.02, 3, {"W3": "[[-0.09087434 -0.07882982 0.07821609 0.16442826 0.0783229 0.04648216]]",
               "b3": "[[0.00525865]]", "cost0": "0.70723944", "last": "0.7063462654190897"}),
])
def test_L_layer_model_published_values(learning_rate, iterations, expected):
    parameters, costs, last = run_model(models.L_layer_model, tc.L_layer_model_test_case, learning_rate, iterations)
    for key in ("W3", "b3"):
        assert_published(parameters[key], expected[key], parameters[key].shape)
    assert len(costs) == 1 and costs[0].shape == ()
    assert_published(costs[0], expected["cost0"], ())
    np.testing.assert_allclose(last, float(expected["last"]), rtol=1e-12)
