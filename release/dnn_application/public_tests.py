"""Public tests: one ``<function>_test(target)`` per graded function of both assignments.

Each test calls ``target`` on the fixtures of ``testCases.py`` (and a few more
cases), and checks every returned item: its type, its shape and its values
(relative tolerance 1e-6), including caches and every key of ``grads`` and
``parameters`` (missing and extra keys both fail). It also checks that the
function leaves its inputs untouched.

A passing test prints one line. A failing test raises ``AssertionError`` whose
message names the variable, what was expected, what was returned and the most
likely cause.

The same checking serves the grader, so it is a documented interface rather than
an internal detail:

* :class:`Checker` runs the cases of one function (:meth:`Checker.call`), compares
  what it returned (:meth:`Checker.check`, :meth:`Checker.check_tuple`), records
  other problems (:meth:`Checker.fail`) and ends with :meth:`Checker.finish`, which
  raises :class:`TestFailure` or prints the one passing line;
* every problem is also kept as a :class:`CaseResult` (function, case, field,
  expected, actual, cause id, hint, message), so that a grader or a class report
  counts causes without reading sentences; ``TestFailure.results`` holds them;
* :data:`CAUSES` is the vocabulary of cause ids, each with a short description
  (exceptions are named ``"exception:<Type>"``, e.g. ``"exception:ValueError"``).
"""

import ast
import contextlib
import copy
import io
import os
import traceback
from dataclasses import dataclass

import numpy as np

if __package__:  # the installed course package (grader, tools, tests)
    from . import public_expected as expected
    from . import testCases as tc
else:  # by flat name, from a student's assignment folder
    import public_expected as expected
    import testCases as tc

_UTILS_DIR = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIR = os.path.dirname(np.__file__)

RTOL = 1e-6
ATOL = 1e-9
MAX_MESSAGES = 6

# ----------------------------------------------------------------------------------------------
# The vocabulary of causes
# ----------------------------------------------------------------------------------------------

#: Cause id -> what it means, in a few words (for reports). A failure raised by the function is
#: ``"exception:<Type>"``; see :func:`describe_cause`.
CAUSES = {
    # the call itself
    "not-implemented": "not implemented yet",
    "timeout": "timed out (infinite loop or too slow)",
    "process-died": "the process running the code died (memory, CPU time or exit)",
    "mutated-input": "modifies an input in place",
    # the structure of what it returned
    "none-placeholder": "a None placeholder left in place, or a missing return",
    "wrong-return": "does not return a tuple of the expected length",
    "wrong-type": "a value of the wrong type",
    "missing-keys": "missing dictionary keys",
    "extra-keys": "unexpected dictionary keys",
    "wrong-length": "a list or tuple of the wrong length",
    "not-real": "an array that does not hold real numbers",
    # shapes
    "transposed": "a transposed array",
    "cost-not-squeezed": "the cost is not a number of shape () (np.squeeze)",
    "sum-dropped-axis": "np.sum dropped the summed axis (keepdims=True)",
    "broadcast-square": "a 1-D vector broadcast to a square matrix",
    "wrong-shape": "an array of the wrong shape",
    # values
    "nan": "NaN values",
    "all-zeros": "all zeros",
    "sign-flipped": "the sign is flipped",
    "missing-factor": "a factor is missing or extra",
    "wrong-values": "wrong values",
    # the models of assignment 2
    "costs-not-arrays": "costs stored as Python floats",
    "printed-when-quiet": "prints although print_cost=False",
    "print-schedule": "prints the cost at the wrong iterations",
    # hidden tests
    "gradient-check": "gradients disagree with central differences",
}
EXCEPTION_PREFIX = "exception:"

# Likely cause of an exception raised by the student's code, by exception type.
_EXCEPTION_HINTS = {
    "ValueError": "array shapes that do not fit together; print the shapes of the operands",
    "IndexError": "arrays of the wrong layer were combined; check which cache or index you use",
    "KeyError": "a key that does not exist; check the layer numbers and the key names",
    "NameError": "a variable used before it is defined, or a typo in its name",
    "TypeError": "a wrong number or type of arguments, or a None placeholder left in place",
}


def describe_cause(cause):
    """A few words on a cause id, e.g. ``"transposed"`` -> ``"a transposed array"``."""
    if cause.startswith(EXCEPTION_PREFIX):
        return "raised " + cause[len(EXCEPTION_PREFIX):]
    return CAUSES.get(cause, cause)


