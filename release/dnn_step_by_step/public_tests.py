"""Public tests: one ``<function>_test(target)`` per graded function of both assignments.

Each test calls ``target`` on the fixtures of ``testCases.py`` (and a few more
cases), and checks every returned item: its type, its shape and its values
(relative tolerance 1e-6), including caches and every key of ``grads`` and
``parameters`` (missing and extra keys both fail). It also checks that the
function leaves its inputs untouched.

A passing test prints one line. A failing test raises ``AssertionError`` whose
message names the variable, what was expected, what was returned, which entries
differ and the most likely cause. A cause is named only when it is likely: a
missing factor only when every entry is off by the same factor and that factor is
one code produces (m, 1/m, 2, 0.01, ...); an error is located at the line of the
tested function where it happened, also when it came from a function called there.
When the function calls other graded functions that you wrote and one of them fails
its own test, the message ends with "this may come from <helper>, which fails its
own test" (these helper tests run only after a failure).

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
  (exceptions are named ``"exception:<Type>"``, e.g. ``"exception:ValueError"``);
  :data:`HINTS` the likely cause of each wrong returned value, per function;
* ``Checker(..., reveal=False)`` (the grader's hidden tests) never shows or records
  an expected value: only its structure (type, shape, keys), where the result
  differs, and why.
"""

import ast
import contextlib
import contextvars
import copy
import io
import os
import re
import traceback
from dataclasses import dataclass
from fractions import Fraction
from types import FunctionType

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
    "per-example-factor": "each example off by its own factor",
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


_UNPACK_HINT = ("a tuple unpacked into the wrong number of names: check what the cache (or the function you "
                "call) holds, e.g. cache = (linear_cache, activation_cache) and linear_cache = (A_prev, W, b)")
_GRADS_KEY = re.compile(r"'(d[AWb])(\d+)'")
_BACKWARD_CONVENTION = ("layer L stores grads['dA' + str(L - 1)]; then, for l = L-2 down to 0, layer l + 1 reads "
                        "grads['dA' + str(l + 1)] with caches[l] and stores dA{l}, dW{l+1} and db{l+1}")


def _backward_key_hint(error):
    key = _GRADS_KEY.fullmatch(str(error))
    if not key:
        return _EXCEPTION_HINTS["KeyError"]
    return f"grads has no key {key.group(0)} yet when your loop reads it. The convention: {_BACKWARD_CONVENTION}"


def _forward_key_hint(error):
    if re.fullmatch(r"'[Wb]\d+'", str(error)):
        return (f"parameters has no key {error}: the network has L = len(parameters) // 2 layers, "
                "with keys W1, b1, ..., WL, bL")
    return _EXCEPTION_HINTS["KeyError"]


# Likely cause of an exception, for one function: exception type -> sentence, or a function of the
# exception that returns one. They replace the general hints above.
_FUNCTION_EXCEPTION_HINTS = {
    "L_model_backward": {
        "KeyError": _backward_key_hint,
        "IndexError": ("the dA and the cache given to one layer's backward step belong to different layers. "
                       "The convention: " + _BACKWARD_CONVENTION),
        "ValueError": ("the dA and the cache given to one layer's backward step belong to different layers. "
                       "The convention: " + _BACKWARD_CONVENTION),
    },
    "L_model_forward": {"KeyError": _forward_key_hint},
}


def exception_hint(function_name, error):
    """The likely cause of ``error`` raised by the student's ``function_name`` (None if nothing is likely)."""
    kind = type(error).__name__
    hint = _FUNCTION_EXCEPTION_HINTS.get(function_name, {}).get(kind)
    if hint is None and kind == "ValueError" and re.match(r"(not enough|too many) values to unpack", str(error)):
        hint = _UNPACK_HINT
    hint = hint or _EXCEPTION_HINTS.get(kind)
    return hint(error) if callable(hint) else hint


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


