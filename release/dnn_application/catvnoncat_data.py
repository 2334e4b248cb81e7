"""Loading and checking the cat / non-cat image sets.

Three sets share one HDF5 schema (keys ``train_set_x``, ``train_set_y``,
``list_classes`` in the train file, ``test_set_*`` and ``list_classes`` in the test
file; images ``(m, 64, 64, 3) uint8``, labels ``(m,)`` integers in {0, 1}):

* ``classic``: the original course files ``train_catvnoncat.h5`` / ``test_catvnoncat.h5``.
  They are not openly licensed, so they are never shipped; an instructor drops
  them into ``datasets/`` and they are recognised by their sha256.
* ``open``: the course's own procedurally drawn set, shipped with the course.
* ``custom``: a set built from the instructor's own photos by
  ``python tools/images_to_h5.py``; it comes with a JSON manifest of its checksums.

``load_data()`` picks ``classic`` when those files are present and ``open``
otherwise; ``CATVNONCAT_SOURCE`` or the ``source`` argument forces a choice.
"""

import hashlib
import json
import os
from pathlib import Path

import h5py
import numpy as np

IMAGE_SHAPE = (64, 64, 3)

FILES = {
    "classic": ("train_catvnoncat.h5", "test_catvnoncat.h5"),
    "open": ("open_train_catvnoncat.h5", "open_test_catvnoncat.h5"),
    "custom": ("custom_train_catvnoncat.h5", "custom_test_catvnoncat.h5"),
}

CLASSIC_SHA256 = {
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}

# Written by tools/make_open_dataset.py; a test rebuilds the set and compares.
OPEN_SHA256 = {
    "open_train_catvnoncat.h5": "f0f7f834a404ccd53765162618641d80ff5affbeaf18007634c3aa3f9a0306a2",
    "open_test_catvnoncat.h5": "64fec9be2460ed1564a45a8bc643bdfd4755827a0c92cca6ee211d5830adced8",
}

CUSTOM_MANIFEST = "custom_catvnoncat.json"


class DataError(ValueError):
    """A data file is missing, unreadable or not in the expected schema."""


def sha256_of(path):
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def candidate_dirs(data_dir=None):
    """Folders that may hold the HDF5 files, in the order they are searched.

    The ``data_dir`` argument alone if given, else ``$CATVNONCAT_DATA_DIR`` alone if set,
    else ``./datasets`` in the working directory, then a ``datasets`` folder one or two levels
    up (the course repository's, seen from ``source/``, ``release/`` or ``notebooks/<assignment>/``,
    so that classic files dropped there serve every notebook of the course), then the one next
    to the folder of this module (the repository's, seen from ``utils/``).
    """
    if data_dir is not None:
        return [Path(data_dir)]
    if os.environ.get("CATVNONCAT_DATA_DIR"):
        return [Path(os.environ["CATVNONCAT_DATA_DIR"])]
    here = Path.cwd()
    folders = [here / "datasets", *(up / "datasets" for up in list(here.parents)[:2]),
               Path(__file__).resolve().parent.parent / "datasets"]
    return [folder for i, folder in enumerate(folders) if folder.resolve() not in {f.resolve() for f in folders[:i]}]


def expected_checksums(source, folder):
    """sha256 per file name that the files of ``source`` must have."""
    if source == "classic":
        return CLASSIC_SHA256
    if source == "open":
        return OPEN_SHA256
    manifest = folder / CUSTOM_MANIFEST
    if not manifest.is_file():
        raise DataError(f"{manifest}: missing. It is written by tools/images_to_h5.py next to the custom files.")
    try:
        return json.loads(manifest.read_text())["sha256"]
    except (ValueError, KeyError) as error:
        raise DataError(f"{manifest}: not a valid manifest ({error}).") from None


def verify_checksum(path, source, folder):
    """Raise :class:`DataError` unless ``path`` has the checksum ``source`` expects."""
    expected = expected_checksums(source, folder).get(path.name)
    actual = sha256_of(path)
    if actual == expected:
        return
    known = {**CLASSIC_SHA256, **OPEN_SHA256}
    other = [name for name, digest in known.items() if digest == actual]
    hint = f" It is a copy of {other[0]}; give it that name." if other else (
        " It matches neither the classic course file nor the course's open set: "
        "re-download it, or rebuild your own set with tools/images_to_h5.py.")
    raise DataError(f"{path}: sha256 {actual} does not match the expected {expected}.{hint}")


