"""Small drawing helpers shared by the cat and non-cat painters.

Coordinates are in pixels of the supersampled canvas; colours are RGB tuples.
"""

import numpy as np

SIZE = 256  # supersampled canvas; the final image is SIZE // 4 = 64 pixels wide


def clip_colour(rgb):
    """An (r, g, b) tuple of ints in 0..255."""
    return tuple(int(v) for v in np.clip(np.round(rgb), 0, 255))


def jitter_colour(rng, rgb, amount):
    """``rgb`` moved by up to ``amount`` per channel, plus a shared brightness shift."""
    rgb = np.asarray(rgb, dtype=float)
    return clip_colour(rgb + rng.uniform(-amount, amount, 3) + rng.uniform(-amount, amount))


def shade(rgb, factor):
    """``rgb`` scaled by ``factor`` (darker below 1, lighter above 1)."""
    return clip_colour(np.asarray(rgb, dtype=float) * factor)


def mix(a, b, t):
    """Linear blend of two colours: ``a`` at t=0, ``b`` at t=1."""
    return clip_colour((1 - t) * np.asarray(a, dtype=float) + t * np.asarray(b, dtype=float))


def random_colour(rng):
    """Any colour, uniformly in RGB."""
    return clip_colour(rng.uniform(0, 255, 3))


def ellipse(draw, cx, cy, rx, ry, fill, outline=None, width=1):
    """Axis-aligned ellipse given its centre and radii."""
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill, outline=outline, width=width)


def polygon(draw, points, fill, outline=None):
    """Polygon from a list of (x, y) pairs."""
    draw.polygon([(float(x), float(y)) for x, y in points], fill=fill, outline=outline)


def line(draw, points, fill, width):
    """Polyline of ``width`` pixels with rounded joints."""
    draw.line([(float(x), float(y)) for x, y in points], fill=fill, width=int(max(1, width)), joint="curve")
