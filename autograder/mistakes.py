"""Catalogue of known student mistakes, as data.

Each entry is a wrong implementation of one graded function, written the way
students actually get it wrong (from the classic course's forums, solution
repositories and the notes in ``reference/classic-course-facts.md``), and the
pattern that the feedback must contain. The tests run every entry through the
public tests and check that it fails on the right function with the right hint.

The ``code`` of an entry defines the function; it runs in :func:`namespace`,
which holds what the notebooks provide (numpy, copy, the activations and
working versions of the other functions).
"""

import copy
import linecache
from dataclasses import dataclass

import numpy as np

from coursekit import dnn_app_utils, dnn_utils


@dataclass(frozen=True)
class Mistake:
    id: str
    function: str
    description: str
    code: str
    message: str  # regular expression the failure message must match


def namespace():
    """Globals that a solution cell sees in the notebooks."""
    names = {"np": np, "copy": copy}
    for module in (dnn_utils, dnn_app_utils):
        names.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return names


def build(mistake):
    """The wrong function of ``mistake``."""
    scope = namespace()
    filename = f"<mistake {mistake.id}>"
    # Registering the source lets tracebacks quote the failing line, as they do in a notebook.
    linecache.cache[filename] = (len(mistake.code), None, mistake.code.splitlines(True), filename)
    exec(compile(mistake.code, filename, "exec"), scope)
    return scope[mistake.function]


