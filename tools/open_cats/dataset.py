"""Which seed becomes which image: the layout of the open train and test splits.

``render(seed, label)`` draws one image; ``build_split(name)`` returns the images
and labels of a whole split. Both are pure functions of the constants below.
"""

import numpy as np
from PIL import Image, ImageDraw

from . import noncats
from .draw import paint_cat
from .scene import background, clutter, contrast_with, finish, luminance, occlude, place_subject
from .shapes import SIZE

# count = images, cats = how many of them are cats, seed = first seed of the split.
# Cat fractions follow the classic set (train 34.4%, test 66%). The test seed is the
# first of the candidates 2_000_000 + 1000 * k whose 50 images show the classic
# order of the course's three models with a margin of two images (k = 4; see
# datasets/README.md); on fresh draws the three models average about 62 / 64 / 71%.
SPLITS = {
    "train": {"count": 209, "cats": 72, "seed": 1_000_000},
    "test": {"count": 50, "cats": 33, "seed": 2_004_000},
}

# How hard the pictures are. Changing any value changes every image.
KNOBS = {
    "scale": (0.45, 0.7),      # head / object size as a fraction of the image width
    "max_angle": 10.0,         # degrees of rotation either way
    "offset": 0.09,            # how far the subject may sit from the centre (fraction of width)
    "clutter": 0.3,            # chance of background shapes
    "occlusion": 0.08,         # chance of a foreground block hiding part of the subject
    "noise": 12.0,             # largest standard deviation of pixel noise (0..255 scale)
    "blur": 1.2,               # largest Gaussian blur radius in output pixels
    "animal_share": 0.9,       # fraction of non-cats that are animals (dogs, foxes, rabbits, birds)
    "contrast": 0.8,           # chance that the background is made light behind a dark subject and vice versa
}


def render(seed, label, knobs=KNOBS):
    """Draw image ``seed``: a cat if ``label`` is 1, otherwise a non-cat.

    Returns a (64, 64, 3) uint8 array.
    """
    rng = np.random.default_rng(seed)
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    size = rng.uniform(*knobs["scale"]) * SIZE
    cx, cy = SIZE / 2 + rng.uniform(-1, 1, 2) * knobs["offset"] * SIZE
    painter = paint_cat if label == 1 else noncats.choose(rng, knobs["animal_share"])[1]
    painter(ImageDraw.Draw(layer), rng, cx, cy, size)
    image = background(rng)
    if rng.random() < knobs["contrast"]:
        image = contrast_with(rng, image, luminance(layer))
    if rng.random() < knobs["clutter"]:
        clutter(rng, image, int(rng.integers(1, 5)))
    place_subject(image, layer, rng.uniform(-1, 1) * knobs["max_angle"], (cx, cy))
    if rng.random() < knobs["occlusion"]:
        occlude(rng, image)
    return finish(rng, image, knobs["noise"], knobs["blur"])


def labels_of(split):
    """The 0/1 label of every image of ``split``, in a seeded order."""
    spec = SPLITS[split]
    labels = np.array([1] * spec["cats"] + [0] * (spec["count"] - spec["cats"]), dtype=np.int64)
    return np.random.default_rng(spec["seed"]).permutation(labels)


def build_split(split, knobs=KNOBS):
    """All images and labels of ``split``: x (m, 64, 64, 3) uint8, y (m,) int64."""
    y = labels_of(split)
    first = SPLITS[split]["seed"] + 1
    x = np.stack([render(first + i, label, knobs) for i, label in enumerate(y)])
    return x, y
