"""Cats: a head with pointed ears, slit-pupil eyes, nose and whiskers, maybe a body and tail.

:func:`paint_cat` draws one cat onto an RGBA layer; its pose, coat, size and
features all come from ``rng``.
"""

import numpy as np

from .shapes import ellipse, jitter_colour, line, mix, polygon, shade

COATS = {
    "ginger": (215, 125, 55),
    "black": (35, 32, 32),
    "white": (235, 232, 225),
    "grey": (128, 128, 135),
    "brown": (135, 100, 70),
    "cream": (225, 200, 160),
    "silver": (175, 175, 180),
}
PATTERNS = ["solid", "tabby", "tabby", "calico", "tuxedo"]
IRIS = [(120, 170, 60), (200, 170, 50), (90, 150, 200), (190, 120, 40), (150, 160, 70)]
PINK = (225, 145, 150)


# For data sets: coats split by brightness, so that a set can hold as many dark cats as light ones.
DARK_COATS = ("black", "brown", "grey")  # drawn at 80% of their brightness, clearly darker than the light ones
LIGHT_COATS = ("ginger", "white", "cream", "silver")


def _balanced_coat(rng, dark_share):
    """Like :func:`_coat`, but dark with chance ``dark_share`` (a tuxedo is dark, a calico light)."""
    dark = rng.random() < dark_share
    pattern = ("solid", "tabby", "tabby", "tuxedo" if dark else "calico")[rng.integers(4)]
    if pattern == "calico":
        return (240, 235, 228), pattern, [(215, 125, 55), (40, 35, 35)]
    if pattern == "tuxedo":
        return jitter_colour(rng, (35, 32, 32), 15), pattern, [(238, 236, 230)]
    names = DARK_COATS if dark else LIGHT_COATS
    colour = COATS[names[rng.integers(len(names))]]
    base = jitter_colour(rng, shade(colour, 0.8) if dark else colour, 20)
    return base, pattern, [shade(base, rng.uniform(0.45, 0.7))]


def _coat(rng):
    """Base fur colour, pattern name, and the colour of stripes or patches."""
    pattern = PATTERNS[rng.integers(len(PATTERNS))]
    if pattern == "calico":
        return (240, 235, 228), pattern, [(215, 125, 55), (40, 35, 35)]
    if pattern == "tuxedo":
        return jitter_colour(rng, (35, 32, 32), 15), pattern, [(238, 236, 230)]
    names = list(COATS)
    base = jitter_colour(rng, COATS[names[rng.integers(len(names))]], 20)
    return base, pattern, [shade(base, rng.uniform(0.45, 0.7))]


def _ears(draw, rng, cx, cy, rx, ry, fur):
    """Two pointed triangular ears with pink insides."""
    height = rng.uniform(1.35, 1.75)
    spread = rng.uniform(0.55, 0.85)
    for side in (-1, 1):
        outer = (cx + side * rx * 0.95, cy - ry * 0.25)
        inner = (cx + side * rx * 0.12, cy - ry * 0.85)
        tip = (cx + side * rx * spread, cy - ry * height)
        polygon(draw, [outer, inner, tip], fur)
        centre = np.mean([outer, inner, tip], axis=0)
        polygon(draw, [tuple(centre + 0.55 * (np.array(p) - centre)) for p in (outer, inner, tip)],
                mix(fur, PINK, 0.7))


def _eyes(draw, rng, cx, cy, rx, ry):
    """Almond eyes with vertical slit pupils, sometimes half closed."""
    iris = jitter_colour(rng, IRIS[rng.integers(len(IRIS))], 20)
    ex = rx * rng.uniform(0.15, 0.22)
    ey = ex * rng.uniform(0.75, 1.05)
    sleepy = rng.random() < 0.12
    for side in (-1, 1):
        x, y = cx + side * rx * rng.uniform(0.34, 0.42), cy - ry * rng.uniform(0.0, 0.12)
        if sleepy:
            line(draw, [(x - ex, y), (x, y + ey * 0.3), (x + ex, y)], (20, 20, 20), ex * 0.25)
            continue
        ellipse(draw, x, y, ex, ey, iris, outline=(20, 20, 20), width=2)
        ellipse(draw, x, y, ex * rng.uniform(0.12, 0.4), ey * 0.9, (10, 10, 10))
        ellipse(draw, x + ex * 0.35, y - ey * 0.4, ex * 0.15, ex * 0.15, (250, 250, 250))