CATALOGUE = [
    Mistake("init-rand", "initialize_parameters_deep", "np.random.rand (uniform) instead of randn",
            """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.rand(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""", r"parameters\['W1'\]: wrong values.*randn, not rand"),
    Mistake("init-no-scale", "initialize_parameters", "weights not multiplied by 0.01",
            """
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    return {"W1": np.random.randn(n_h, n_x), "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h), "b2": np.zeros((n_y, 1))}
""", r"parameters\['W1'\]: wrong values.*100 times the expected value"),
    Mistake("init-swapped-dims", "initialize_parameters", "W1 drawn with shape (n_x, n_h)",
            """
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    return {"W1": np.random.randn(n_x, n_h) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}
""", r"parameters\['W1'\]: has shape \(3, 2\) but should be \(2, 3\).*transposed"),
    Mistake("init-1d-bias", "initialize_parameters_deep", "biases created as 1-D vectors",
            """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros(layer_dims[l])
    return parameters
""", r"parameters\['b1'\]: has shape \(4,\) but should be \(4, 1\)"),
    Mistake("init-deep-off-by-one", "initialize_parameters_deep", "loop stops one layer early",
            """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims) - 1):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""", r"missing key\(s\) \['W2', 'b2'\]"),
    Mistake("forward-transposed", "linear_forward", "Z computed as A^T W^T",
            """
def linear_forward(A, W, b):
    Z = np.dot(A.T, W.T) + b
    return Z, (A, W, b)
""", r"Z: has shape \(2, 1\) but should be \(1, 2\).*transposed"),
    Mistake("forward-no-bias", "linear_forward", "bias forgotten",
            """
def linear_forward(A, W, b):
    Z = np.dot(W, A)
    return Z, (A, W, b)
""", r"Z: wrong values.*np.dot\(W, A\) \+ b"),
    Mistake("forward-cache-order", "linear_forward", "cache stored as (W, A, b)",
            """
def linear_forward(A, W, b):
    return np.dot(W, A) + b, (W, A, b)
""", r"cache\[0\]: has shape \(1, 3\) but should be \(3, 2\)"),
    Mistake("activation-ignored", "linear_activation_forward", "always applies relu",
            """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)
""", r"activation='sigmoid'.*A: wrong values"),
    Mistake("activation-cache-A", "linear_activation_forward", "caches A instead of Z",
            """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, _ = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, A)
""", r"cache\[1\]: wrong values"),
    Mistake("sigmoid-everywhere", "L_model_forward", "sigmoid inside the hidden-layer loop",
            """
def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "sigmoid")
        caches.append(cache)
    return A, caches
""", r"AL: wrong values.*only layer L uses sigmoid"),
    Mistake("forward-L-not-halved", "L_model_forward", "L = len(parameters) instead of len(parameters) // 2",
            """
def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters)
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches
""", r"raised KeyError: 'W4'"),
    Mistake("forward-last-cache-missing", "L_model_forward", "the output layer's cache is not appended",
            """
def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    return AL, caches
""", r"caches: should have 3 items, got 2"),
    Mistake("cost-unsqueezed", "compute_cost", "cost left as a (1, 1) array",
            """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return -(1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
""", r"cost: should be a single number of shape \(\), got ndarray \(1, 1\).*np.squeeze"),
    Mistake("cost-no-negative-class", "compute_cost", "the (1 - Y) log(1 - AL) term is missing",
            """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return np.squeeze(-(1 / m) * np.sum(Y * np.log(AL)))
""", r"cost: wrong values.*\(1 - Y\) \* log\(1 - AL\)"),
    Mistake("cost-no-mean", "compute_cost", "sum instead of mean (no 1/m)",
            """
def compute_cost(AL, Y):
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
""", r"cost: wrong values.*3 times the expected value"),
    Mistake("db-no-keepdims", "linear_backward", "np.sum without keepdims",
            """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m
""", r"db: has shape \(3,\) but should be \(3, 1\).*keepdims=True"),
    Mistake("dW-no-mean", "linear_backward", "dW not divided by m",
            """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / m
""", r"dW: wrong values.*4 times the expected value"),
    Mistake("dA-prev-no-transpose", "linear_backward", "dA_prev = dZ^T W (transposed result)",
            """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(dZ.T, W), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m
""", r"dA_prev: has shape \(4, 5\) but should be \(5, 4\).*transposed"),
    Mistake("m-from-dZ-rows", "linear_backward", "m taken from the wrong axis",
            """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[0]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m
""", r"dW: wrong values.*0\.8 times the expected value"),
    Mistake("backward-swapped-activations", "linear_activation_backward", "relu branch uses sigmoid_backward",
            """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        dZ = relu_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
""", r"activation='sigmoid'.*dA_prev: wrong values"),
    Mistake("old-dA-convention", "L_model_backward", "keys shifted by one (old dA{l+1} convention)",
            """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l + 1)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(l + 2)], caches[l], "relu")
    return grads
""", r"missing key\(s\) \['dA0'\]"),
    Mistake("backward-sigmoid-in-loop", "L_model_backward", "sigmoid used for the hidden layers too",
            """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(l + 1)], caches[l], "sigmoid")
    return grads
""", r"grads\['dA0'\]: wrong values"),
    Mistake("backward-fixed-dA-index", "L_model_backward", "the loop always feeds dA{L-1}",
            """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(L - 1)], caches[l], "relu")
    return grads
""", r"1 problem\(s\) found.*L_model_backward_test_case_3layers\(\)\): L_model_backward raised IndexError"),
    Mistake("backward-wrong-cache", "L_model_backward", "the loop reads caches[l + 1]",
            """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(l + 1)], caches[l + 1], "relu")
    return grads
""", r"raised IndexError: .*Likely cause: arrays of the wrong layer"),
    Mistake("dAL-sign", "L_model_backward", "dAL with the wrong sign",
            """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(
            grads["dA" + str(l + 1)], caches[l], "relu")
    return grads
""", r"grads\['dA0'\]: wrong values.*sign is flipped"),
    Mistake("update-in-place", "update_parameters", "-= on the caller's arrays",
            """
def update_parameters(params, grads, learning_rate):
    L = len(params) // 2
    for l in range(1, L + 1):
        params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return params
""", r"modified its argument params in place"),
    Mistake("update-shallow-copy", "update_parameters", "params.copy() then -= (a shallow copy shares arrays)",
            """
def update_parameters(params, grads, learning_rate):
    parameters = params.copy()
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters
""", r"modified its argument params in place.*copy.deepcopy"),
    Mistake("update-plus", "update_parameters", "gradient ascent (+ instead of -)",
            """
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters["W" + str(l)] = params["W" + str(l)] + learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = params["b" + str(l)] + learning_rate * grads["db" + str(l)]
    return parameters
""", r"parameters\['W1'\]: wrong values"),
    Mistake("update-first-layer-only", "update_parameters", "loop over range(1, L) misses the last layer",
            """
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(1, L):
        parameters["W" + str(l)] = params["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = params["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
""", r"parameters\['W2'\]: wrong values"),
    Mistake("print-precedence-quirk", "two_layer_model", "the last iteration is printed even with print_cost=False",
            """
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters(*layers_dims)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, learning_rate)
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""", r"printed 'Cost after iteration 1: .*' although print_cost=False"),
    Mistake("costs-as-floats", "two_layer_model", "costs stored as Python floats",
            """
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters(*layers_dims)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(float(cost))
    return parameters, costs
""", r"costs should hold the 0-d arrays returned by compute_cost"),
    Mistake("L-model-step-by-step-init", "L_layer_model", "assignment 1's initialisation (seed 3, * 0.01)",
            """
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""", r"parameters\['W1'\]: wrong values.*initialize_parameters_deep\(layers_dims\) from dnn_app_utils"),
    Mistake("costs-include-last", "L_layer_model", "the last iteration's cost is appended too",
            """
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations - 1:
            costs.append(cost)
    return parameters, costs
""", r"costs: should have 1 item, got 2"),
]
