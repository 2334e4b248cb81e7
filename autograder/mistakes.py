"""Catalogue of known student mistakes, as small edits of the answer key.

Each entry names a graded function, the way students actually get it wrong (from the classic
course's forums, public solution repositories and the facts sheet the course was specified
from) as one or two :class:`Edit` of the function's solution cell (a line replaced, an argument
changed), the pattern that the feedback must contain and the cause id that the public test
must report. Because the wrong code is derived from the answer key
(:mod:`autograder.reference_models`) rather than typed again, a change to a solution cell
reaches every mistake; an edit that no longer applies (its text is not found, or found more
often than it expects) raises :class:`StaleMistakeError` naming the mistake, so a stale
catalogue fails loudly instead of testing something else.

The tests run every entry through the public and the hidden tests; the sample class of the
demo and the benchmarks pastes :attr:`Mistake.code` into notebooks. :func:`build` defines the
wrong function in :func:`namespace`, which holds what the notebooks provide (numpy, copy, the
activations and working versions of the other functions).
"""

import copy
import itertools
from dataclasses import dataclass

import numpy as np

from autograder.reference_models import answer_key_source, define
from coursekit import dnn_app_utils, dnn_utils


class StaleMistakeError(ValueError):
    """A mistake whose edit does not apply to the current answer key."""


@dataclass(frozen=True)
class Edit:
    """Replace the text ``old`` of a solution by ``new``; ``old`` must occur exactly ``count`` times."""

    old: str
    new: str
    count: int = 1


@dataclass(frozen=True)
class Mistake:
    """One known mistake.

    Attributes
    ----------
    id : str, stable name of the mistake
    function : str, the graded function it breaks
    description : str, what the student did
    edits : tuple of :class:`Edit`, applied together to the function's solution
    message : str, regular expression that the public test's message must match (its hint)
    cause : str, cause id (``coursekit.public_tests.CAUSES``) that the public test must report
    redefines : tuple of str, answer-key functions the student pastes before the function
        (e.g. assignment 1's ``initialize_parameters_deep`` in assignment 2), so that they are
        the student's own helpers
    uses : tuple of str, ids of other mistakes whose wrong function is pasted first: the
        function is right but calls a helper of the student's that is not
    absent : str, regular expression that the message must *not* match (a hint that would
        mislead here), or ""
    """

    id: str
    function: str
    description: str
    edits: tuple
    message: str
    cause: str
    redefines: tuple = ()
    uses: tuple = ()
    absent: str = ""

    @property
    def code(self):
        """The source of the wrong function (after any function it redefines)."""
        return mistaken_source(self)


def apply_edits(source, edits, label="?"):
    """``source`` with every edit applied; the edits are located in ``source`` as given, together.

    ``label`` names the mistake in errors.
    """
    spans = []
    for edit in edits:
        starts, position = [], source.find(edit.old)
        while edit.old and position >= 0:
            starts.append(position)
            position = source.find(edit.old, position + len(edit.old))
        if len(starts) != edit.count:
            raise StaleMistakeError(
                f"mistake {label}: the answer key contains {edit.old!r} {len(starts)} time(s), the edit "
                f"expects {edit.count}; update the mistake to the solution cell in source/")
        spans += [(start, start + len(edit.old), edit.new) for start in starts]
    spans.sort()
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise StaleMistakeError(f"mistake {label}: two of its edits overlap")
    pieces, position = [], 0
    for start, end, new in spans:
        pieces += [source[position:start], new]
        position = end
    return "".join(pieces) + source[position:]


def mistaken_source(mistake):
    """The answer key of ``mistake.function`` with the mistake's edits, after what it redefines."""
    label = f"{mistake.id!r} ({mistake.function})"
    if not mistake.edits and not mistake.redefines and not mistake.uses:
        raise StaleMistakeError(f"mistake {label} changes nothing: give it an edit")
    by_id = {known.id: known for known in CATALOGUE}
    unknown = [other for other in mistake.uses if other not in by_id]
    if unknown:
        raise StaleMistakeError(f"mistake {label} uses unknown mistake(s) {unknown}")
    try:
        sources = [mistaken_source(by_id[other]) for other in mistake.uses]
        sources += [answer_key_source(name) for name in mistake.redefines]
        sources.append(apply_edits(answer_key_source(mistake.function), mistake.edits, label))
    except KeyError as error:
        raise StaleMistakeError(f"mistake {label}: {error.args[0]}") from None
    return "\n\n".join(sources)


