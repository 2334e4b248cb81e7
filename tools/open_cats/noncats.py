"""Everything that is not a cat: animals that look a bit like one, and objects.

Each painter has the signature ``paint(draw, rng, cx, cy, size)`` like
:func:`open_cats.draw.paint_cat`. Foxes (pointed ears, slit pupils) and dogs are
the hard negatives; the rest are ordinary things found in photos.
"""

import numpy as np

from .shapes import ellipse, jitter_colour, line, mix, polygon, random_colour, shade

# Deliberately the same range as the cats' coats, so colour alone does not give a cat away.
ANIMAL_FUR = [(140, 100, 65), (200, 160, 110), (40, 35, 32), (232, 228, 220), (210, 125, 60), (125, 125, 130),
              (225, 200, 160)]
ANIMALS = ("dog", "fox", "rabbit", "bird")
DARK_FUR = [(140, 100, 65), (40, 35, 32), (125, 125, 130)]  # the colours of ANIMAL_FUR darker than mid-grey
LIGHT_FUR = [(200, 160, 110), (232, 228, 220), (210, 125, 60), (225, 200, 160)]


def _fur(rng, dark_share):
    """A fur colour: any of ANIMAL_FUR, or, if ``dark_share`` is given, a dark one with that chance."""
    if dark_share is None:
        palette = ANIMAL_FUR
    else:
        palette = DARK_FUR if rng.random() < dark_share else LIGHT_FUR
    return jitter_colour(rng, palette[rng.integers(len(palette))], 25)


def _round_eyes(draw, rng, cx, y, dx, r):
    """Two round eyes with round pupils."""
    for side in (-1, 1):
        ellipse(draw, cx + side * dx, y, r, r, (245, 245, 240))
        ellipse(draw, cx + side * dx, y, r * 0.65, r * 0.65, jitter_colour(rng, (60, 40, 25), 20))
        ellipse(draw, cx + side * dx, y, r * 0.35, r * 0.35, (10, 10, 10))


def dog(draw, rng, cx, cy, size, dark_share=None):
    """A dog's head: floppy or rounded ears, long muzzle, big black nose (``dark_share``: see :func:`_fur`)."""
    fur = _fur(rng, dark_share)
    rx, ry = size / 2, size / 2 * rng.uniform(0.9, 1.15)
    if rng.random() < 0.4:
        ellipse(draw, cx, cy + ry * 1.6, rx * 1.1, ry * 1.2, fur)
    ear = shade(fur, rng.uniform(0.5, 0.9))
    floppy = rng.random() < 0.7
    for side in (-1, 1):
        if floppy:
            ellipse(draw, cx + side * rx * 0.95, cy + ry * 0.1, rx * 0.3, ry * rng.uniform(0.55, 0.8), ear)
        else:
            ellipse(draw, cx + side * rx * 0.7, cy - ry * 0.85, rx * 0.3, ry * 0.35, ear)
    ellipse(draw, cx, cy, rx, ry, fur)
    _round_eyes(draw, rng, cx, cy - ry * 0.15, rx * 0.35, rx * 0.13)
    muzzle = mix(fur, (235, 225, 210), rng.uniform(0.2, 0.6))
    ellipse(draw, cx, cy + ry * 0.45, rx * 0.45, ry * 0.38, muzzle)
    ellipse(draw, cx, cy + ry * 0.3, rx * 0.18, ry * 0.12, (20, 18, 18))
    if rng.random() < 0.5:
        ellipse(draw, cx, cy + ry * 0.8, rx * 0.14, ry * 0.18, (220, 90, 100))


def fox(draw, rng, cx, cy, size):
    """A fox: pointed black-tipped ears, white cheeks, a narrow pointed snout."""
    fur = jitter_colour(rng, (205, 105, 40), 25)
    rx, ry = size / 2, size / 2 * rng.uniform(0.75, 0.9)
    for side in (-1, 1):
        outer, inner = (cx + side * rx * 0.9, cy - ry * 0.3), (cx + side * rx * 0.15, cy - ry * 0.8)
        tip = (cx + side * rx * 0.7, cy - ry * rng.uniform(1.6, 2.0))
        polygon(draw, [outer, inner, tip], fur)
        polygon(draw, [(tip[0] - rx * 0.1, tip[1] + ry * 0.3), (tip[0] + rx * 0.1, tip[1] + ry * 0.3), tip],
                (30, 25, 25))
    ellipse(draw, cx, cy, rx, ry, fur)
    white = (240, 235, 225)
    polygon(draw, [(cx - rx * 0.95, cy + ry * 0.1), (cx + rx * 0.95, cy + ry * 0.1), (cx, cy + ry * 1.5)], white)
    polygon(draw, [(cx - rx * 0.3, cy), (cx + rx * 0.3, cy), (cx, cy + ry * 1.4)], mix(fur, white, 0.3))
    ellipse(draw, cx, cy + ry * 1.35, rx * 0.1, ry * 0.08, (20, 18, 18))
    for side in (-1, 1):
        x, y = cx + side * rx * 0.4, cy - ry * 0.1
        ellipse(draw, x, y, rx * 0.16, ry * 0.1, (220, 160, 40))
        ellipse(draw, x, y, rx * 0.04, ry * 0.09, (10, 10, 10))


