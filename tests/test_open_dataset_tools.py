"""The data-set tools: tools/images_to_h5.py on small generated photos, the byte-for-byte rebuild
of the committed open set, and tools/check_open_dataset.py, which shows that the open set trains
like the classic one and teaches the notebooks' lesson (so the notebooks' prose can promise it)."""

import json

import numpy as np
import pytest
from PIL import Image

from coursekit import catvnoncat_data as data
from coursetools import images_to_h5, make_open_dataset

pytestmark = pytest.mark.data

RED, BLUE = (220, 30, 30), (30, 30, 220)


def save_photo(path, colour, size=(80, 60), mode="RGB"):
    """A plain photo of one colour, saved in ``mode`` in the format its suffix names."""
    image = Image.new("RGB", size, colour)
    if mode != "RGB":
        image = image.convert(mode)
    image.save(path)
    return path


@pytest.fixture
def photos(tmp_path):
    """Five red 'cats' and six blue 'non-cats' in assorted formats, sizes and modes."""
    cats, others = tmp_path / "cats", tmp_path / "others"
    cats.mkdir()
    others.mkdir()
    for name, size, mode in (("a.jpg", (120, 80), "RGB"), ("b.png", (64, 64), "RGBA"), ("c.bmp", (30, 90), "RGB"),
                             ("d.gif", (70, 70), "P"), ("e.webp", (200, 100), "RGB")):
        save_photo(cats / name, RED, size, mode)
    for k in range(6):
        save_photo(others / f"n{k}.{'png' if k % 2 else 'JPG'}", BLUE, (50 + 10 * k, 90))
    (others / "notes.txt").write_text("not an image, ignored")
    return cats, others, tmp_path / "out"


def test_build_and_load_round_trip(photos):
    cats, others, out = photos
    manifest = images_to_h5.build(cats, others, out, test_fraction=0.2, seed=0)
    assert manifest["counts"] == {"train": {"cat": 4, "non-cat": 5}, "test": {"cat": 1, "non-cat": 1}}
    assert set(manifest["sha256"]) == set(data.FILES["custom"])
    assert json.loads((out / data.CUSTOM_MANIFEST).read_text()) == manifest
    train_x, train_y, test_x, test_y, classes = data.load_data(data_dir=out, source="custom")
    assert train_x.shape == (9, 64, 64, 3) and test_x.shape == (2, 64, 64, 3)
    assert train_y.shape == (1, 9) and test_y.shape == (1, 2)
    assert list(classes) == [b"non-cat", b"cat"]
    for x, y in ((train_x, train_y[0]), (test_x, test_y[0])):
        is_red = x[..., 0].mean(axis=(1, 2)) > x[..., 2].mean(axis=(1, 2))
        np.testing.assert_array_equal(is_red, y == 1)


def test_build_is_reproducible(photos, tmp_path):
    cats, others, out = photos
    first = images_to_h5.build(cats, others, out, seed=3)
    second = images_to_h5.build(cats, others, tmp_path / "again", seed=3)
    assert first["sha256"] == second["sha256"]


def test_command_line_happy_path(photos, capsys):
    cats, others, out = photos
    assert images_to_h5.main([str(cats), str(others), "--out", str(out), "--test-fraction", "0.4"]) == 0
    assert "custom_train_catvnoncat.h5" in capsys.readouterr().out
    assert data.load_data(data_dir=out, source="custom")[2].shape == (4, 64, 64, 3)


def run_failing(argv, capsys):
    assert images_to_h5.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    return err


def test_missing_folder(photos, capsys):
    cats, _, out = photos
    missing = cats.parent / "nowhere"
    with pytest.raises(images_to_h5.PhotoSetError, match="nowhere: folder not found"):
        images_to_h5.build(cats, missing, out)
    assert "nowhere: folder not found" in run_failing([str(cats), str(missing), "--out", str(out)], capsys)


def test_empty_folder(photos, capsys):
    cats, _, out = photos
    empty = cats.parent / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("no pictures here")
    with pytest.raises(images_to_h5.PhotoSetError, match="empty: no images"):
        images_to_h5.build(cats, empty, out)
    assert "empty: no images" in run_failing([str(cats), str(empty), "--out", str(out)], capsys)