def namespace():
    """Globals that a solution cell sees in the notebooks."""
    names = {"np": np, "copy": copy}
    for module in (dnn_utils, dnn_app_utils):
        names.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return names


def build(mistake):
    """The wrong function of ``mistake``."""
    scope = namespace()
    define(mistake.code, scope, f"<mistake {mistake.id}>")
    return scope[mistake.function]


def _mistake(id, function, description, edits, message, cause, redefines=(), uses=(), absent=""):
    edits = tuple(Edit(*edit) for edit in edits)
    return Mistake(id, function, description, edits, message, cause, tuple(redefines), tuple(uses), absent)


# A missing-factor hint where no factor is missing sends students after a 1/m they have.
NO_FACTOR = r"times the expected value"


CATALOGUE = [
    # initialize_parameters, initialize_parameters_deep
    _mistake("init-rand", "initialize_parameters_deep", "np.random.rand (uniform) instead of randn",
             [("np.random.randn(", "np.random.rand(")],
             r"parameters\['W1'\]: wrong values.*randn, not rand", "wrong-values"),
    _mistake("init-no-scale", "initialize_parameters", "weights not multiplied by 0.01",
             [(" * 0.01", "", 2)],
             r"parameters\['W1'\]: wrong values.*100 times the expected value", "missing-factor"),
    _mistake("init-swapped-dims", "initialize_parameters", "W1 drawn with shape (n_x, n_h)",
             [("np.random.randn(n_h, n_x)", "np.random.randn(n_x, n_h)")],
             r"parameters\['W1'\]: has shape \(3, 2\) but should be \(2, 3\).*transposed", "transposed"),
    _mistake("init-1d-bias", "initialize_parameters_deep", "biases created as 1-D vectors",
             [("np.zeros((layer_dims[l], 1))", "np.zeros(layer_dims[l])")],
             r"parameters\['b1'\]: has shape \(4,\) but should be \(4, 1\)", "sum-dropped-axis"),
    _mistake("init-deep-off-by-one", "initialize_parameters_deep", "loop stops one layer early",
             [("for l in range(1, L + 1):", "for l in range(1, L):")],
             r"missing key\(s\) \['W2', 'b2'\]", "missing-keys"),
    # linear_forward, linear_activation_forward, L_model_forward
    _mistake("forward-transposed", "linear_forward", "Z computed as A^T W^T",
             [("np.dot(W, A)", "np.dot(A.T, W.T)")],
             r"Z: has shape \(2, 1\) but should be \(1, 2\).*transposed", "transposed"),
    _mistake("forward-no-bias", "linear_forward", "bias forgotten",
             [("Z = np.dot(W, A) + b", "Z = np.dot(W, A)")],
             r"Z: wrong values.*matrix product of W and A \(np.dot, W first\) plus b", "wrong-values"),
    _mistake("forward-cache-order", "linear_forward", "cache stored as (W, A, b)",
             [("cache = (A, W, b)", "cache = (W, A, b)")],
             r"cache\[0\]: has shape \(1, 3\) but should be \(3, 2\)", "wrong-shape"),
    _mistake("activation-ignored", "linear_activation_forward", "always applies relu",
             [("A, activation_cache = sigmoid(Z)", "A, activation_cache = relu(Z)")],
             r"activation='sigmoid'.*A: wrong values", "wrong-values"),
    _mistake("activation-cache-A", "linear_activation_forward", "caches A instead of Z",
             [("cache = (linear_cache, activation_cache)", "cache = (linear_cache, A)")],
             r"cache\[1\]: wrong values", "wrong-values"),
    _mistake("sigmoid-everywhere", "L_model_forward", "sigmoid inside the hidden-layer loop",
             [('activation="relu"', 'activation="sigmoid"')],
             r"AL: wrong values.*only layer L uses sigmoid", "wrong-values"),
    _mistake("forward-L-not-halved", "L_model_forward", "L = len(parameters) instead of len(parameters) // 2",
             [("L = len(parameters) // 2", "L = len(parameters)")],
             r"raised KeyError: 'W4'", "exception:KeyError"),
    _mistake("forward-last-cache-missing", "L_model_forward", "the output layer's cache is not appended",
             [("    caches.append(cache)\n\n    return AL, caches", "    return AL, caches")],
             r"caches: should have 3 items, got 2", "wrong-length"),
    # compute_cost
    _mistake("cost-unsqueezed", "compute_cost", "the cost computed with np.dot, a (1, 1) array, and not squeezed",
             [("np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))",
               "(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))"),
              ("cost = np.squeeze(cost)", "pass")],
             r"cost: should be a single number of shape \(\), got ndarray \(1, 1\).*np.squeeze", "cost-not-squeezed"),
    _mistake("cost-no-negative-class", "compute_cost", "the (1 - Y) log(1 - AL) term is missing",
             [(" + (1 - Y) * np.log(1 - AL)", "")],
             r"cost: wrong values.*\(1 - Y\) \* log\(1 - AL\)", "wrong-values"),
    _mistake("cost-no-mean", "compute_cost", "sum instead of mean (no 1/m)",
             [("-(1 / m) * np.sum(", "-np.sum(")],
             r"cost: wrong values.*3 times the expected value", "missing-factor"),
    # linear_backward, linear_activation_backward
    _mistake("db-no-keepdims", "linear_backward", "np.sum without keepdims",
             [(", keepdims=True", "")],
             r"db: has shape \(3,\) but should be \(3, 1\).*keepdims=True", "sum-dropped-axis"),
    _mistake("dW-no-mean", "linear_backward", "dW not divided by m",
             [("dW = (1 / m) * np.dot(", "dW = np.dot(")],
             r"dW: wrong values.*4 times the expected value", "missing-factor"),
    _mistake("dA-prev-no-transpose", "linear_backward", "dA_prev = dZ^T W (transposed result)",
             [("dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(dZ.T, W)")],
             r"dA_prev: has shape \(4, 5\) but should be \(5, 4\).*transposed", "transposed"),
    _mistake("m-from-dZ-rows", "linear_backward", "m taken from the wrong axis",
             [("m = A_prev.shape[1]", "m = A_prev.shape[0]")],
             r"dW: wrong values.*0\.8 times the expected value", "missing-factor"),
    _mistake("backward-swapped-activations", "linear_activation_backward", "relu branch uses sigmoid_backward",
             [("relu_backward(dA", "sigmoid_backward(dA"), ("sigmoid_backward(dA", "relu_backward(dA")],
             r"activation='sigmoid'.*dA_prev: wrong values", "wrong-values"),
    _mistake("backward-relu-uses-sigmoid", "linear_activation_backward", "sigmoid_backward in the relu branch too",
             [("relu_backward(dA", "sigmoid_backward(dA")],
             r"activation='relu'\): dA_prev: wrong values in every entry \(3 of them where 0 is expected\).*"
             r"Likely cause: dZ = relu_backward\(dA, activation_cache\)", "wrong-values", absent=NO_FACTOR),
    _mistake("backward-cache-halves-swapped", "linear_activation_backward",
             "linear_backward given the activation cache (its own linear_backward pasted above)",
             [("linear_backward(dZ, linear_cache)", "linear_backward(dZ, activation_cache)", 2)],
             r"raised ValueError: not enough values to unpack.*"
             r"\(at `dA_prev, dW, db = linear_backward\(dZ, activation_cache\)`\)\. "
             r"Likely cause: a tuple unpacked into the wrong number of names", "exception:ValueError",
             redefines=["linear_backward"]),
    _mistake("helper-db-no-keepdims", "linear_activation_backward",
             "right, but calls the student's linear_backward, which drops keepdims", [],
             r"db: has shape \(1,\) but should be \(1, 1\).*"
             r"Note: this may come from linear_backward, which fails its own test", "sum-dropped-axis",
             uses=["db-no-keepdims"]),
    # L_model_backward
    _mistake("old-dA-convention", "L_model_backward", "keys shifted by one (old dA{l+1} convention)",
             [('grads["dA" + str(L - 1)] = dA_prev_temp', 'grads["dA" + str(L)] = dA_prev_temp'),
              ('backward(grads["dA" + str(l + 1)]', 'backward(grads["dA" + str(l + 2)]'),
              ('grads["dA" + str(l)] = dA_prev_temp', 'grads["dA" + str(l + 1)] = dA_prev_temp')],
             r"missing key\(s\) \['dA0'\]", "missing-keys"),
    _mistake("backward-sigmoid-in-loop", "L_model_backward", "sigmoid used for the hidden layers too",
             [('activation="relu"', 'activation="sigmoid"')],
             r"grads\['dA0'\]: wrong values", "wrong-values"),
    _mistake("backward-fixed-dA-index", "L_model_backward", "the loop always feeds dA{L-1}",
             [('backward(grads["dA" + str(l + 1)]', 'backward(grads["dA" + str(L - 1)]')],
             r"1 problem\(s\) found.*L_model_backward_test_case_3layers\(\)\): L_model_backward raised IndexError.*"
             r"Likely cause: the dA and the cache given to one layer's backward step belong to different layers.*"
             r"layer l \+ 1 reads grads\['dA' \+ str\(l \+ 1\)\] with caches\[l\]", "exception:IndexError"),
    _mistake("backward-wrong-cache", "L_model_backward", "the loop reads caches[l + 1]",
             [("current_cache = caches[l]", "current_cache = caches[l + 1]")],
             r"raised IndexError: .*Likely cause: the dA and the cache given to one layer's backward step belong to "
             r"different layers", "exception:IndexError"),
    _mistake("backward-dA-key-l", "L_model_backward", "the loop reads grads['dA' + str(l)], not yet stored",
             [('backward(grads["dA" + str(l + 1)]', 'backward(grads["dA" + str(l)]')],
             r"raised KeyError: 'dA0'.*Likely cause: grads has no key 'dA0' yet when your loop reads it\. "
             r"The convention: .*layer l \+ 1 reads grads\['dA' \+ str\(l \+ 1\)\] with caches\[l\]",
             "exception:KeyError"),
    _mistake("dAL-AL-minus-Y", "L_model_backward", "dAL = AL - Y (that is dZ of the sigmoid layer, not dA)",
             [("dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))", "dAL = AL - Y")],
             r"grads\['dA0'\]: wrong values in 4 of 8 entries \(column 1\).*Likely cause: start from "
             r"dAL = -\(Y/AL.*grads\['dA1'\]: wrong values.*each example \(column\) is off by a different factor",
             "per-example-factor", absent=NO_FACTOR),
    _mistake("dAL-sign", "L_model_backward", "dAL with the wrong sign",
             [("dAL = -(np.divide(", "dAL = (np.divide(")],
             r"grads\['dA0'\]: wrong values.*sign is flipped", "sign-flipped"),
    # update_parameters
    _mistake("update-in-place", "update_parameters", "-= on the caller's arrays",
             [("parameters = copy.deepcopy(params)", "parameters = params"),
              (' = params["W" + str(l + 1)] - learning_rate', " -= learning_rate"),
              (' = params["b" + str(l + 1)] - learning_rate', " -= learning_rate")],
             r"modified its argument params in place", "mutated-input"),
    _mistake("update-shallow-copy", "update_parameters", "params.copy() then -= (a shallow copy shares arrays)",
             [("copy.deepcopy(params)", "params.copy()"),
              (' = params["W" + str(l + 1)] - learning_rate', " -= learning_rate"),
              (' = params["b" + str(l + 1)] - learning_rate', " -= learning_rate")],
             r"modified its argument params in place.*copy.deepcopy", "mutated-input"),
    _mistake("update-plus", "update_parameters", "gradient ascent (+ instead of -)",
             [("] - learning_rate * grads", "] + learning_rate * grads", 2)],
             r"parameters\['W1'\]: wrong values", "wrong-values"),
    _mistake("update-first-layer-only", "update_parameters", "loop over range(L - 1) misses the last layer",
             [("for l in range(L):", "for l in range(L - 1):")],
             r"parameters\['W2'\]: wrong values", "wrong-values"),
    # two_layer_model, L_layer_model
    _mistake("print-precedence-quirk", "two_layer_model", "the last iteration is printed even with print_cost=False",
             [("if print_cost and (i % 100 == 0 or i == num_iterations - 1):",
               "if print_cost and i % 100 == 0 or i == num_iterations - 1:")],
             r"printed 'Cost after iteration 1: .*' although print_cost=False", "printed-when-quiet"),
    _mistake("costs-as-floats", "two_layer_model", "costs stored as Python floats",
             [("costs.append(cost)", "costs.append(float(cost))")],
             r"costs should hold the 0-d arrays returned by compute_cost", "costs-not-arrays"),
    _mistake("L-model-step-by-step-init", "L_layer_model", "assignment 1's initialisation (seed 3, * 0.01) pasted in",
             [], r"parameters\['W1'\]: wrong values.*initialize_parameters_deep\(layers_dims\) from dnn_app_utils",
             "wrong-values", redefines=["initialize_parameters_deep"]),
    _mistake("costs-include-last", "L_layer_model", "the last iteration's cost is appended too",
             [("if i % 100 == 0:", "if i % 100 == 0 or i == num_iterations - 1:")],
             r"costs: should have 1 item, got 2", "wrong-length"),
]