def _plausible_factor(ratio, single=False):
    """True for a ratio that a slip in the code produces: a whole number or a simple fraction
    (m, 1/m, 2, 4/5 = one m for another), a power of ten (100, 0.01), a learning rate, or the
    negative of one. A single number always has "a ratio": then only a whole factor or its
    inverse counts (``single``)."""
    if not np.isfinite(ratio) or ratio == 0 or np.isclose(abs(ratio), 1.0, rtol=1e-6):
        return False
    for value in (abs(ratio), 1 / abs(ratio)):
        simple = Fraction(float(value)).limit_denominator(1 if single else 20)
        if (simple.numerator >= (2 if single else 1) and simple.numerator <= 100_000
                and np.isclose(float(simple), value, rtol=1e-6, atol=0)):
            return True
    return False


def _column_factors(actual, wanted):
    """The factor of each column when every column is a multiple of the expected one (None otherwise).

    Only a matrix with at least two rows says something: a row vector is always "a multiple"
    column by column.
    """
    if actual.ndim != 2 or actual.shape[0] < 2 or actual.shape[1] < 2:
        return None
    factors = []
    for column in range(actual.shape[1]):
        got, want = actual[:, column], wanted[:, column]
        nonzero = np.abs(want) > 1e-12
        if not np.allclose(got[~nonzero], 0, atol=ATOL):
            return None
        if nonzero.sum() < 2:
            continue
        ratios = got[nonzero] / want[nonzero]
        if not np.allclose(ratios, ratios[0], rtol=1e-6):
            return None
        factors.append(ratios[0])
    if len(factors) < 2 or np.allclose(factors, factors[0], rtol=1e-6) or np.isclose(factors, 1.0).any():
        return None  # one factor for all, or some examples right: not a per-example term
    return factors


def _value_cause(actual, wanted):
    """Most likely reason why an array of the right shape has the wrong values: ``(cause id, sentence)``.

    The sentence is None when nothing specific stands out (the caller's hint is shown then).
    A missing factor is claimed only when the ratio is the same for every entry (zeros where
    zeros are expected) and is a factor that code produces (:func:`_plausible_factor`).
    """
    if np.isnan(actual).any():
        return "nan", "it contains NaN: a log of 0, a division by 0, or an uninitialised value"
    if not np.any(actual) and np.any(wanted):
        return "all-zeros", "it is all zeros: is the computation missing or overwritten?"
    if np.allclose(actual, -wanted, rtol=RTOL, atol=ATOL):
        return "sign-flipped", "its sign is flipped"
    nonzero = np.abs(wanted) > 1e-12
    if nonzero.any() and np.allclose(actual[~nonzero], 0, atol=ATOL):
        ratios = actual[nonzero] / wanted[nonzero]
        factor = float(ratios.flat[0])
        if np.allclose(ratios, factor, rtol=1e-6) and _plausible_factor(factor, single=ratios.size == 1):
            return "missing-factor", (f"it is {factor:.6g} times the expected value: a factor is missing or extra "
                                      "(for example 1/m, 0.01 or the learning rate)")
    if _column_factors(actual, wanted) is not None:
        return "per-example-factor", ("each example (column) is off by a different factor: a term computed per "
                                      "example is wrong, such as the derivative the backward pass starts from "
                                      "or an activation's derivative")
    return "wrong-values", None


def _positions(indices):
    return ", ".join(str(int(i)) for i in indices)


def _where_different(actual, wanted):
    """Which entries of an array differ, in words ("" when every entry does, and nothing more is telling).

    For example ``"in 3 of 6 entries (column 1, where 0 is expected)"``.
    """
    bad = ~np.isclose(actual, wanted, rtol=RTOL, atol=ATOL)
    count, size = int(bad.sum()), bad.size
    zeros = int((bad & (np.abs(wanted) <= ATOL)).sum())  # entries that should be 0 and are not
    if count == 0:
        return ""
    if count == size:
        return f"in every entry ({zeros} of them where 0 is expected)" if zeros else ""
    if bad.ndim == 2 and bad[:, bad.any(axis=0)].all():
        columns = np.flatnonzero(bad.any(axis=0))
        where = f"column{'s' if len(columns) > 1 else ''} {_positions(columns)}"
    elif bad.ndim == 2 and bad[bad.any(axis=1), :].all():
        rows = np.flatnonzero(bad.any(axis=1))
        where = f"row{'s' if len(rows) > 1 else ''} {_positions(rows)}"
    else:
        shown = [str(tuple(int(i) for i in index)) if len(index) > 1 else str(int(index[0]))
                 for index in np.argwhere(bad)[:3]]
        where = "at " + ", ".join(shown) + (", ..." if count > 3 else "")
    if zeros == count:
        where += ", where 0 is expected"
    elif zeros:
        where += f"; {zeros} of them where 0 is expected"
    return f"in {count} of {size} entries ({where})"


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