def is_cause(cause):
    """True for an id of the vocabulary (including ``"exception:<Type>"``)."""
    return cause in CAUSES or (cause.startswith(EXCEPTION_PREFIX) and cause[len(EXCEPTION_PREFIX):].isidentifier())


@dataclass(frozen=True)
class CaseResult:
    """One problem found in one case, as data.

    Attributes
    ----------
    function : str, the graded function, e.g. ``"linear_forward"``
    case : str, the case's label, e.g. ``"linear_forward(*linear_forward_test_case())"``
    field : str or None, the value that is wrong, e.g. ``"grads['dW1']"``; None when the
        problem is the call itself (an exception, a modified input: then the argument's name)
    expected, actual : str or None, short printable forms (a shape, values, a type, keys)
    cause : str, a cause id of :data:`CAUSES`, or ``"exception:<Type>"``
    hint : str or None, the "Likely cause" shown to the student
    message : str, the line shown to the student
    """

    function: str
    case: str
    field: object
    expected: object
    actual: object
    cause: str
    hint: object
    message: str


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
    """Most likely reason why an array has the wrong shape: ``(cause id, sentence)``."""
    if len(expected_shape) == 2 and actual_shape == expected_shape[::-1]:
        return "transposed", "the array is transposed: check the order of the factors in np.dot and where you use .T"
    if expected_shape == () and int(np.prod(actual_shape)) == 1:
        return "cost-not-squeezed", "the cost must be a number of shape (): use np.squeeze(cost)"
    if len(expected_shape) == 2 and expected_shape[1] == 1 and actual_shape == expected_shape[:1]:
        return ("sum-dropped-axis",
                "np.sum dropped the summed axis: use np.sum(..., axis=1, keepdims=True) to keep a column vector")
    if len(expected_shape) == 2 and expected_shape[1] == 1 and actual_shape == (expected_shape[0], expected_shape[0]):
        return ("broadcast-square", "a 1-D vector was added to a column vector and broadcast to a square matrix: "
                "keep biases and their gradients as (n, 1) columns (keepdims=True)")
    return "wrong-shape", "check the shapes of the arrays you combine (print them) and the layer sizes you use"


def _value_cause(actual, wanted):
    """Most likely reason why an array of the right shape has the wrong values: ``(cause id, sentence)``.

    The sentence is None when nothing specific stands out (the caller's hint is shown then).
    """
    if np.isnan(actual).any():
        return "nan", "it contains NaN: a log of 0, a division by 0, or an uninitialised value"
    if not np.any(actual) and np.any(wanted):
        return "all-zeros", "it is all zeros: is the computation missing or overwritten?"
    if np.allclose(actual, -wanted, rtol=RTOL, atol=ATOL):
        return "sign-flipped", "its sign is flipped"
    nonzero = np.abs(wanted) > 1e-12
    if nonzero.any():
        ratios = actual[nonzero] / wanted[nonzero]
        factor = ratios.flat[0]
        # One number always has "a ratio": only a whole factor (or its inverse) says something then.
        telling = ratios.size > 1 or any(np.isclose(k, round(k)) and round(k) >= 2 for k in (factor, 1 / factor))
        if telling and np.allclose(ratios, factor, rtol=1e-6) and not np.isclose(factor, 1.0):
            return "missing-factor", (f"it is {factor:.6g} times the expected value: a factor is missing or extra "
                                      "(for example 1/m, 0.01 or the learning rate)")
    return "wrong-values", None


@dataclass(frozen=True)
class _Problem:
    """One way a value differs from the expected one (before it is tied to a case)."""

    field: str
    text: str       # what is wrong, after the field's name
    cause: str
    hint: object    # the sentence shown as "Likely cause", or None
    expected: object = None
    actual: object = None

    @property
    def message(self):
        return f"{self.field}: {self.text}" + (f" Likely cause: {self.hint}." if self.hint else "")


