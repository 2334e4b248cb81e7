"""What crosses between the grader and the sandbox survives exactly, and nothing else crosses."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder import wire

numeric = st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_])
array_values = numeric.flatmap(
    lambda dtype: arrays(dtype, array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                   array_values, st.floats(allow_nan=False).map(np.float64), st.integers(-9, 9).map(np.int32))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=8)


def same(a, b):
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, np.floating) and np.isnan(a):
        return type(a) is type(b) and np.isnan(b)
    return type(a) is type(b) and a == b


@given(values)
def test_round_trip(value):
    assert same(wire.decode(wire.loads(wire.dumps(wire.encode(value)))), value)


def test_zero_dimensional_arrays_keep_their_shape():
    cost = np.squeeze(np.array([[0.5]]))
    back = wire.decode(wire.encode(cost))
    assert back.shape == () and back == 0.5
    scalar = wire.decode(wire.encode(np.float64(2.5)))
    assert type(scalar) is np.float64 and scalar == 2.5


@pytest.mark.parametrize("value", [object(), np.array(["a"]), np.array([object()]), {1: 2}, lambda: 0])
def test_refuses_non_data(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


@pytest.mark.parametrize("data", [
    {"ndarray": "AAAA", "dtype": "|O", "shape": [1]},
    {"ndarray": "AAAA", "dtype": "<f8", "shape": [4]},
    {"__reduce__": "os.system"},
    {"tuple": "not a list"},
])
def test_decoding_refuses_anything_unexpected(data):
    with pytest.raises((wire.WireError, ValueError, TypeError)):
        wire.decode(data)


# A sealed memo of foreseen helper results opens only for a call with exactly its arguments.

PARAMS = {"helper": ["A", "W", "b", "activation"]}


@given(values, values)
def test_a_sealed_result_opens_for_its_own_arguments_however_they_are_passed(argument, result):
    memo = wire.seal_memo([("helper", (argument, 1, 2.5), {"activation": "relu"}, result)], PARAMS)
    for args, kwargs in (((argument, 1, 2.5, "relu"), {}), ((argument,), {"W": 1, "b": 2.5, "activation": "relu"}),
                         ((argument, 1, 2.5), {"activation": "relu"})):
        found = wire.open_memo(memo, "helper", args, kwargs)
        assert found is not None and same(result, found[1])


def test_a_sealed_result_stays_shut_for_any_other_call():
    A = np.arange(6.0).reshape(2, 3)
    memo = wire.seal_memo([("helper", (A, 1, 2.5), {"activation": "relu"}, ("secret", A * 7))], PARAMS)
    others = [("helper", (A + 1e-12, 1, 2.5, "relu"), {}), ("helper", (A, 1, 2.5, "sigmoid"), {}),
              ("helper", (A.astype(np.float32), 1, 2.5, "relu"), {}), ("helper", (A, 1, 2.5), {}),
              ("other", (A, 1, 2.5, "relu"), {}), ("helper", (A,), {"activation": "relu", "b": 2.5})]
    for name, args, kwargs in others:
        assert wire.open_memo(memo, name, args, kwargs) is None, (name, args, kwargs)
    assert wire.open_memo(memo, "helper", (A, 1), {"activation": "relu", "b": 2.5}) is not None  # the same call
    # Nothing of the result can be read from the memo itself: neither the text nor the array's bytes.
    text = str(memo)
    assert "secret" not in text and wire.encode(A * 7)["ndarray"] not in text
    assert wire.open_memo(None, "helper", (A, 1, 2.5, "relu"), {}) is None


def test_arguments_bind_to_parameters_only_in_order():
    params = ["A", "W", "b", "activation"]
    assert wire.bound_arguments(params, (1, 2), {"b": 3, "activation": 4}) == [1, 2, 3, 4]
    assert wire.bound_arguments(params, (1,), {"activation": 4}) is None  # a gap: W and b missing
    assert wire.bound_arguments(params, (1, 2, 3, 4, 5), {}) is None
    assert wire.bound_arguments(params, (1, 2, 3), {"activation": 4, "extra": 5}) is None
    assert wire.bound_arguments(None, (1,), {}) is None