def _problems(actual, wanted, name, hint=None, reveal=True):
    """Every way ``actual`` differs from ``wanted``, as a list of :class:`_Problem`.

    With ``reveal`` False (hidden tests) no value of ``wanted`` is shown or recorded, only its
    structure (type, shape, keys, length); of ``actual`` only a summary and where it differs.
    """
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
                found += _problems(actual[key], wanted[key], f"{name}[{key!r}]", hint, reveal)
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
            found += _problems(item, wanted_item, f"{name}[{index}]", hint, reveal)
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
        where = _where_different(actual_array, wanted)
        if reveal:
            fail(f"wrong values{' ' + where if where else ''}. Expected {_show(wanted)}, got {_show(actual_array)}.",
                 cause, sentence, _show(wanted), _show(actual_array))
        else:  # a hidden case: where and why it differs, never the reference's numbers
            where = where or ("in every entry" if wanted.ndim else "")
            fail(f"wrong values{' ' + where if where else ''}.", cause, sentence, _describe(wanted),
                 f"{_describe(actual_array)}, {where or 'a different number'}")
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
    their cause ids, each once, in order; ``failing_helpers`` names the student's helpers of the
    function that fail their own public test (see :func:`failing_helpers`).
    """

    def __init__(self, message, cases, failed_cases, results=(), failing_helpers=()):
        super().__init__(message)
        self.cases = cases
        self.failed_cases = failed_cases
        self.results = list(results)
        self.failing_helpers = list(failing_helpers)

    @property
    def causes(self):
        return list(dict.fromkeys(result.cause for result in self.results))


def _exception_cause(error):
    """Cause id of an exception raised while the function ran."""
    cause = getattr(error, "cause_id", None)  # an exception that knows its cause (e.g. the grader's sandbox)
    if isinstance(cause, str):
        return cause
    return EXCEPTION_PREFIX + type(error).__name__


# While helpers' own tests run to explain a failure, they do not look for helpers themselves.
_CHECKING_HELPERS = contextvars.ContextVar("checking_helpers", default=False)

#: The graded functions of each assignment, in notebook order: a function's helpers are the
#: graded functions of its own assignment that its code calls.
ASSIGNMENT_FUNCTIONS = {
    "dnn_step_by_step": ("initialize_parameters", "initialize_parameters_deep", "linear_forward",
                         "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
                         "linear_activation_backward", "L_model_backward", "update_parameters"),
    "dnn_application": ("two_layer_model", "L_layer_model"),
}


def _names_used(code):
    """Global names that a code object (and the functions defined inside it) reads."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names


def student_helpers(target, function_name):
    """The graded functions of the same assignment that ``target`` calls, as the student defined them.

    Only plain functions count that the student wrote (not the course's helper files), found in
    ``target``'s globals under the names its code uses. Empty for anything else (for example
    the grader's remote functions).
    """
    if not isinstance(target, FunctionType):
        return {}
    siblings = next((names for names in ASSIGNMENT_FUNCTIONS.values() if function_name in names), ())
    used = _names_used(target.__code__)
    helpers = {}
    for name in siblings:
        helper = target.__globals__.get(name)
        if name != function_name and name in used and isinstance(helper, FunctionType) and _written_by_student(helper):
            helpers[name] = helper
    return helpers


def _written_by_student(function):
    """False for a function of the course's helper files (next to this one), True otherwise."""
    filename = function.__code__.co_filename
    return filename.startswith("<") or not os.path.abspath(filename).startswith(_UTILS_DIR + os.sep)


