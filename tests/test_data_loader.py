"""load_data: the open set, a stand-in for the classic files, and every kind of bad data."""

from pathlib import Path

import h5py
import numpy as np
import pytest

from coursekit import catvnoncat_data as data

pytestmark = pytest.mark.data
REPO_DATASETS = Path(__file__).resolve().parent.parent / "datasets"


@pytest.fixture(autouse=True)
def automatic_source(monkeypatch):
    """These tests exercise the automatic choice, whatever the session's CATVNONCAT_SOURCE is."""
    monkeypatch.delenv("CATVNONCAT_SOURCE", raising=False)
    monkeypatch.delenv("CATVNONCAT_DATA_DIR", raising=False)


def tiny_split(m, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(m, 64, 64, 3), dtype=np.uint8)
    y = (np.arange(m) % 3 == 0).astype(np.int64)
    return x, y


@pytest.fixture
def classic_standin(tmp_path, monkeypatch):
    """Tiny files under the classic names, recognised by patching the classic checksums."""
    for split, m, seed in (("train", 7, 1), ("test", 4, 2)):
        x, y = tiny_split(m, seed)
        data.write_split(tmp_path / f"{split}_catvnoncat.h5", split, x, y)
    monkeypatch.setattr(data, "CLASSIC_SHA256", {
        name: data.sha256_of(tmp_path / name) for name in data.FILES["classic"]})
    return tmp_path


def test_open_set_is_the_default(tmp_path):
    train_x, train_y, test_x, test_y, classes = data.load_data(data_dir=REPO_DATASETS, source="auto")
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert list(classes) == [b"non-cat", b"cat"]
    assert 0.30 <= train_y.mean() <= 0.40
    assert set(np.unique(train_y)) == {0, 1} and set(np.unique(test_y)) == {0, 1}


def test_classic_files_win_when_present(classic_standin):
    train_x, train_y, test_x, test_y, classes = data.load_data(data_dir=classic_standin)
    expected_x, expected_y = tiny_split(7, 1)
    np.testing.assert_array_equal(train_x, expected_x)
    np.testing.assert_array_equal(train_y, expected_y.reshape(1, -1))
    assert test_x.shape == (4, 64, 64, 3) and test_y.shape == (1, 4)


def test_source_can_be_forced_by_environment(classic_standin, monkeypatch):
    monkeypatch.setenv("CATVNONCAT_SOURCE", "open")
    with pytest.raises(data.DataError, match="open_train_catvnoncat.h5 and open_test_catvnoncat.h5: file not found"):
        data.load_data(data_dir=classic_standin)


def test_classic_files_in_the_repository_serve_a_notebook_folder(classic_standin, tmp_path, monkeypatch):
    notebook_folder = tmp_path / "notebook"
    (notebook_folder / "datasets").mkdir(parents=True)
    monkeypatch.chdir(notebook_folder)
    monkeypatch.setattr(data, "candidate_dirs", lambda data_dir=None: [notebook_folder / "datasets", classic_standin])
    source, folder = data.resolve_source()
    assert (source, folder) == ("classic", classic_standin)


def test_candidate_folders_are_the_working_directory_two_levels_up_then_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("CATVNONCAT_DATA_DIR", raising=False)
    folder = tmp_path / "course" / "notebooks" / "dnn_application"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert data.candidate_dirs() == [folder / "datasets", folder.parent / "datasets",
                                     tmp_path / "course" / "datasets", REPO_DATASETS]


def test_classic_files_dropped_in_the_course_root_serve_the_copied_helpers(classic_standin, tmp_path, monkeypatch):
    # source/, release/ and notebooks/<assignment>/ hold copies of this module, not links.
    monkeypatch.delenv("CATVNONCAT_DATA_DIR", raising=False)
    course = tmp_path / "course"
    folder = course / "notebooks" / "dnn_application"
    (folder / "datasets").mkdir(parents=True)
    (course / "datasets").mkdir()
    for name in data.FILES["classic"]:
        (course / "datasets" / name).write_bytes((classic_standin / name).read_bytes())
    monkeypatch.chdir(folder)
    assert data.resolve_source("auto") == ("classic", course / "datasets")