def read_split(path, split):
    """Read and check one HDF5 file.

    Parameters
    ----------
    path : pathlib.Path
    split : str, ``"train"`` or ``"test"``

    Returns
    -------
    x : (m, 64, 64, 3) uint8; y : (m,) int64; classes : (2,) bytes array
    """
    if not path.is_file():
        raise DataError(f"{path}: file not found.")
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise DataError(f"{path}: not a readable HDF5 file ({error}).") from None
    with handle:
        wanted = [f"{split}_set_x", f"{split}_set_y", "list_classes"]
        missing = [key for key in wanted if key not in handle]
        if missing:
            raise DataError(f"{path}: missing key(s) {missing}; found {sorted(handle.keys())}.")
        x = np.array(handle[wanted[0]])
        y = np.array(handle[wanted[1]])
        classes = np.array(handle["list_classes"])
    m = x.shape[0] if x.ndim else 0
    if x.dtype != np.uint8 or x.shape[1:] != IMAGE_SHAPE:
        raise DataError(f"{path}: {wanted[0]} must be uint8 of shape (m, 64, 64, 3); got {x.dtype} {x.shape}.")
    if y.shape != (m,) or y.dtype.kind not in "iu" or not np.isin(y, (0, 1)).all():
        raise DataError(f"{path}: {wanted[1]} must hold {m} integer labels in {{0, 1}}; got {y.dtype} {y.shape}.")
    if classes.shape != (2,) or classes.dtype.kind != "S":
        raise DataError(f"{path}: list_classes must be 2 byte strings; got {classes.dtype} {classes.shape}.")
    return x, y.astype(np.int64), classes


def resolve_source(source=None, data_dir=None):
    """Which set to load and from where: ``(source, folder)``.

    ``source`` is the argument, else ``$CATVNONCAT_SOURCE``, else ``auto``: the classic files
    if some candidate folder holds both, otherwise the open set.
    """
    source = source or os.environ.get("CATVNONCAT_SOURCE") or "auto"
    if source != "auto" and source not in FILES:
        raise DataError(f"unknown data source {source!r}; use one of auto, {', '.join(FILES)}.")
    folders = candidate_dirs(data_dir)
    wanted = ["classic", "open"] if source == "auto" else [source]
    for kind in wanted:
        for folder in folders:
            present = [name for name in FILES[kind] if (folder / name).exists()]
            if kind == "classic" and len(present) == 1:
                raise DataError(f"{folder}: found {present[0]} but not its partner; "
                                "add both classic files or neither.")
            if len(present) == 2:
                return kind, folder
    names = " and ".join(FILES[wanted[-1]])
    raise DataError(f"{names}: file not found in {', '.join(str(f) for f in folders)} "
                    f"(data source {source!r}). See datasets/README.md.")


DESCRIPTIONS = {
    "classic": "the classic course photographs",
    "open": "the course's open data set (procedurally drawn pictures, CC0)",
    "custom": "a custom data set built by tools/images_to_h5.py",
}


def describe(source, folder, m_train, m_test):
    """One line naming the set that was loaded and the folder it came from.

    The folder is shown relative to the working directory when it is inside it, so the
    line is the same on every machine for a notebook run next to its ``datasets/`` folder.
    """
    folder = Path(folder).resolve()
    try:
        shown = folder.relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:
        shown = str(folder)
    return f"Loaded {DESCRIPTIONS[source]} from {shown}: {m_train} training and {m_test} test images."


def load_data(data_dir=None, source=None, verify=True, announce=True):
    """Load the train and test sets.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder of the HDF5 files (default: see :func:`candidate_dirs`).
    source : str, optional
        ``"classic"``, ``"open"``, ``"custom"`` or ``"auto"`` (default).
    verify : bool
        Check each file's sha256 against the set it claims to be.
    announce : bool
        Print one line (:func:`describe`) saying which set was loaded and from where, so
        a student knows which of the notebook's expected numbers apply.

    Returns
    -------
    train_x_orig : (m_train, 64, 64, 3) uint8
    train_y : (1, m_train) int64
    test_x_orig : (m_test, 64, 64, 3) uint8
    test_y : (1, m_test) int64
    classes : (2,) bytes, ``[b'non-cat', b'cat']``, read from the test file
    """
    source, folder = resolve_source(source, data_dir)
    paths = [folder / name for name in FILES[source]]
    if verify:
        for path in paths:
            verify_checksum(path, source, folder)
    train_x, train_y, _ = read_split(paths[0], "train")
    test_x, test_y, classes = read_split(paths[1], "test")
    if announce:
        print(describe(source, folder, len(train_y), len(test_y)))
    return train_x, train_y.reshape(1, -1), test_x, test_y.reshape(1, -1), classes


def write_split(path, split, x, y, classes=(b"non-cat", b"cat")):
    """Write one file in the course schema, byte-for-byte reproducibly.

    Parameters
    ----------
    path : str or Path
    split : str, ``"train"`` or ``"test"``
    x : (m, 64, 64, 3) uint8; y : (m,) integers in {0, 1}
    classes : two byte strings, index 0 = non-cat
    """
    x = np.asarray(x)
    y = np.asarray(y, dtype=np.int64)
    if x.dtype != np.uint8 or x.shape[1:] != IMAGE_SHAPE or y.shape != (x.shape[0],):
        raise DataError(f"{path}: refusing to write images {x.dtype} {x.shape} with labels {y.shape}.")
    # No timestamps and a fixed file-format version, so rebuilding gives identical bytes.
    with h5py.File(path, "w", libver=("earliest", "v110"), track_order=False) as handle:
        handle.create_dataset("list_classes", data=np.array(classes, dtype="S7"), track_times=False)
        handle.create_dataset(f"{split}_set_x", data=x, track_times=False)
        handle.create_dataset(f"{split}_set_y", data=y, track_times=False)