def failing_helpers(target, function_name):
    """Names of the student's helpers of ``target`` (and of their helpers) that fail their own public test.

    Each helper's test runs once, quietly; a helper of a failing helper is listed after it.
    """
    failing, seen = [], {function_name}

    def visit(function, name):
        for helper_name, helper in student_helpers(function, name).items():
            if helper_name in seen:
                continue
            seen.add(helper_name)
            test = globals().get(f"{helper_name}_test")
            token = _CHECKING_HELPERS.set(True)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    test(helper)
            except Exception:  # any failure of the helper's own test counts
                failing.append(helper_name)
                visit(helper, helper_name)
            finally:
                _CHECKING_HELPERS.reset(token)

    visit(target, function_name)
    return failing


def _helpers_note(names):
    if len(names) == 1:
        return f"this may come from {names[0]}, which fails its own test: fix it first."
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return f"this may come from {listed}, which fail their own tests: fix them first."


class Checker:
    """Runs the cases of one graded function and collects what went wrong.

    Use: ``checker = Checker(target, "linear_forward")``; for each case,
    ``ok, result, printed = checker.call(case, args, arg_names)`` and, if ``ok``,
    ``checker.check(case, result, wanted, "Z", hint)`` (or ``check_tuple`` first for
    functions that return a tuple); last, ``checker.finish()``.

    ``reveal`` (default True) shows expected values in messages; the hidden tests turn it off,
    so that their messages and results say what differs and why, never the reference's numbers.
    ``check_helpers`` (default True): when the test fails, the student's own helpers that
    the function calls (in the student's kernel) are run through their public tests, and the
    message says which of them fail (:func:`failing_helpers`).

    Attributes
    ----------
    name : str, the function's name; target : the function
    cases : int, the number of calls made
    failed_cases : set of str, the labels of the cases that failed
    results : list of :class:`CaseResult`, every problem found, in order
    """

    def __init__(self, target, function_name, reveal=True, check_helpers=True):
        if not callable(target):
            raise AssertionError(f"{function_name}_test expects the function {function_name}, got {_describe(target)}.")
        self.target = target
        self.name = function_name
        self.reveal = reveal
        self.check_helpers = check_helpers
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
            hint = exception_hint(self.name, error)
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
        problems = _problems(actual, wanted, name, hint, self.reveal)
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

    def _line(self, error):
        """The line of the function under test where ``error`` was raised ("" if unknown).

        When the error comes from inside another function it called (one of the student's
        helpers, or numpy), this is the line of the call, in the function under test.
        """
        line = getattr(error, "student_line", None)  # set when the code ran in the grader's sandbox
        if line is not None:
            return line
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if not frame.filename.startswith((_UTILS_DIR, _NUMPY_DIR))]
        code = getattr(self.target, "__code__", None)
        own = [frame for frame in frames
               if code is not None and frame.filename == code.co_filename and frame.name == code.co_name]
        frames = own or frames
        return frames[-1].line if frames else ""

    def finish(self):
        """Raise :class:`TestFailure` if anything failed, else print one line."""
        if self.results:
            unique = list(dict.fromkeys(self.failures))
            shown = unique[:MAX_MESSAGES]
            more = len(unique) - len(shown)
            lines = [f"{self.name}: {len(unique)} problem(s) found."] + [f"  - {m}" for m in shown]
            if more:
                lines.append(f"  ... and {more} more.")
            helpers = []
            if self.check_helpers and not _CHECKING_HELPERS.get():
                helpers = failing_helpers(self.target, self.name)
            if helpers:
                lines.append(f"  Note: {_helpers_note(helpers)}")
            raise TestFailure("\n".join(lines), self.cases, len(self.failed_cases), self.results, helpers)
        print(f"All tests passed for {self.name} ({self.cases} case{'s' if self.cases > 1 else ''}).")


# ----------------------------------------------------------------------------------------------
# Assignment 1
# ----------------------------------------------------------------------------------------------

INIT_HINT = ("use np.random.randn(n_this_layer, n_previous_layer) * 0.01 (the normal law: randn, not rand), "
             "np.zeros((n, 1)) for biases, and draw the weights in layer order after the given seed")
_BACKWARD_HINT = ("start from dAL = -(Y/AL - (1-Y)/(1-AL)); layer L uses sigmoid and caches[L-1]; then for "
                  "l = L-2 .. 0 use relu, caches[l] and grads['dA' + str(l + 1)], and store dA{l}, dW{l+1}, db{l+1}")