def _problems(actual, wanted, name, hint=None):
    """Every way ``actual`` differs from ``wanted``, as a list of :class:`_Problem`."""
    found = []

    def fail(text, cause, specific=None, expected_text=None, actual_text=None):
        found.append(_Problem(name, text, cause, specific or hint, expected_text, actual_text))

    if actual is None and wanted is not None:
        fail("is None.", "none-placeholder", "a None placeholder was not replaced, or a return statement is missing",
             _describe(wanted), "None")
        return found
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            fail(f"should be a dict, got {_describe(actual)}.", "wrong-type", None, "dict", _describe(actual))
            return found
        missing = [key for key in wanted if key not in actual]
        extra = [key for key in actual if key not in wanted]
        if missing:
            fail(f"missing key(s) {missing}; expected exactly {sorted(wanted)}.", "missing-keys", None,
                 str(sorted(wanted)), str(sorted(actual, key=str)))
        if extra:
            fail(f"unexpected key(s) {extra}; expected exactly {sorted(wanted)}.", "extra-keys",
                 "check the names and the layer numbers of the keys you create",
                 str(sorted(wanted)), str(sorted(actual, key=str)))
        for key in wanted:
            if key in actual:
                found += _problems(actual[key], wanted[key], f"{name}[{key!r}]", hint)
        return found
    if isinstance(wanted, (tuple, list)):
        kind = type(wanted).__name__
        if not isinstance(actual, (tuple, list)):
            fail(f"should be a {kind} of {len(wanted)} items, got {_describe(actual)}.", "wrong-type", None,
                 f"{kind} of {len(wanted)} items", _describe(actual))
            return found
        if len(actual) != len(wanted):
            fail(f"should have {len(wanted)} item{'s' if len(wanted) != 1 else ''}, got {len(actual)}.",
                 "wrong-length", None, f"{len(wanted)} items", f"{len(actual)} items")
            return found
        for index, (item, wanted_item) in enumerate(zip(actual, wanted, strict=True)):
            found += _problems(item, wanted_item, f"{name}[{index}]", hint)
        return found
    wanted = np.asarray(wanted)
    if wanted.ndim == 0:
        if np.ndim(actual) != 0:
            cause, sentence = _shape_cause(np.shape(actual), ())
            fail(f"should be a single number of shape (), got {_describe(actual)} {np.shape(actual)}.",
                 cause, sentence, "shape ()", f"shape {np.shape(actual)}")
            return found
    elif not isinstance(actual, np.ndarray):
        fail(f"should be a numpy array of shape {wanted.shape}, got {_describe(actual)}.", "wrong-type", None,
             f"ndarray {wanted.shape}", _describe(actual))
        return found
    elif actual.shape != wanted.shape:
        cause, sentence = _shape_cause(actual.shape, wanted.shape)
        fail(f"has shape {actual.shape} but should be {wanted.shape}.", cause, sentence,
             f"shape {wanted.shape}", f"shape {actual.shape}")
        return found
    actual_array = np.asarray(actual)
    if actual_array.dtype.kind not in "fiub":
        fail(f"should hold real numbers, got dtype {actual_array.dtype}.", "not-real", None,
             "real numbers", f"dtype {actual_array.dtype}")
        return found
    actual_array = actual_array.astype(float)
    if not np.allclose(actual_array, wanted, rtol=RTOL, atol=ATOL):
        cause, sentence = _value_cause(actual_array, wanted)
        fail(f"wrong values. Expected {_show(wanted)}, got {_show(actual_array)}.", cause, sentence,
             _show(wanted), _show(actual_array))
    return found


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
    failures.extend(problem.message for problem in _problems(actual, wanted, name, hint))