def rabbit(draw, rng, cx, cy, size, dark_share=None):
    """A rabbit: two long upright or lopped ears and round eyes (``dark_share``: see :func:`_fur`)."""
    fur = _fur(rng, dark_share)
    rx, ry = size / 2 * 0.85, size / 2 * 0.9
    ellipse(draw, cx + rx * 0.3, cy + ry * 1.3, rx * 1.3, ry * 1.0, fur)
    lop = rng.random() < 0.3
    for side in (-1, 1):
        if lop:
            ellipse(draw, cx + side * rx * 1.0, cy + ry * 0.3, rx * 0.25, ry * 0.9, shade(fur, 0.85))
        else:
            ex, ey = cx + side * rx * 0.35, cy - ry * 1.5
            ellipse(draw, ex, ey, rx * 0.22, ry * 0.95, fur)
            ellipse(draw, ex, ey, rx * 0.1, ry * 0.75, mix(fur, (225, 145, 150), 0.6))
    ellipse(draw, cx, cy, rx, ry, fur)
    _round_eyes(draw, rng, cx, cy - ry * 0.1, rx * 0.45, rx * 0.13)
    ellipse(draw, cx, cy + ry * 0.35, rx * 0.08, ry * 0.06, (210, 130, 140))


def bird(draw, rng, cx, cy, size):
    """A perched bird: round body, head, beak, wing and tail."""
    body = random_colour(rng)
    r = size / 2
    side = rng.choice([-1, 1])
    polygon(draw, [(cx - side * r * 0.6, cy), (cx - side * r * 1.6, cy + r * 0.3), (cx - side * r * 1.5, cy + r * 0.7)],
            shade(body, 0.7))
    ellipse(draw, cx, cy, r, r * 0.75, body)
    ellipse(draw, cx - side * r * 0.1, cy + r * 0.05, r * 0.6, r * 0.4, shade(body, 0.75))
    hx, hy = cx + side * r * 0.75, cy - r * 0.55
    ellipse(draw, hx, hy, r * 0.45, r * 0.42, mix(body, random_colour(rng), 0.4))
    polygon(draw, [(hx + side * r * 0.35, hy - r * 0.1), (hx + side * r * 0.35, hy + r * 0.12),
                   (hx + side * r * 0.8, hy)], (230, 170, 40))
    ellipse(draw, hx + side * r * 0.15, hy - r * 0.1, r * 0.08, r * 0.08, (10, 10, 10))
    for leg in (-0.2, 0.2):
        line(draw, [(cx + leg * r, cy + r * 0.7), (cx + leg * r, cy + r * 1.1)], (200, 140, 60), r * 0.06)


def car(draw, rng, cx, cy, size):
    """A side view of a car with two wheels and windows."""
    paint = random_colour(rng)
    w, h = size * 0.8, size * 0.25
    draw.rounded_rectangle([cx - w, cy - h * 0.2, cx + w, cy + h], radius=h * 0.4, fill=paint)
    polygon(draw, [(cx - w * 0.55, cy - h * 0.2), (cx - w * 0.3, cy - h * 1.1), (cx + w * 0.35, cy - h * 1.1),
                   (cx + w * 0.6, cy - h * 0.2)], paint)
    glass = jitter_colour(rng, (170, 200, 220), 20)
    polygon(draw, [(cx - w * 0.45, cy - h * 0.3), (cx - w * 0.27, cy - h * 0.95), (cx - w * 0.02, cy - h * 0.95),
                   (cx - w * 0.02, cy - h * 0.3)], glass)
    polygon(draw, [(cx + w * 0.05, cy - h * 0.3), (cx + w * 0.05, cy - h * 0.95), (cx + w * 0.3, cy - h * 0.95),
                   (cx + w * 0.48, cy - h * 0.3)], glass)
    for x in (-0.55, 0.55):
        ellipse(draw, cx + x * w, cy + h, h * 0.55, h * 0.55, (25, 25, 25))
        ellipse(draw, cx + x * w, cy + h, h * 0.25, h * 0.25, (170, 170, 170))