_ACTIVATION_BACKWARD_HINT = "dZ = {activation}_backward(dA, activation_cache), then linear_backward(dZ, linear_cache)"

#: The likely cause shown when a returned value is wrong and nothing more specific stands out:
#: function -> returned value -> sentence (``{activation}``, ``{layers}``: the case's). The public
#: and the hidden tests both use it.
HINTS = {
    "initialize_parameters": {"parameters": INIT_HINT},
    "initialize_parameters_deep": {"parameters": INIT_HINT + "; loop over l = 1 .. len(layer_dims) - 1"},
    "linear_forward": {"Z": "Z is the matrix product of W and A (np.dot, W first) plus b, equation (1)",
                       "cache": "the cache is the tuple (A, W, b) of the inputs"},
    "linear_activation_forward": {
        "A": "compute Z with linear_forward, then apply {activation}(Z) to it",
        "cache": "the cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z)"},
    "L_model_forward": {
        "AL": "layers 1 .. L-1 use relu and only layer L uses sigmoid; L = len(parameters) // 2",
        "caches": "append one cache per layer, in order, {layers} in all; each is ((A_prev, W, b), Z)"},
    "compute_cost": {"cost": "cost = -(1/m) * sum(Y * log(AL) + (1 - Y) * log(1 - AL)) with m = Y.shape[1]"},
    "linear_backward": {
        "dA_prev": "dA_prev is the matrix product of W transposed and dZ, equation (5)",
        "dW": "dW is 1/m times the matrix product of dZ and A_prev transposed, m = A_prev.shape[1], equation (3)",
        "db": "db is 1/m times the sum of dZ over the examples (axis=1, keepdims=True), equation (4)"},
    "linear_activation_backward": {name: _ACTIVATION_BACKWARD_HINT for name in ("dA_prev", "dW", "db")},
    "L_model_backward": {"grads": _BACKWARD_HINT},
    "update_parameters": {"parameters": "W{l} = W{l} - learning_rate * dW{l} and b{l} = b{l} - learning_rate * db{l} "
                                        "for l = 1 .. L, on a copy of params"},
    "two_layer_model": {
        "parameters": "initialize with initialize_parameters(n_x, n_h, n_y) after np.random.seed(1); each iteration: "
                      "relu layer, sigmoid layer, compute_cost, dA2, two linear_activation_backward calls, "
                      "update_parameters",
        "costs": "record the cost every 100 iterations, from i = 0"},
    "L_layer_model": {
        "parameters": "initialize with initialize_parameters_deep(layers_dims) from dnn_app_utils after "
                      "np.random.seed(1); each iteration: L_model_forward, compute_cost, L_model_backward, "
                      "update_parameters",
        "costs": "record the cost every 100 iterations, from i = 0"},
}


def initialize_parameters_test(target):
    checker = Checker(target, "initialize_parameters")
    for dims, wanted in expected.INITIALIZE_PARAMETERS.items():
        case = f"initialize_parameters{dims}"
        ok, parameters, _ = checker.call(case, ast.literal_eval(dims), ["n_x", "n_h", "n_y"])
        if ok:
            checker.check(case, parameters, wanted, "parameters", HINTS["initialize_parameters"]["parameters"])
    checker.finish()


def initialize_parameters_deep_test(target):
    checker = Checker(target, "initialize_parameters_deep")
    for dims, wanted in expected.INITIALIZE_PARAMETERS_DEEP.items():
        case = f"initialize_parameters_deep({dims})"
        ok, parameters, _ = checker.call(case, (ast.literal_eval(dims),), ["layer_dims"])
        if ok:
            checker.check(case, parameters, wanted, "parameters", HINTS["initialize_parameters_deep"]["parameters"])
    checker.finish()


def linear_forward_test(target):
    checker = Checker(target, "linear_forward")
    case = "linear_forward(*linear_forward_test_case())"
    A, W, b = tc.linear_forward_test_case()
    ok, result, _ = checker.call(case, (A, W, b), ["A", "W", "b"])
    if ok and checker.check_tuple(case, result, ["Z", "cache"]):
        Z, cache = result
        checker.check(case, Z, expected.LINEAR_FORWARD_Z, "Z", HINTS["linear_forward"]["Z"])
        checker.check(case, cache, (A, W, b), "cache", HINTS["linear_forward"]["cache"])
    checker.finish()