def _same(a, b):
    """True when two inputs are equal in structure, type and every value."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return a == b


# ----------------------------------------------------------------------------------------------
# Running the student's function
# ----------------------------------------------------------------------------------------------

class TestFailure(AssertionError):
    """A failed test.

    ``cases`` (cases run) and ``failed_cases`` (how many of them failed) let a grader give
    partial credit; ``results`` holds every problem as a :class:`CaseResult`, and ``causes``
    their cause ids, each once, in order.
    """

    def __init__(self, message, cases, failed_cases, results=()):
        super().__init__(message)
        self.cases = cases
        self.failed_cases = failed_cases
        self.results = list(results)

    @property
    def causes(self):
        return list(dict.fromkeys(result.cause for result in self.results))


def _exception_cause(error):
    """Cause id of an exception raised while the function ran."""
    cause = getattr(error, "cause_id", None)  # an exception that knows its cause (e.g. the grader's sandbox)
    if isinstance(cause, str):
        return cause
    return EXCEPTION_PREFIX + type(error).__name__


class Checker:
    """Runs the cases of one graded function and collects what went wrong.

    Use: ``checker = Checker(target, "linear_forward")``; for each case,
    ``ok, result, printed = checker.call(case, args, arg_names)`` and, if ``ok``,
    ``checker.check(case, result, wanted, "Z", hint)`` (or ``check_tuple`` first for
    functions that return a tuple); last, ``checker.finish()``.

    Attributes
    ----------
    name : str, the function's name; target : the function
    cases : int, the number of calls made
    failed_cases : set of str, the labels of the cases that failed
    results : list of :class:`CaseResult`, every problem found, in order
    """

    def __init__(self, target, function_name):
        if not callable(target):
            raise AssertionError(f"{function_name}_test expects the function {function_name}, got {_describe(target)}.")
        self.target = target
        self.name = function_name
        self.results = []
        self.cases = 0
        self.failed_cases = set()

    @property
    def failures(self):
        """The messages of every problem found so far."""
        return [result.message for result in self.results]

    def _record(self, case, message, cause, hint=None, field=None, expected=None, actual=None):
        self.results.append(CaseResult(self.name, case, field, expected, actual, cause, hint, message))
        self.failed_cases.add(case)

    def fail(self, case, message, cause, hint=None, field=None, expected=None, actual=None):
        """Record a problem of ``case``: ``message`` (one sentence or more) and its cause id.

        The student sees ``"<case>: <message> Likely cause: <hint>."`` (without the last part
        when there is no hint).
        """
        self._record(case, f"{case}: {message}" + (f" Likely cause: {hint}." if hint else ""), cause, hint,
                     field, expected, actual)

    def call(self, case, args, arg_names, kwargs=None, quiet=False):
        """Call the target; return ``(ok, result, printed)``.

        Records a failure when the call raises or when it modifies one of its arguments.
        ``quiet`` captures what the function prints instead of showing it.
        """
        self.cases += 1
        kwargs = kwargs or {}
        before = copy.deepcopy(args)
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed) if quiet else contextlib.nullcontext():
                result = self.target(*args, **kwargs)
        except NotImplementedError:
            self._record(case, f"{self.name} is not implemented yet: replace the line "
                               "`raise NotImplementedError()` with your code.", "not-implemented")
            return False, None, printed.getvalue()
        except Exception as error:  # the student's code may raise anything
            line = self._line(error)
            hint = _EXCEPTION_HINTS.get(type(error).__name__)
            self._record(case, f"{case}: {self.name} raised {type(error).__name__}: {error}"
                               + (f" (at `{line}`)" if line else "") + (f". Likely cause: {hint}" if hint else ""),
                         _exception_cause(error), hint, actual=f"{type(error).__name__}: {error}")
            return False, None, printed.getvalue()
        for arg_name, old, new in zip(arg_names, before, args, strict=True):
            if not _same(old, new):
                self.fail(case, f"{self.name} modified its argument {arg_name} in place.", "mutated-input",
                          "an in-place operation (-=, +=, [...] = ) on an input array; work on a copy "
                          "(copy.deepcopy) or build new arrays", field=arg_name)
        return True, result, printed.getvalue()

    def check(self, case, actual, wanted, name, hint=None):
        """Compare ``actual`` with ``wanted`` (see :func:`compare`); return True when they agree."""
        problems = _problems(actual, wanted, name, hint)
        for problem in problems:
            self._record(case, f"{case}: {problem.message}", problem.cause, problem.hint, problem.field,
                         problem.expected, problem.actual)
        return not problems

    def check_tuple(self, case, result, names):
        """True when ``result`` is a tuple of ``len(names)`` items; records a failure otherwise."""
        if isinstance(result, tuple) and len(result) == len(names):
            return True
        self.fail(case, f"{self.name} should return a tuple ({', '.join(names)}), got {_describe(result)}"
                  + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "") + ".",
                  "wrong-return", expected=f"tuple of {len(names)}", actual=_describe(result))
        return False

    @staticmethod
    def _line(error):
        """The line of the student's code where ``error`` was raised ("" if unknown)."""
        line = getattr(error, "student_line", None)  # set when the code ran in the grader's sandbox
        if line is None:
            frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                      if not frame.filename.startswith((_UTILS_DIR, _NUMPY_DIR))]
            line = frames[-1].line if frames else ""
        return line

    def finish(self):
        """Raise :class:`TestFailure` if anything failed, else print one line."""
        if self.results:
            unique = list(dict.fromkeys(self.failures))
            shown = unique[:MAX_MESSAGES]
            more = len(unique) - len(shown)
            lines = [f"{self.name}: {len(unique)} problem(s) found."] + [f"  - {m}" for m in shown]
            if more:
                lines.append(f"  ... and {more} more.")
            raise TestFailure("\n".join(lines), self.cases, len(self.failed_cases), self.results)
        print(f"All tests passed for {self.name} ({self.cases} case{'s' if self.cases > 1 else ''}).")