def _face(draw, rng, cx, cy, rx, ry, fur):
    """Nose, mouth and whiskers."""
    ny = cy + ry * rng.uniform(0.25, 0.35)
    nw = rx * rng.uniform(0.09, 0.14)
    if rng.random() < 0.6:
        ellipse(draw, cx, ny + nw * 0.9, rx * 0.32, ry * 0.22, mix(fur, (245, 240, 235), rng.uniform(0.2, 0.6)))
    polygon(draw, [(cx - nw, ny), (cx + nw, ny), (cx, ny + nw * 0.9)], jitter_colour(rng, PINK, 25))
    dark = (25, 20, 20) if np.mean(fur) > 90 else (90, 80, 80)
    line(draw, [(cx - nw * 1.6, ny + nw * 2.2), (cx, ny + nw * 1.5), (cx + nw * 1.6, ny + nw * 2.2)], dark, 2)
    whisker = (240, 240, 235) if np.mean(fur) < 140 or rng.random() < 0.5 else (60, 55, 55)
    for side in (-1, 1):
        for k in range(rng.integers(2, 4)):
            start = (cx + side * rx * 0.22, ny + nw * (0.6 + 0.5 * k))
            end = (cx + side * rx * rng.uniform(1.05, 1.45), ny + ry * (rng.uniform(-0.2, 0.05) + 0.13 * k))
            line(draw, [start, end], whisker, rng.uniform(1.5, 2.5))


def _markings(draw, rng, cx, cy, rx, ry, pattern, extras):
    """Tabby stripes, calico patches or a white tuxedo muzzle on the head."""
    if pattern == "tabby":
        for k in (-1, 0, 1):
            line(draw, [(cx + k * rx * 0.2, cy - ry * 0.85), (cx + k * rx * 0.15, cy - ry * 0.45)], extras[0],
                 rx * 0.07)
        for side in (-1, 1):
            for k in range(2):
                y = cy + ry * (0.05 + 0.18 * k)
                line(draw, [(cx + side * rx * 0.95, y), (cx + side * rx * 0.68, y + ry * 0.05)], extras[0], rx * 0.06)
    elif pattern == "calico":
        for _ in range(rng.integers(2, 4)):
            angle = rng.uniform(0, 2 * np.pi)
            dist = rng.uniform(0.2, 0.6)
            colour = extras[rng.integers(len(extras))]
            ellipse(draw, cx + dist * rx * np.cos(angle), cy + dist * ry * np.sin(angle) - ry * 0.2,
                    rx * rng.uniform(0.2, 0.4), ry * rng.uniform(0.2, 0.35), colour)
    elif pattern == "tuxedo":
        ellipse(draw, cx, cy + ry * 0.45, rx * 0.45, ry * 0.45, extras[0])


def _body(draw, rng, cx, cy, rx, ry, fur, pattern, extras):
    """A sitting or lying body with a curled tail, drawn before the head."""
    lying = rng.random() < 0.4
    side = rng.choice([-1, 1])
    if lying:
        bx, by, brx, bry = cx + side * rx * 1.3, cy + ry * 0.55, rx * rng.uniform(1.4, 1.9), ry * rng.uniform(0.55, 0.8)
    else:
        bx, by, brx, bry = cx, cy + ry * 1.55, rx * rng.uniform(0.85, 1.15), ry * rng.uniform(1.1, 1.5)
    tail_root = (bx + side * brx * 0.85, by + bry * 0.4)
    tail = [tail_root, (tail_root[0] + side * rx * 0.6, tail_root[1] - ry * 0.1),
            (tail_root[0] + side * rx * 0.8, tail_root[1] - ry * rng.uniform(0.5, 1.1))]
    line(draw, tail, fur, rx * rng.uniform(0.14, 0.22))
    ellipse(draw, bx, by, brx, bry, fur)
    if pattern == "tabby":
        for k in range(-2, 3):
            x = bx + k * brx * 0.3
            line(draw, [(x, by - bry * 0.7), (x + brx * 0.08, by + bry * 0.5)], extras[0], rx * 0.08)
    elif pattern in ("calico", "tuxedo"):
        ellipse(draw, bx - side * brx * 0.3, by, brx * 0.4, bry * 0.5, extras[0])
    if not lying:
        for paw in (-1, 1):
            ellipse(draw, bx + paw * brx * 0.35, by + bry * 0.9, rx * 0.2, ry * 0.13, mix(fur, (240, 240, 240), 0.2))


def paint_cat(draw, rng, cx, cy, size, dark_share=None):
    """Draw a cat whose head is ``size`` pixels wide, centred on (cx, cy).

    ``dark_share``: if given, the chance of a dark coat (:func:`_balanced_coat`); by default
    any coat of ``COATS`` or ``PATTERNS``, about two light ones for one dark.
    Returns the pose name (``"face"`` or ``"body"``) for captions and tests.
    """
    fur, pattern, extras = _coat(rng) if dark_share is None else _balanced_coat(rng, dark_share)
    rx = size / 2
    ry = rx * rng.uniform(0.78, 0.95)
    pose = "body" if rng.random() < 0.45 else "face"
    if pose == "body":
        _body(draw, rng, cx, cy, rx, ry, fur, pattern, extras)
    _ears(draw, rng, cx, cy, rx, ry, fur)
    ellipse(draw, cx, cy, rx, ry, fur)
    for side in (-1, 1):  # cheek fluff widens the face below the eyes
        ellipse(draw, cx + side * rx * 0.55, cy + ry * 0.35, rx * 0.5, ry * 0.5, fur)
    _markings(draw, rng, cx, cy, rx, ry, pattern, extras)
    _eyes(draw, rng, cx, cy, rx, ry)
    _face(draw, rng, cx, cy, rx, ry, fur)
    return pose
