"""Public tests: one ``<function>_test(target)`` per graded function of both assignments.

Each test calls ``target`` on the fixtures of ``testCases.py`` (and a few more
cases), and checks every returned item: its type, its shape and its values
(relative tolerance 1e-6), including caches and every key of ``grads`` and
``parameters`` (missing and extra keys both fail). It also checks that the
function leaves its inputs untouched.

A passing test prints one line. A failing test raises ``AssertionError`` whose
message names the variable, what was expected, what was returned and the most
likely cause.
"""

import ast
import contextlib
import copy
import io
import os
import traceback

import numpy as np

if __package__:  # the installed course package (grader, tools, tests)
    from . import public_expected as expected
    from . import testCases as tc
else:  # by flat name, from a student's assignment folder
    import public_expected as expected
    import testCases as tc

_UTILS_DIR = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIR = os.path.dirname(np.__file__)
_EXCEPTION_CAUSES = {
    "ValueError": ". Likely cause: array shapes that do not fit together; print the shapes of the operands",
    "IndexError": ". Likely cause: arrays of the wrong layer were combined; check which cache or index you use",
    "KeyError": ". Likely cause: a key that does not exist; check the layer numbers and the key names",
    "NameError": ". Likely cause: a variable used before it is defined, or a typo in its name",
    "TypeError": ". Likely cause: a wrong number or type of arguments, or a None placeholder left in place",
}

RTOL = 1e-6
ATOL = 1e-9
MAX_MESSAGES = 6


# ----------------------------------------------------------------------------------------------
# Describing and comparing values
# ----------------------------------------------------------------------------------------------

def _show(value):
    """Short printable form of a value for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8, suppress_small=False, threshold=20, edgeitems=2)
        return text.replace("\n", "")
    return repr(value)


def _describe(value):
    """Type, shape and dtype of a value, e.g. ``ndarray (3, 1) float64``."""
    if isinstance(value, np.ndarray):
        return f"ndarray {value.shape} {value.dtype}"
    return type(value).__name__


def _shape_cause(actual_shape, expected_shape):
    """Most likely reason why an array has the wrong shape."""
    if len(expected_shape) == 2 and actual_shape == expected_shape[::-1]:
        return "the array is transposed: check the order of the factors in np.dot and where you use .T"
    if expected_shape == () and int(np.prod(actual_shape)) == 1:
        return "the cost must be a number of shape (): use np.squeeze(cost)"
    if len(expected_shape) == 2 and expected_shape[1] == 1 and actual_shape == expected_shape[:1]:
        return "np.sum dropped the summed axis: use np.sum(..., axis=1, keepdims=True) to keep a column vector"
    if len(expected_shape) == 2 and expected_shape[1] == 1 and actual_shape == (expected_shape[0], expected_shape[0]):
        return ("a 1-D vector was added to a column vector and broadcast to a square matrix: "
                "keep biases and their gradients as (n, 1) columns (keepdims=True)")
    return "check the shapes of the arrays you combine (print them) and the layer sizes you use"


def _value_cause(actual, wanted):
    """Most likely reason why an array of the right shape has the wrong values."""
    if np.isnan(actual).any():
        return "it contains NaN: a log of 0, a division by 0, or an uninitialised value"
    if not np.any(actual) and np.any(wanted):
        return "it is all zeros: is the computation missing or overwritten?"
    if np.allclose(actual, -wanted, rtol=RTOL, atol=ATOL):
        return "its sign is flipped"
    nonzero = np.abs(wanted) > 1e-12
    if nonzero.any():
        ratios = actual[nonzero] / wanted[nonzero]
        factor = ratios.flat[0]
        # One number always has "a ratio": only a whole factor (or its inverse) says something then.
        telling = ratios.size > 1 or any(np.isclose(k, round(k)) and round(k) >= 2 for k in (factor, 1 / factor))
        if telling and np.allclose(ratios, factor, rtol=1e-6) and not np.isclose(factor, 1.0):
            return (f"it is {factor:.6g} times the expected value: a factor is missing or extra "
                    "(for example 1/m, 0.01 or the learning rate)")
    return None


def compare(actual, wanted, name, failures, hint=None):
    """Append to ``failures`` a message for every way ``actual`` differs from ``wanted``.

    Parameters
    ----------
    actual : the value returned by the student's function (or part of it)
    wanted : the expected value: ndarray, number, dict, tuple or list
    name : str, how to call this value in a message, e.g. ``grads['dW1']``
    failures : list of str, appended to
    hint : str, optional, the likely cause when no specific one is found
    """
    def fail(message, cause=None):
        cause = cause or hint
        failures.append(f"{name}: {message}" + (f" Likely cause: {cause}." if cause else ""))

    if actual is None and wanted is not None:
        fail("is None.", "a None placeholder was not replaced, or a return statement is missing")
        return
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            fail(f"should be a dict, got {_describe(actual)}.")
            return
        missing = [key for key in wanted if key not in actual]
        extra = [key for key in actual if key not in wanted]
        if missing:
            fail(f"missing key(s) {missing}; expected exactly {sorted(wanted)}.")
        if extra:
            fail(f"unexpected key(s) {extra}; expected exactly {sorted(wanted)}.",
                 "check the names and the layer numbers of the keys you create")
        for key in wanted:
            if key in actual:
                compare(actual[key], wanted[key], f"{name}[{key!r}]", failures, hint)
        return
    if isinstance(wanted, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            fail(f"should be a {type(wanted).__name__} of {len(wanted)} items, got {_describe(actual)}.")
            return
        if len(actual) != len(wanted):
            fail(f"should have {len(wanted)} item{'s' if len(wanted) != 1 else ''}, got {len(actual)}.")
            return
        for index, (item, wanted_item) in enumerate(zip(actual, wanted)):
            compare(item, wanted_item, f"{name}[{index}]", failures, hint)
        return
    wanted = np.asarray(wanted)
    if wanted.ndim == 0:
        if np.ndim(actual) != 0:
            fail(f"should be a single number of shape (), got {_describe(actual)} {np.shape(actual)}.",
                 _shape_cause(np.shape(actual), ()))
            return
    elif not isinstance(actual, np.ndarray):
        fail(f"should be a numpy array of shape {wanted.shape}, got {_describe(actual)}.")
        return
    elif actual.shape != wanted.shape:
        fail(f"has shape {actual.shape} but should be {wanted.shape}.", _shape_cause(actual.shape, wanted.shape))
        return
    actual_array = np.asarray(actual)
    if actual_array.dtype.kind not in "fiub":
        fail(f"should hold real numbers, got dtype {actual_array.dtype}.")
        return
    actual_array = actual_array.astype(float)
    if not np.allclose(actual_array, wanted, rtol=RTOL, atol=ATOL):
        fail(f"wrong values. Expected {_show(wanted)}, got {_show(actual_array)}.", _value_cause(actual_array, wanted))


def _same(a, b):
    """True when two inputs are equal in structure, type and every value."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return a == b