# ----------------------------------------------------------------------------------------------
# Assignment 1
# ----------------------------------------------------------------------------------------------

INIT_HINT = ("use np.random.randn(n_this_layer, n_previous_layer) * 0.01 (the normal law: randn, not rand), "
             "np.zeros((n, 1)) for biases, and draw the weights in layer order after the given seed")


def initialize_parameters_test(target):
    checker = Checker(target, "initialize_parameters")
    for dims, wanted in expected.INITIALIZE_PARAMETERS.items():
        case = f"initialize_parameters{dims}"
        ok, parameters, _ = checker.call(case, ast.literal_eval(dims), ["n_x", "n_h", "n_y"])
        if ok:
            checker.check(case, parameters, wanted, "parameters", INIT_HINT)
    checker.finish()


def initialize_parameters_deep_test(target):
    checker = Checker(target, "initialize_parameters_deep")
    for dims, wanted in expected.INITIALIZE_PARAMETERS_DEEP.items():
        case = f"initialize_parameters_deep({dims})"
        ok, parameters, _ = checker.call(case, (ast.literal_eval(dims),), ["layer_dims"])
        if ok:
            checker.check(case, parameters, wanted, "parameters",
                          INIT_HINT + "; loop over l = 1 .. len(layer_dims) - 1")
    checker.finish()


def linear_forward_test(target):
    checker = Checker(target, "linear_forward")
    case = "linear_forward(*linear_forward_test_case())"
    A, W, b = tc.linear_forward_test_case()
    ok, result, _ = checker.call(case, (A, W, b), ["A", "W", "b"])
    if ok and checker.check_tuple(case, result, ["Z", "cache"]):
        Z, cache = result
        checker.check(case, Z, expected.LINEAR_FORWARD_Z, "Z",
                      "Z is the matrix product of W and A (np.dot, W first) plus b, equation (1)")
        checker.check(case, cache, (A, W, b), "cache", "the cache is the tuple (A, W, b) of the inputs")
    checker.finish()


