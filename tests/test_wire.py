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