def test_corrupt_image_is_named(photos, capsys):
    cats, others, out = photos
    (cats / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with pytest.raises(images_to_h5.PhotoSetError, match="broken.jpg: not a readable image"):
        images_to_h5.build(cats, others, out)
    assert "broken.jpg" in run_failing([str(cats), str(others), "--out", str(out)], capsys)
    assert not (out / data.CUSTOM_MANIFEST).exists()


def test_truncated_image_is_named(photos):
    cats, others, out = photos
    whole = save_photo(cats / "whole.png", RED, (64, 64)).read_bytes()
    (cats / "cut.png").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(images_to_h5.PhotoSetError, match="cut.png: not a readable image"):
        images_to_h5.build(cats, others, out)


def test_skip_bad_warns_and_continues(photos):
    cats, others, out = photos
    (cats / "broken.png").write_bytes(b"not a png")
    with pytest.warns(UserWarning, match="broken.png"):
        manifest = images_to_h5.build(cats, others, out, skip_bad=True)
    assert manifest["source"]["skipped"] == [str(cats / "broken.png")]
    assert manifest["counts"]["train"]["cat"] + manifest["counts"]["test"]["cat"] == 5
    assert data.load_data(data_dir=out, source="custom")[0].shape[0] == 9


def test_too_few_images(photos, capsys):
    _, others, out = photos
    lonely = others.parent / "lonely"
    lonely.mkdir()
    save_photo(lonely / "only.png", RED)
    with pytest.raises(images_to_h5.PhotoSetError, match="lonely: only 1 readable image"):
        images_to_h5.build(lonely, others, out)
    assert "need at least 2" in run_failing([str(lonely), str(others), "--out", str(out)], capsys)


def test_bad_test_fraction(photos):
    cats, others, out = photos
    with pytest.raises(images_to_h5.PhotoSetError, match="between 0 and 1"):
        images_to_h5.build(cats, others, out, test_fraction=1.0)


def test_open_set_rebuilds_byte_for_byte():
    """Redraws all 259 images (a few seconds) and compares with the committed files and OPEN_SHA256."""
    assert make_open_dataset.check() == []


def test_fast_training_follows_the_course_models():
    """The check trains in the span of the training images (tools/check_open_dataset.py says why
    that is the same gradient descent); its costs must be those of the notebook's two_layer_model
    and L_layer_model, run here for 300 iterations on the committed set (about 15 s)."""
    from autograder.reference_models import L_layer_model, flatten_images, two_layer_model
    from coursetools import check_open_dataset as check

    train_x, train_y, test_x, test_y, _ = data.load_data(source="open", announce=False)
    X, X_test = flatten_images(train_x), flatten_images(test_x)
    for model, dims in ((two_layer_model, check.TWO_LAYER), (L_layer_model, list(check.FOUR_LAYER))):
        _, costs = model(X, train_y, dims, learning_rate=check.LEARNING_RATE, num_iterations=300)
        run = check.train_network(X, train_y, X_test, test_y, dims, num_iterations=300)
        np.testing.assert_allclose([c for _, c, _, _ in run.checkpoints], np.asarray(costs, dtype=float), rtol=1e-9)


def test_roughness_and_problems_name_what_breaks():
    from coursetools import check_open_dataset as check

    smooth = check.Run([(0, 0.7, 0.5, 0.5), (100, 0.6, 0.6, 0.5), (200, 0.61, 0.62, 0.6), (300, 0.5, 0.7, 0.7)])
    assert check.roughness(smooth) == []
    jumpy = check.Run([(0, 0.7, 0.9, 0.5), (100, 0.8, 0.8, 0.5), (200, 0.75, 0.8, 0.6), (300, 0.76, 0.85, 0.7)])
    found = check.roughness(jumpy)
    assert any("rises 2 times" in f for f in found) and any("by 14% at iteration 100" in f for f in found)
    assert any("train accuracy falls 90.0% -> 80.0% at iteration 100" in f for f in found)

    def result(lr, two, four):
        return {"logistic_regression": (1.0, lr), "two_layer": check.Run(smooth.checkpoints, 1.0, two),
                "four_layer": check.Run(smooth.checkpoints, 1.0, four)}

    good = result(0.6, 0.7, 0.8)
    assert check.problems(good, {k: good for k in check.DRAWS}) == []
    draws = {k: result(0.7, 0.7, 0.8) if k in check.DRAWS[:3] else good for k in check.DRAWS}  # 3 ties of 10
    assert check.problems(good, draws) == ["the order logistic regression < 2-layer < 4-layer holds on 7 of 10 "
                                           "draws, fewer than 8"]
    assert "outside 70%..90%" in check.problems(result(0.6, 0.7, 0.95), {})[0]


# Promises the committed set does not keep (datasets/README.md, "What this shows"): none since the
# recipe was re-tuned on draws 63..89 (the earlier set's 2-layer cost rose once by 12%). A known
# deviation would be listed here, so that the test fails on anything else and when it goes away.
KNOWN_DEVIATIONS = []


@pytest.mark.slow
def test_open_set_trains_smoothly_and_keeps_the_lesson(capsys):
    """The whole check of tools/check_open_dataset.py on the committed set and all 10 fresh draws,
    every figure printed: the committed set's cost and accuracies at each checkpoint, and the
    three models' test accuracy on each draw (about 30 to 60 s on 2 cores, in 2 processes with
    one BLAS thread each; drawing the images is most of it). datasets/README.md records the same
    tables. The check's problems must be exactly KNOWN_DEVIATIONS."""
    from coursetools import check_open_dataset as check

    status = check.main([])
    printed = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + printed)
    found = [line.removeprefix("FAIL: ") for line in printed.splitlines() if line.startswith("FAIL: ")]
    assert found == KNOWN_DEVIATIONS, printed
    assert status == (1 if KNOWN_DEVIATIONS else 0)