def linear_activation_forward_test(target):
    checker = Checker(target, "linear_activation_forward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_forward(..., activation='{activation}')"
        A_prev, W, b = tc.linear_activation_forward_test_case()
        ok, result, _ = checker.call(case, (A_prev, W, b), ["A_prev", "W", "b"], {"activation": activation})
        if ok and checker.check_tuple(case, result, ["A", "cache"]):
            A, cache = result
            checker.check(case, A, expected.LINEAR_ACTIVATION_FORWARD[activation], "A",
                          f"compute Z with linear_forward, then apply {activation}(Z) to it")
            checker.check(case, cache, ((A_prev, W, b), expected.LINEAR_ACTIVATION_FORWARD_Z), "cache",
                          "the cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z)")
    checker.finish()


def L_model_forward_test(target):
    checker = Checker(target, "L_model_forward")
    for fixture in ("L_model_forward_test_case_2hidden", "L_model_forward_test_case"):
        case = f"L_model_forward(*{fixture}())"
        X, parameters = getattr(tc, fixture)()
        ok, result, _ = checker.call(case, (X, parameters), ["X", "parameters"])
        if not (ok and checker.check_tuple(case, result, ["AL", "caches"])):
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
    checker = Checker(target, "compute_cost")
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
    checker = Checker(target, "linear_backward")
    case = "linear_backward(*linear_backward_test_case())"
    dZ, cache = tc.linear_backward_test_case()
    ok, result, _ = checker.call(case, (dZ, cache), ["dZ", "cache"])
    if ok and checker.check_tuple(case, result, ["dA_prev", "dW", "db"]):
        hints = ("dA_prev is the matrix product of W transposed and dZ, equation (5)",
                 "dW is 1/m times the matrix product of dZ and A_prev transposed, m = A_prev.shape[1], equation (3)",
                 "db is 1/m times the sum of dZ over the examples (axis=1, keepdims=True), equation (4)")
        for name, actual, wanted, hint in zip(("dA_prev", "dW", "db"), result, expected.LINEAR_BACKWARD, hints,
                                              strict=True):
            checker.check(case, actual, wanted, name, hint)
    checker.finish()


def linear_activation_backward_test(target):
    checker = Checker(target, "linear_activation_backward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_backward(..., activation='{activation}')"
        dA, cache = tc.linear_activation_backward_test_case()
        ok, result, _ = checker.call(case, (dA, cache), ["dA", "cache"], {"activation": activation})
        if ok and checker.check_tuple(case, result, ["dA_prev", "dW", "db"]):
            hint = f"dZ = {activation}_backward(dA, activation_cache), then linear_backward(dZ, linear_cache)"
            for name, actual, wanted in zip(("dA_prev", "dW", "db"), result,
                                            expected.LINEAR_ACTIVATION_BACKWARD[activation], strict=True):
                checker.check(case, actual, wanted, name, hint)
    checker.finish()


def L_model_backward_test(target):
    checker = Checker(target, "L_model_backward")
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
    checker = Checker(target, "update_parameters")
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
    checker = Checker(target, function_name)
    for run, wanted in runs.items():
        learning_rate, iterations = run.split("x")
        X, Y, dims = fixture()
        kwargs = {"learning_rate": float(learning_rate), "num_iterations": int(iterations), "print_cost": False}
        case = f"{function_name}(*{fixture.__name__}(), learning_rate={learning_rate}, num_iterations={iterations})"
        ok, result, printed = checker.call(case, (X, Y, dims), ["X", "Y", "layers_dims"], kwargs, quiet=True)
        if not (ok and checker.check_tuple(case, result, ["parameters", "costs"])):
            continue
        parameters, costs = result
        checker.check(case, parameters, wanted["parameters"], "parameters", hint)
        checker.check(case, costs, wanted["costs"], "costs", "record the cost every 100 iterations, from i = 0")
        # What compute_cost returns (a 0-d array or a numpy scalar) is fine; a float() or .item() of it is not.
        if isinstance(costs, list) and any(not isinstance(c, (np.ndarray, np.generic)) for c in costs):
            kinds = [_describe(c) for c in costs]
            checker.fail(case, f"costs should hold the 0-d arrays returned by compute_cost, got {kinds}.",
                         "costs-not-arrays", "a float() or .item() on the cost", "costs", "0-d ndarray", str(kinds))
        if printed:
            checker.fail(case, f"printed {printed.splitlines()[0]!r} although print_cost=False.", "printed-when-quiet",
                         "a print outside the `if print_cost` condition", actual=printed.splitlines()[0])
    X, Y, dims = fixture()
    case = f"{function_name}(*{fixture.__name__}(), num_iterations=201, print_cost=True)"
    ok, result, printed = checker.call(case, (X, Y, dims), ["X", "Y", "layers_dims"],
                                       {"num_iterations": 201, "print_cost": True}, quiet=True)
    if ok and checker.check_tuple(case, result, ["parameters", "costs"]):
        costs = result[1]
        if not isinstance(costs, list) or len(costs) != 3:
            length = len(costs) if hasattr(costs, "__len__") else "?"
            checker.fail(case, f"costs should be a list of 3 costs (iterations 0, 100 and 200), got "
                               f"{_describe(costs)} of length {length}.", "wrong-length", field="costs",
                         expected="list of 3", actual=f"{_describe(costs)} of length {length}")
        lines = [line for line in printed.splitlines() if line.startswith("Cost after iteration")]
        heads = [line.split(":")[0] for line in lines]
        wanted_heads = [f"Cost after iteration {i}" for i in (0, 100, 200)]
        if heads != wanted_heads:
            checker.fail(case, f"should print the cost at iterations 0, 100 and 200 (the last one), printed {heads}.",
                         "print-schedule", expected=str(wanted_heads), actual=str(heads))
    checker.finish()


def two_layer_model_test(target):
    _model_test(target, "two_layer_model", tc.two_layer_model_test_case, expected.TWO_LAYER_MODEL,
                "initialize with initialize_parameters(n_x, n_h, n_y) after np.random.seed(1); each iteration: "
                "relu layer, sigmoid layer, compute_cost, dA2, two linear_activation_backward calls, update_parameters")


def L_layer_model_test(target):
    _model_test(target, "L_layer_model", tc.L_layer_model_test_case, expected.L_LAYER_MODEL,
                "initialize with initialize_parameters_deep(layers_dims) from dnn_app_utils after np.random.seed(1); "
                "each iteration: L_model_forward, compute_cost, L_model_backward, update_parameters")