# ----------------------------------------------------------------------------------------------
# Running the student's function
# ----------------------------------------------------------------------------------------------

class TestFailure(AssertionError):
    """A failed test; ``cases`` and ``failed_cases`` let a grader give partial credit."""

    def __init__(self, message, cases, failed_cases):
        super().__init__(message)
        self.cases = cases
        self.failed_cases = failed_cases


class _Checker:
    """Runs cases of one function and collects failures."""

    def __init__(self, target, function_name):
        if not callable(target):
            raise AssertionError(f"{function_name}_test expects the function {function_name}, got {_describe(target)}.")
        self.target = target
        self.name = function_name
        self.failures = []
        self.cases = 0
        self.failed_cases = set()

    def fail(self, case, message):
        self.failures.append(f"{case}: {message}")
        self.failed_cases.add(case)

    def call(self, case, args, arg_names, kwargs=None, quiet=False):
        """Call the target; return ``(ok, result, printed)``.

        Records a failure when the call raises or when it modifies one of its arguments.
        """
        self.cases += 1
        kwargs = kwargs or {}
        before = copy.deepcopy(args)
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed) if quiet else contextlib.nullcontext():
                result = self.target(*args, **kwargs)
        except NotImplementedError:
            self.failures.append(f"{self.name} is not implemented yet: replace the line "
                                 "`raise NotImplementedError()` with your code.")
            self.failed_cases.add(case)
            return False, None, printed.getvalue()
        except Exception as error:  # the student's code may raise anything
            self.fail(case, f"{self.name} raised {type(error).__name__}: {error}{self._where(error)}")
            return False, None, printed.getvalue()
        for arg_name, old, new in zip(arg_names, before, args):
            if not _same(old, new):
                self.fail(case, f"{self.name} modified its argument {arg_name} in place. Likely cause: an in-place "
                          "operation (-=, +=, [...] = ) on an input array; work on a copy (copy.deepcopy) or build "
                          "new arrays.")
        return True, result, printed.getvalue()

    def check(self, case, actual, wanted, name, hint=None):
        found = []
        compare(actual, wanted, name, found, hint)
        for message in found:
            self.fail(case, message)

    @staticmethod
    def _where(error):
        """Where the student's code failed, and why it probably did."""
        line = getattr(error, "student_line", None)  # set when the code ran in the grader's sandbox
        if line is None:
            frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                      if not frame.filename.startswith((_UTILS_DIR, _NUMPY_DIR))]
            line = frames[-1].line if frames else ""
        where = f" (at `{line}`)" if line else ""
        return where + _EXCEPTION_CAUSES.get(type(error).__name__, "")

    def finish(self):
        if self.failures:
            unique = list(dict.fromkeys(self.failures))
            shown = unique[:MAX_MESSAGES]
            more = len(unique) - len(shown)
            lines = [f"{self.name}: {len(unique)} problem(s) found."] + [f"  - {m}" for m in shown]
            if more:
                lines.append(f"  ... and {more} more.")
            raise TestFailure("\n".join(lines), self.cases, len(self.failed_cases))
        print(f"All tests passed for {self.name} ({self.cases} case{'s' if self.cases > 1 else ''}).")