def linear_activation_forward_test(target):
    checker = Checker(target, "linear_activation_forward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_forward(..., activation='{activation}')"
        A_prev, W, b = tc.linear_activation_forward_test_case()
        ok, result, _ = checker.call(case, (A_prev, W, b), ["A_prev", "W", "b"], {"activation": activation})
        if ok and checker.check_tuple(case, result, ["A", "cache"]):
            A, cache = result
            hints = HINTS["linear_activation_forward"]
            checker.check(case, A, expected.LINEAR_ACTIVATION_FORWARD[activation], "A",
                          hints["A"].format(activation=activation))
            checker.check(case, cache, ((A_prev, W, b), expected.LINEAR_ACTIVATION_FORWARD_Z), "cache",
                          hints["cache"])
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
        checker.check(case, AL, wanted["AL"], "AL", HINTS["L_model_forward"]["AL"])
        wanted_caches, A_prev = [], X
        L = len(wanted["Z"])
        for l, Z in enumerate(wanted["Z"], start=1):
            wanted_caches.append(((A_prev, parameters["W" + str(l)], parameters["b" + str(l)]), Z))
            A_prev = np.maximum(0, Z)
        checker.check(case, caches, wanted_caches, "caches", HINTS["L_model_forward"]["caches"].format(layers=L))
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
            checker.check(case, cost, wanted, "cost", HINTS["compute_cost"]["cost"])
    checker.finish()


def linear_backward_test(target):
    checker = Checker(target, "linear_backward")
    case = "linear_backward(*linear_backward_test_case())"
    dZ, cache = tc.linear_backward_test_case()
    ok, result, _ = checker.call(case, (dZ, cache), ["dZ", "cache"])
    if ok and checker.check_tuple(case, result, ["dA_prev", "dW", "db"]):
        for name, actual, wanted in zip(("dA_prev", "dW", "db"), result, expected.LINEAR_BACKWARD, strict=True):
            checker.check(case, actual, wanted, name, HINTS["linear_backward"][name])
    checker.finish()


def linear_activation_backward_test(target):
    checker = Checker(target, "linear_activation_backward")
    for activation in ("sigmoid", "relu"):
        case = f"linear_activation_backward(..., activation='{activation}')"
        dA, cache = tc.linear_activation_backward_test_case()
        ok, result, _ = checker.call(case, (dA, cache), ["dA", "cache"], {"activation": activation})
        if ok and checker.check_tuple(case, result, ["dA_prev", "dW", "db"]):
            for name, actual, wanted in zip(("dA_prev", "dW", "db"), result,
                                            expected.LINEAR_ACTIVATION_BACKWARD[activation], strict=True):
                checker.check(case, actual, wanted, name,
                              HINTS["linear_activation_backward"][name].format(activation=activation))
    checker.finish()


def L_model_backward_test(target):
    checker = Checker(target, "L_model_backward")
    for fixture in ("L_model_backward_test_case", "L_model_backward_test_case_3layers"):
        case = f"L_model_backward(*{fixture}())"
        AL, Y, caches = getattr(tc, fixture)()
        ok, grads, _ = checker.call(case, (AL, Y, caches), ["AL", "Y", "caches"])
        if ok:
            checker.check(case, grads, expected.L_MODEL_BACKWARD[fixture], "grads", HINTS["L_model_backward"]["grads"])
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
            checker.check(case, parameters, wanted, "parameters", HINTS["update_parameters"]["parameters"])
    checker.finish()


# ----------------------------------------------------------------------------------------------
# Assignment 2
# ----------------------------------------------------------------------------------------------

def _model_test(target, function_name, fixture, runs):
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
        checker.check(case, parameters, wanted["parameters"], "parameters", HINTS[function_name]["parameters"])
        checker.check(case, costs, wanted["costs"], "costs", HINTS[function_name]["costs"])
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
    _model_test(target, "two_layer_model", tc.two_layer_model_test_case, expected.TWO_LAYER_MODEL)


def L_layer_model_test(target):
    _model_test(target, "L_layer_model", tc.L_layer_model_test_case, expected.L_LAYER_MODEL)
