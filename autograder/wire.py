"""Data encoding between the grader and the sandboxed process that runs student code.

Only plain data crosses: None, bool, int, float, str, lists, tuples, dicts with string
keys, and numpy arrays of numeric or boolean dtype (sent as raw bytes). Nothing is
unpickled, so a submission cannot smuggle code or objects into the grader.
"""

import base64
import hashlib
import json
import secrets

import numpy as np

MAX_DEPTH = 64
MAX_NODES = 200_000  # values rebuilt from one answer; the course's largest answer has a few hundred


class WireError(ValueError):
    """A value that cannot cross between the grader and the sandbox."""


def encode(value, depth=0):
    """A JSON-compatible form of ``value``."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if isinstance(value, np.generic):  # first: np.float64 is also a Python float
        return {"scalar": encode(np.asarray(value), depth + 1)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(value, int) else {"float": repr(float(value))}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise WireError(f"array of dtype {value.dtype} cannot be graded (numbers only)")
        array = np.array(value, order="C", copy=True)  # (ascontiguousarray would turn 0-d into 1-d)
        return {"ndarray": base64.b64encode(array.tobytes()).decode("ascii"), "dtype": array.dtype.str,
                "shape": list(array.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item, depth + 1) for item in value]}
    if isinstance(value, list):
        return [encode(item, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise WireError("dict keys must be strings")
        return {"dict": {key: encode(item, depth + 1) for key, item in value.items()}}
    raise WireError(f"values of type {type(value).__name__} cannot be graded")


def decode(data, depth=0, budget=None):
    """The value that :func:`encode` turned into ``data``; raises :class:`WireError` on anything else.

    At most :data:`MAX_NODES` values (an array counts as one) are rebuilt: a forged answer of
    millions of tiny items costs the grader a bounded amount of memory and time.
    """
    budget = [MAX_NODES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError(f"more than {MAX_NODES} values in one answer")
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if data is None or isinstance(data, (bool, str, int)):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1, budget) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        (kind, payload), = data.items()
        if kind == "float" and isinstance(payload, str):
            return float(payload)
        if kind == "scalar" and isinstance(payload, dict):
            array = decode(payload, depth + 1, budget)
            if not isinstance(array, np.ndarray) or array.shape != ():
                raise WireError("a numpy scalar must hold one value")
            return array[()]
        if kind == "tuple" and isinstance(payload, list):
            return tuple(decode(item, depth + 1, budget) for item in payload)
        if kind == "dict" and isinstance(payload, dict):
            return {str(key): decode(item, depth + 1, budget) for key, item in payload.items()}
    if isinstance(data, dict) and set(data) == {"ndarray", "dtype", "shape"}:
        dtype = np.dtype(data["dtype"])
        if dtype.kind not in "biuf":
            raise WireError(f"array dtype {dtype} refused")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["ndarray"], validate=True)
        if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError("array size does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    raise WireError("unexpected data from the sandbox")


def dumps(message):
    return json.dumps(message, separators=(",", ":")) + "\n"


def loads(line):
    return json.loads(line)


# ----------------------------------------------------------------------------------------------
# Foreseen helper results (a sealed memo)
# ----------------------------------------------------------------------------------------------
# While a graded function runs in the sandbox, the other graded functions it calls are the answer
# key's, computed by the grader on request (one round trip each). For the calls that a correct
# function makes, the grader can foresee the arguments (it runs the answer key on the same
# inputs) and send the results ahead, each sealed with a key derived from its exact arguments:
# the child can open an entry only by passing exactly those arguments, which is what asking the
# grader would have given it anyway. Any other call still goes to the grader.


def bound_arguments(params, args, kwargs):
    """``args`` and ``kwargs`` as one positional list in the order of ``params`` (the function's parameter
    names), so that a call matches however its arguments were passed; None when they do not bind."""
    if params is None or len(args) > len(params):
        return None
    values = list(args)
    for name in params[len(args):len(args) + len(kwargs)]:
        if name not in kwargs:
            return None
        values.append(kwargs[name])
    return values if len(values) == len(args) + len(kwargs) else None


def _memo_material(name, params, args, kwargs):
    bound = bound_arguments(params, args, kwargs)
    if bound is None:
        return None
    try:
        return name.encode() + b"\0" + dumps(encode(tuple(bound))).encode()
    except (WireError, TypeError, ValueError, RecursionError):
        return None


def _xor_stream(salt, material, data):
    """``data`` XOR a keystream derived from ``salt`` and ``material``: seals, and opens what it sealed."""
    stream = hashlib.shake_256(b"course-memo-key\0" + salt + material).digest(len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _index(salt, material):
    return hashlib.sha256(b"course-memo-index\0" + salt + material).hexdigest()


def seal_memo(records, params):
    """A memo of ``records`` = ``[(name, args, kwargs, result)]`` for the child.

    ``params`` maps each helper's name to its parameter names (:func:`bound_arguments`).
    """
    salt = secrets.token_bytes(16)
    entries = {}
    for name, args, kwargs, result in records:
        material = _memo_material(name, params.get(name), args, kwargs)
        if material is None:
            continue
        try:
            plain = dumps(encode(result)).encode()
        except WireError:
            continue
        entries[_index(salt, material)] = base64.b64encode(_xor_stream(salt, material, plain)).decode("ascii")
    return {"salt": salt.hex(), "params": params, "entries": entries}


def open_memo(memo, name, args, kwargs):
    """``(True, result)`` when ``memo`` holds the call ``name(*args, **kwargs)``, else None (ask the grader)."""
    if not memo:
        return None
    material = _memo_material(name, memo["params"].get(name), args, kwargs)
    if material is None:
        return None
    salt = bytes.fromhex(memo["salt"])
    sealed = memo["entries"].get(_index(salt, material))
    if sealed is None:
        return None
    return True, decode(loads(_xor_stream(salt, material, base64.b64decode(sealed))))