def _check_tuple_length(checker, case, result, length, names):
    if not isinstance(result, tuple) or len(result) != length:
        checker.fail(
            case, f"{checker.name} should return a tuple ({', '.join(names)}), got {_describe(result)}"
            + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "") + ".")
        return False
    return True


# ----------------------------------------------------------------------------------------------
# Assignment 1
# ----------------------------------------------------------------------------------------------

INIT_HINT = ("use np.random.randn(n_this_layer, n_previous_layer) * 0.01 (the normal law: randn, not rand), "
             "np.zeros((n, 1)) for biases, and draw the weights in layer order after the given seed")


def initialize_parameters_test(target):
    checker = _Checker(target, "initialize_parameters")
    for dims, wanted in expected.INITIALIZE_PARAMETERS.items():
        case = f"initialize_parameters{dims}"
        ok, parameters, _ = checker.call(case, ast.literal_eval(dims), ["n_x", "n_h", "n_y"])
        if ok:
            checker.check(case, parameters, wanted, "parameters", INIT_HINT)
    checker.finish()


def initialize_parameters_deep_test(target):
    checker = _Checker(target, "initialize_parameters_deep")
    for dims, wanted in expected.INITIALIZE_PARAMETERS_DEEP.items():
        case = f"initialize_parameters_deep({dims})"
        ok, parameters, _ = checker.call(case, (ast.literal_eval(dims),), ["layer_dims"])
        if ok:
            checker.check(case, parameters, wanted, "parameters",
                          INIT_HINT + "; loop over l = 1 .. len(layer_dims) - 1")
    checker.finish()


def linear_forward_test(target):
    checker = _Checker(target, "linear_forward")
    case = "linear_forward(*linear_forward_test_case())"
    A, W, b = tc.linear_forward_test_case()
    ok, result, _ = checker.call(case, (A, W, b), ["A", "W", "b"])
    if ok and _check_tuple_length(checker, case, result, 2, ["Z", "cache"]):
        Z, cache = result
        checker.check(case, Z, expected.LINEAR_FORWARD_Z, "Z", "Z = np.dot(W, A) + b")
        checker.check(case, cache, (A, W, b), "cache", "the cache is the tuple (A, W, b) of the inputs")
    checker.finish()


