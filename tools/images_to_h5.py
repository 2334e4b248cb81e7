"""Build a course-compatible cat / non-cat set from your own photos.

Usage::

    python tools/images_to_h5.py CAT_DIR NONCAT_DIR --out DATASETS_DIR \\
        [--test-fraction 0.2] [--seed 0] [--skip-bad]

Every jpg / png / bmp / gif / webp file directly inside the two folders is read
with Pillow (any size or colour mode; the first frame of an animation), turned
upright by its EXIF tag, converted to RGB, centre-cropped to a square and resized
to 64x64. Each class is shuffled with ``--seed`` and split into train and test
in the same proportion (stratified). The script writes
``custom_train_catvnoncat.h5``, ``custom_test_catvnoncat.h5`` and the manifest
``custom_catvnoncat.json``; load them with ``load_data(source="custom", data_dir=DIR)``.

Errors (missing or empty folder, an unreadable image, too few images) print one
line naming the file and exit with status 2.
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from coursekit.catvnoncat_data import CUSTOM_MANIFEST, FILES, sha256_of, write_split

SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
SIDE = 64


class PhotoSetError(Exception):
    """The photo folders cannot be turned into a data set; the message names the culprit."""


def list_images(folder):
    """Image files directly inside ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PhotoSetError(f"{folder}: folder not found.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise PhotoSetError(f"{folder}: no images ({', '.join(SUFFIXES)}) in this folder.")
    return files


def to_square_rgb(image):
    """An upright RGB copy of a Pillow image, centre-cropped to a square and resized to 64x64."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image.alpha_composite(rgba)
    image = image.convert("RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side)).resize((SIDE, SIDE), Image.LANCZOS)


def read_image(path):
    """(64, 64, 3) uint8 array of one image file; :class:`PhotoSetError` if it cannot be decoded."""
    try:
        with Image.open(path) as image:
            image.seek(0)
            image.load()
            return np.asarray(to_square_rgb(image), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise PhotoSetError(f"{path}: not a readable image ({error}).") from None


def read_folder(folder, skip_bad=False):
    """All images of ``folder`` as a (n, 64, 64, 3) uint8 array, plus the paths skipped."""
    images, skipped = [], []
    for path in list_images(folder):
        try:
            images.append(read_image(path))
        except PhotoSetError as error:
            if not skip_bad:
                raise
            warnings.warn(f"skipping {error}", stacklevel=2)
            skipped.append(str(path))
    if not images:
        raise PhotoSetError(f"{folder}: none of its images could be read.")
    return np.stack(images), skipped


def split_indices(n, test_fraction, rng, folder):
    """Shuffle ``range(n)`` and cut it into (train, test); both parts get at least one image."""
    if n < 2:
        raise PhotoSetError(f"{folder}: only {n} readable image(s); need at least 2 (one for train, one for test).")
    order = rng.permutation(n)
    n_test = min(max(int(round(n * test_fraction)), 1), n - 1)
    return order[n_test:], order[:n_test]


def build(cat_dir, noncat_dir, out_dir, test_fraction=0.2, seed=0, skip_bad=False):
    """Read both folders, split them stratified, write the two files and the manifest.

    Returns the manifest dict (also written to ``out_dir / CUSTOM_MANIFEST``).
    """
    if not 0 < test_fraction < 1:
        raise PhotoSetError(f"--test-fraction must be between 0 and 1, got {test_fraction}.")
    rng = np.random.default_rng(seed)
    parts = {"train": ([], []), "test": ([], [])}
    counts = {"train": {}, "test": {}}
    skipped = []
    for label, name, folder in ((1, "cat", cat_dir), (0, "non-cat", noncat_dir)):
        x, bad = read_folder(folder, skip_bad)
        skipped += bad
        for split, index in zip(("train", "test"), split_indices(len(x), test_fraction, rng, folder), strict=True):
            parts[split][0].append(x[index])
            parts[split][1].append(np.full(len(index), label, dtype=np.int64))
            counts[split][name] = int(len(index))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    digests = {}
    for split, file_name in zip(("train", "test"), FILES["custom"], strict=True):
        x, y = np.concatenate(parts[split][0]), np.concatenate(parts[split][1])
        order = rng.permutation(len(y))
        write_split(out_dir / file_name, split, x[order], y[order])
        digests[file_name] = sha256_of(out_dir / file_name)
    manifest = {
        "sha256": digests,
        "counts": counts,
        "source": {"cat_dir": str(cat_dir), "noncat_dir": str(noncat_dir), "test_fraction": test_fraction,
                   "seed": seed, "skipped": skipped, "tool": "tools/images_to_h5.py"},
    }
    (out_dir / CUSTOM_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cat_dir", type=Path, help="folder of cat photos")
    parser.add_argument("noncat_dir", type=Path, help="folder of photos without cats")
    parser.add_argument("--out", type=Path, required=True, help="folder for the HDF5 files and manifest")
    parser.add_argument("--test-fraction", type=float, default=0.2, help="share of each class kept for testing")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shuffle")
    parser.add_argument("--skip-bad", action="store_true", help="skip unreadable images with a warning")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.cat_dir, args.noncat_dir, args.out, args.test_fraction, args.seed, args.skip_bad)
    except PhotoSetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for file_name, digest in manifest["sha256"].items():
        print(f"{args.out / file_name}  sha256 {digest}")
    print(f"counts: {json.dumps(manifest['counts'])}")
    print(f'load with: load_data(source="custom", data_dir="{args.out}")')
    return 0


if __name__ == "__main__":
    sys.exit(main())
