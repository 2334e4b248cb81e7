"""Which seed becomes which image: the layout of the open train and test splits.

``render(seed, label)`` draws one image; ``build_split(name, draw=0)`` returns the images and
labels of a whole split. Both are pure functions of the constants below. Draw 0 is the set
committed in datasets/; draws 1, 2, ... are fresh sets from the same recipe with other seeds,
which tools/check_open_dataset.py trains on to show that the committed set is an ordinary draw.
"""

import numpy as np
from PIL import Image, ImageDraw

from . import noncats
from .draw import paint_cat
from .scene import background, clutter, contrast_with, finish, luminance, occlude, place_subject
from .shapes import SIZE

# count = images, cats = how many of them are cats, seed = first seed of the split in draw 0.
# Cat fractions follow the classic set (train 34.4%, test 66%). Draw k uses the seeds
# seed + DRAW_STRIDE * k; the stride exceeds every count, and 99 draws of the train split stay
# below the test split's seeds, so no two images of draws 0..99 share a seed.
SPLITS = {
    "train": {"count": 209, "cats": 72, "seed": 1_000_000},
    "test": {"count": 50, "cats": 33, "seed": 2_000_000},
}
DRAW_STRIDE = 10_000

# How hard the pictures are. Changing any value changes every image. The values were chosen
# on draws of the generator, not on the committed set (datasets/README.md tells how and why):
# the exposure keeps the notebooks' learning rate from making the cost jump during training,
# and subjects that are dark or light in equal numbers, always on a background of the opposite
# brightness, give the networks an edge over a linear model (logistic regression). The exposure,
# noise and clutter were last changed on draws 63..89 (lower exposure: smoother training; more
# noise and clutter: a slightly larger edge for the networks).
KNOBS = {
    "scale": (0.5, 0.7),       # head / object size as a fraction of the image width
    "max_angle": 6.0,          # degrees of rotation either way
    "offset": 0.07,            # how far the subject may sit from the centre (fraction of width)
    "clutter": 0.6,            # chance of background shapes
    "occlusion": 0.08,         # chance of a foreground block hiding part of the subject
    "noise": 20.0,             # largest standard deviation of pixel noise (0..255 scale)
    "blur": 1.2,               # largest Gaussian blur radius in output pixels
    "animal_share": 0.9,       # fraction of non-cats that are animals (dogs, foxes, rabbits, birds)
    "contrast": 1.0,           # chance that the background is made light behind a dark subject and vice versa
    "dark_coats": 0.5,         # share of cats with a dark coat (the others are light)
    "dark_animals": 0.5,       # share of dogs and rabbits with a dark coat
    "exposure": (45.0, 95.0),  # range of each picture's mean brightness (0..255)
}


def render(seed, label, knobs=KNOBS):
    """Draw image ``seed``: a cat if ``label`` is 1, otherwise a non-cat.

    Returns a (64, 64, 3) uint8 array.
    """
    rng = np.random.default_rng(seed)
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    size = rng.uniform(*knobs["scale"]) * SIZE
    cx, cy = SIZE / 2 + rng.uniform(-1, 1, 2) * knobs["offset"] * SIZE
    if label == 1:
        paint_cat(ImageDraw.Draw(layer), rng, cx, cy, size, knobs["dark_coats"])
    else:
        name, painter = noncats.choose(rng, knobs["animal_share"])
        furry = {"dark_share": knobs["dark_animals"]} if name in ("dog", "rabbit") else {}
        painter(ImageDraw.Draw(layer), rng, cx, cy, size, **furry)
    image = background(rng)
    if rng.random() < knobs["contrast"]:
        image = contrast_with(rng, image, luminance(layer))
    if rng.random() < knobs["clutter"]:
        clutter(rng, image, int(rng.integers(1, 5)))
    place_subject(image, layer, rng.uniform(-1, 1) * knobs["max_angle"], (cx, cy))
    if rng.random() < knobs["occlusion"]:
        occlude(rng, image)
    return finish(rng, image, knobs["noise"], knobs["blur"], knobs["exposure"])


def first_seed(split, draw=0):
    """The seed of the split's label order in draw ``draw``; image i has seed ``first_seed + 1 + i``."""
    return SPLITS[split]["seed"] + DRAW_STRIDE * draw


def labels_of(split, draw=0):
    """The 0/1 label of every image of ``split`` in draw ``draw``, in a seeded order."""
    spec = SPLITS[split]
    labels = np.array([1] * spec["cats"] + [0] * (spec["count"] - spec["cats"]), dtype=np.int64)
    return np.random.default_rng(first_seed(split, draw)).permutation(labels)


def build_split(split, knobs=KNOBS, draw=0):
    """All images and labels of ``split`` in draw ``draw``: x (m, 64, 64, 3) uint8, y (m,) int64."""
    y = labels_of(split, draw)
    first = first_seed(split, draw) + 1
    x = np.stack([render(first + i, label, knobs) for i, label in enumerate(y)])
    return x, y