def linear_activation_forward_test(target):
    checker = _Checker(target, "linear_activation_forward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_forward(..., activation='{activation}')"
        A_prev, W, b = tc.linear_activation_forward_test_case()
        ok, result, _ = checker.call(case, (A_prev, W, b), ["A_prev", "W", "b"], {"activation": activation})
        if ok and _check_tuple_length(checker, case, result, 2, ["A", "cache"]):
            A, cache = result
            checker.check(case, A, expected.LINEAR_ACTIVATION_FORWARD[activation], "A",
                          f"compute Z with linear_forward, then apply {activation}(Z) to it")
            checker.check(case, cache, ((A_prev, W, b), expected.LINEAR_ACTIVATION_FORWARD_Z), "cache",
                          "the cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z)")
    checker.finish()


def L_model_forward_test(target):
    checker = _Checker(target, "L_model_forward")
    for fixture in ("L_model_forward_test_case_2hidden", "L_model_forward_test_case"):
        case = f"L_model_forward(*{fixture}())"
        X, parameters = getattr(tc, fixture)()
        ok, result, _ = checker.call(case, (X, parameters), ["X", "parameters"])
        if not (ok and _check_tuple_length(checker, case, result, 2, ["AL", "caches"])):
            continue
        AL, caches = result
        wanted = expected.L_MODEL_FORWARD[fixture]
        checker.check(case, AL, wanted["AL"], "AL",
                      "layers 1 .. L-1 use relu and only layer L uses sigmoid; L = len(parameters) // 2")
        wanted_caches, A_prev = [], X
        L = len(wanted["Z"])
        for l, Z in enumerate(wanted["Z"], start=1):
            wanted_caches.append(((A_prev, parameters["W" + str(l)], parameters["b" + str(l)]), Z))
            A_prev = np.maximum(0, Z)
        checker.check(case, caches, wanted_caches, "caches",
                      f"append one cache per layer, in order, {L} in all; each is ((A_prev, W, b), Z)")
    checker.finish()


def compute_cost_test(target):
    checker = _Checker(target, "compute_cost")
    for label, wanted in expected.COMPUTE_COST.items():
        Y, AL = tc.compute_cost_test_case()
        if label == "all_ones":
            Y = np.ones_like(Y)
        case = f"compute_cost(AL={AL.tolist()}, Y={Y.tolist()})"
        ok, cost, _ = checker.call(case, (AL, Y), ["AL", "Y"])
        if ok:
            checker.check(case, cost, wanted, "cost",
                          "cost = -(1/m) * sum(Y * log(AL) + (1 - Y) * log(1 - AL)) with m = Y.shape[1]")
    checker.finish()


def linear_backward_test(target):
    checker = _Checker(target, "linear_backward")
    case = "linear_backward(*linear_backward_test_case())"
    dZ, cache = tc.linear_backward_test_case()
    ok, result, _ = checker.call(case, (dZ, cache), ["dZ", "cache"])
    if ok and _check_tuple_length(checker, case, result, 3, ["dA_prev", "dW", "db"]):
        hints = ("dA_prev = np.dot(W.T, dZ)", "dW = (1/m) * np.dot(dZ, A_prev.T) with m = A_prev.shape[1]",
                 "db = (1/m) * np.sum(dZ, axis=1, keepdims=True)")
        for name, actual, wanted, hint in zip(("dA_prev", "dW", "db"), result, expected.LINEAR_BACKWARD, hints):
            checker.check(case, actual, wanted, name, hint)
    checker.finish()


def linear_activation_backward_test(target):
    checker = _Checker(target, "linear_activation_backward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_backward(..., activation='{activation}')"
        dA, cache = tc.linear_activation_backward_test_case()
        ok, result, _ = checker.call(case, (dA, cache), ["dA", "cache"], {"activation": activation})
        if ok and _check_tuple_length(checker, case, result, 3, ["dA_prev", "dW", "db"]):
            hint = f"dZ = {activation}_backward(dA, activation_cache), then linear_backward(dZ, linear_cache)"
            for name, actual, wanted in zip(("dA_prev", "dW", "db"), result,
                                            expected.LINEAR_ACTIVATION_BACKWARD[activation]):
                checker.check(case, actual, wanted, name, hint)
    checker.finish()


def L_model_backward_test(target):
    checker = _Checker(target, "L_model_backward")
    for fixture in ("L_model_backward_test_case", "L_model_backward_test_case_3layers"):
        case = f"L_model_backward(*{fixture}())"
        AL, Y, caches = getattr(tc, fixture)()
        ok, grads, _ = checker.call(case, (AL, Y, caches), ["AL", "Y", "caches"])
        if ok:
            checker.check(case, grads, expected.L_MODEL_BACKWARD[fixture], "grads",
                          "start from dAL = -(Y/AL - (1-Y)/(1-AL)); layer L uses sigmoid and caches[L-1]; "
                          "then for l = L-2 .. 0 use relu, caches[l] and grads['dA' + str(l + 1)], and store "
                          "dA{l}, dW{l+1}, db{l+1}")
    checker.finish()


def update_parameters_test(target):
    checker = _Checker(target, "update_parameters")
    params, grads = tc.update_parameters_test_case()
    # The same dicts are used twice on purpose: an in-place update would spoil the second call.
    for learning_rate, wanted in expected.UPDATE_PARAMETERS.items():
        case = f"update_parameters(params, grads, {learning_rate})"
        ok, parameters, _ = checker.call(case, (params, grads, float(learning_rate)),
                                         ["params", "grads", "learning_rate"])
        if ok:
            checker.check(case, parameters, wanted, "parameters",
                          "W{l} = W{l} - learning_rate * dW{l} and b{l} = b{l} - learning_rate * db{l} "
                          "for l = 1 .. L, on a copy of params")
    checker.finish()


# ----------------------------------------------------------------------------------------------
# Assignment 2
# ----------------------------------------------------------------------------------------------

def _model_test(target, function_name, fixture, runs, hint):
    checker = _Checker(target, function_name)
    for run, wanted in runs.items():
        learning_rate, iterations = run.split("x")
        X, Y, dims = fixture()
        kwargs = {"learning_rate": float(learning_rate), "num_iterations": int(iterations), "print_cost": False}
        case = f"{function_name}(*{fixture.__name__}(), learning_rate={learning_rate}, num_iterations={iterations})"
        ok, result, printed = checker.call(case, (X, Y, dims), ["X", "Y", "layers_dims"], kwargs, quiet=True)
        if not (ok and _check_tuple_length(checker, case, result, 2, ["parameters", "costs"])):
            continue
        parameters, costs = result
        checker.check(case, parameters, wanted["parameters"], "parameters", hint)
        checker.check(case, costs, wanted["costs"], "costs", "record the cost every 100 iterations, from i = 0")
        if isinstance(costs, list) and any(not isinstance(c, np.ndarray) for c in costs):
            checker.fail(case, f"costs should hold the 0-d arrays returned by compute_cost, got "
                                    f"{[_describe(c) for c in costs]}. Likely cause: a float() or .item() on the cost.")
        if printed:
            checker.fail(case, f"printed {printed.splitlines()[0]!r} although print_cost=False. "
                                    "Likely cause: a print outside the `if print_cost` condition.")
    X, Y, dims = fixture()
    case = f"{function_name}(*{fixture.__name__}(), num_iterations=201, print_cost=True)"
    ok, result, printed = checker.call(case, (X, Y, dims), ["X", "Y", "layers_dims"],
                                       {"num_iterations": 201, "print_cost": True}, quiet=True)
    if ok and _check_tuple_length(checker, case, result, 2, ["parameters", "costs"]):
        if not isinstance(result[1], list) or len(result[1]) != 3:
            checker.fail(case, f"costs should be a list of 3 costs (iterations 0, 100 and 200), got "
                                    f"{_describe(result[1])} of length {len(result[1]) if hasattr(result[1], '__len__') else '?'}.")
        lines = [line for line in printed.splitlines() if line.startswith("Cost after iteration")]
        heads = [line.split(":")[0] for line in lines]
        wanted_heads = [f"Cost after iteration {i}" for i in (0, 100, 200)]
        if heads != wanted_heads:
            checker.fail(case, f"should print the cost at iterations 0, 100 and 200 (the last one), "
                                    f"printed {heads}.")
    checker.finish()


def two_layer_model_test(target):
    _model_test(target, "two_layer_model", tc.two_layer_model_test_case, expected.TWO_LAYER_MODEL,
                "initialize with initialize_parameters(n_x, n_h, n_y) after np.random.seed(1); each iteration: "
                "relu layer, sigmoid layer, compute_cost, dA2, two linear_activation_backward calls, update_parameters")


def L_layer_model_test(target):
    _model_test(target, "L_layer_model", tc.L_layer_model_test_case, expected.L_LAYER_MODEL,
                "initialize with initialize_parameters_deep(layers_dims) from dnn_app_utils after np.random.seed(1); "
                "each iteration: L_model_forward, compute_cost, L_model_backward, update_parameters")