def test_data_dir_from_environment(classic_standin, monkeypatch):
    monkeypatch.setenv("CATVNONCAT_DATA_DIR", str(classic_standin))
    assert data.load_data()[0].shape == (7, 64, 64, 3)


def test_a_file_that_matches_no_known_set_is_refused(classic_standin):
    x, y = tiny_split(7, 99)
    data.write_split(classic_standin / "train_catvnoncat.h5", "train", x, y)
    with pytest.raises(data.DataError, match="matches neither the classic course file nor the course's open set"):
        data.load_data(data_dir=classic_standin)


def test_only_one_classic_file_is_an_error(classic_standin):
    (classic_standin / "test_catvnoncat.h5").unlink()
    with pytest.raises(data.DataError, match="found train_catvnoncat.h5 but not its partner"):
        data.load_data(data_dir=classic_standin)


def test_missing_files_are_named(tmp_path):
    with pytest.raises(data.DataError, match="file not found in .*See datasets/README.md"):
        data.load_data(data_dir=tmp_path)


def test_unknown_source(tmp_path):
    with pytest.raises(data.DataError, match="unknown data source 'cats'"):
        data.load_data(data_dir=tmp_path, source="cats")


def write_raw(path, **datasets):
    with h5py.File(path, "w") as handle:
        for key, value in datasets.items():
            handle.create_dataset(key, data=value)


GOOD_X = np.zeros((3, 64, 64, 3), np.uint8)
GOOD_Y = np.array([0, 1, 0])
CLASSES = np.array([b"non-cat", b"cat"])


@pytest.mark.parametrize("datasets, message", [
    ({"train_set_x": GOOD_X, "list_classes": CLASSES}, r"missing key\(s\) \['train_set_y'\]"),
    ({"train_set_x": GOOD_X.astype(np.float32), "train_set_y": GOOD_Y, "list_classes": CLASSES},
     r"train_set_x must be uint8 of shape \(m, 64, 64, 3\); got float32"),
    ({"train_set_x": np.zeros((3, 32, 32, 3), np.uint8), "train_set_y": GOOD_Y, "list_classes": CLASSES},
     r"got uint8 \(3, 32, 32, 3\)"),
    ({"train_set_x": GOOD_X, "train_set_y": np.array([0, 1]), "list_classes": CLASSES},
     r"train_set_y must hold 3 integer labels"),
    ({"train_set_x": GOOD_X, "train_set_y": np.array([0, 2, 1]), "list_classes": CLASSES},
     r"train_set_y must hold 3 integer labels in \{0, 1\}"),
    ({"train_set_x": GOOD_X, "train_set_y": GOOD_Y, "list_classes": np.array([1, 2])},
     r"list_classes must be 2 byte strings"),
])
def test_schema_errors_name_file_and_key(tmp_path, datasets, message):
    path = tmp_path / "bad.h5"
    write_raw(path, **datasets)
    with pytest.raises(data.DataError, match=message):
        data.read_split(path, "train")


def test_not_hdf5(tmp_path):
    path = tmp_path / "train.h5"
    path.write_text("not an hdf5 file")
    with pytest.raises(data.DataError, match="not a readable HDF5 file"):
        data.read_split(path, "train")


def test_write_split_is_reproducible_and_refuses_bad_arrays(tmp_path):
    x, y = tiny_split(5, 3)
    data.write_split(tmp_path / "a.h5", "train", x, y)
    data.write_split(tmp_path / "b.h5", "train", x, y)
    assert data.sha256_of(tmp_path / "a.h5") == data.sha256_of(tmp_path / "b.h5")
    with pytest.raises(data.DataError, match="refusing to write"):
        data.write_split(tmp_path / "c.h5", "train", x.astype(float), y)