def house(draw, rng, cx, cy, size):
    """A house: walls, pitched roof, door and windows."""
    w = size * 0.6
    wall, roof = random_colour(rng), jitter_colour(rng, (150, 60, 50), 40)
    draw.rectangle([cx - w, cy - w * 0.3, cx + w, cy + w], fill=wall)
    polygon(draw, [(cx - w * 1.2, cy - w * 0.3), (cx + w * 1.2, cy - w * 0.3), (cx, cy - w * 1.1)], roof)
    draw.rectangle([cx - w * 0.15, cy + w * 0.35, cx + w * 0.15, cy + w], fill=shade(wall, 0.5))
    for x in (-0.6, 0.35):
        draw.rectangle([cx + x * w, cy, cx + (x + 0.25) * w, cy + w * 0.25], fill=(180, 210, 230))


def flower(draw, rng, cx, cy, size):
    """One or a few flowers on stems."""
    for _ in range(rng.integers(1, 4)):
        x, y = cx + rng.uniform(-0.5, 0.5) * size, cy + rng.uniform(-0.4, 0.2) * size
        r = size * rng.uniform(0.15, 0.3)
        line(draw, [(x, y), (x + rng.uniform(-0.2, 0.2) * size, cy + size)], (60, 130, 50), r * 0.15)
        petal = random_colour(rng)
        for angle in np.linspace(0, 2 * np.pi, int(rng.integers(5, 9)), endpoint=False):
            ellipse(draw, x + r * np.cos(angle), y + r * np.sin(angle), r * 0.55, r * 0.55, petal)
        ellipse(draw, x, y, r * 0.5, r * 0.5, jitter_colour(rng, (230, 190, 40), 30))


def tree(draw, rng, cx, cy, size):
    """A tree: trunk and a round or conical crown."""
    trunk = jitter_colour(rng, (110, 75, 45), 20)
    leaves = jitter_colour(rng, (60, 130, 55), 35)
    draw.rectangle([cx - size * 0.08, cy, cx + size * 0.08, cy + size * 0.8], fill=trunk)
    if rng.random() < 0.5:
        for _ in range(4):
            ellipse(draw, cx + rng.uniform(-0.3, 0.3) * size, cy - rng.uniform(0.1, 0.5) * size,
                    size * 0.35, size * 0.3, leaves)
    else:
        polygon(draw, [(cx - size * 0.5, cy + size * 0.1), (cx + size * 0.5, cy + size * 0.1), (cx, cy - size * 0.9)],
                leaves)


def cup(draw, rng, cx, cy, size):
    """A mug with a handle."""
    colour = random_colour(rng)
    w, h = size * 0.35, size * 0.45
    ellipse(draw, cx + w, cy, w * 0.45, h * 0.4, colour)
    ellipse(draw, cx + w, cy, w * 0.25, h * 0.25, (0, 0, 0, 0))
    draw.rectangle([cx - w, cy - h, cx + w, cy + h], fill=colour)
    ellipse(draw, cx, cy - h, w, h * 0.15, shade(colour, 0.6))


def ball(draw, rng, cx, cy, size):
    """A ball or a ball of wool."""
    colour = random_colour(rng)
    r = size * rng.uniform(0.3, 0.5)
    ellipse(draw, cx, cy, r, r, colour)
    stripe = shade(colour, 0.6) if rng.random() < 0.5 else (245, 245, 245)
    for k in range(rng.integers(1, 4)):
        y = cy + (k - 1) * r * 0.45
        line(draw, [(cx - r * 0.9, y - r * 0.2), (cx, y), (cx + r * 0.9, y - r * 0.2)], stripe, r * 0.1)


def abstract(draw, rng, cx, cy, size):
    """A few random shapes, some of them triangles and rounded blobs."""
    for _ in range(rng.integers(3, 8)):
        x, y = cx + rng.uniform(-0.6, 0.6) * size, cy + rng.uniform(-0.6, 0.6) * size
        r = size * rng.uniform(0.1, 0.35)
        colour = random_colour(rng)
        if rng.random() < 0.5:
            ellipse(draw, x, y, r, r * rng.uniform(0.5, 1.5), colour)
        else:
            polygon(draw, [(x + r * np.cos(a), y + r * np.sin(a)) for a in rng.uniform(0, 2 * np.pi, 3)], colour)


# Painter name -> (function, relative frequency among non-cat images).
PAINTERS = {
    "dog": (dog, 4), "fox": (fox, 2), "rabbit": (rabbit, 2), "bird": (bird, 2),
    "car": (car, 1), "house": (house, 1), "flower": (flower, 1), "tree": (tree, 1),
    "cup": (cup, 1), "ball": (ball, 1), "abstract": (abstract, 1),
}


def choose(rng, animal_share):
    """Pick a non-cat painter: an animal with chance ``animal_share``, else an object.

    Within each group painters are picked by their frequency. Returns (name, function).
    """
    animal = rng.random() < animal_share
    names = [n for n in PAINTERS if (n in ANIMALS) == animal]
    weights = np.array([PAINTERS[n][1] for n in names], dtype=float)
    name = names[rng.choice(len(names), p=weights / weights.sum())]
    return name, PAINTERS[name][0]
