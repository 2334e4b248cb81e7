"""Backgrounds, clutter, occluders and the photo-like finish of an image.

All randomness comes from the ``rng`` passed in, so an image is a function of its seed.
"""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .shapes import SIZE, ellipse, jitter_colour, mix, polygon, random_colour, shade

OUT = 64

INDOOR = [(200, 180, 150), (170, 150, 130), (220, 215, 200), (120, 100, 90), (90, 95, 110), (235, 230, 220)]
OUTDOOR_SKY = [(135, 180, 230), (170, 200, 235), (200, 210, 220), (110, 150, 210)]
GROUND = [(90, 140, 60), (120, 160, 80), (140, 120, 90), (170, 160, 130), (80, 100, 70)]


def _gradient(rng, top, bottom):
    """A linear gradient between two colours in a random direction."""
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] / (SIZE - 1) - 0.5
    t = np.clip(0.5 + xx * np.cos(angle) + yy * np.sin(angle), 0, 1)[..., None]
    return (1 - t) * np.asarray(top, float) + t * np.asarray(bottom, float)


def _smooth_noise(rng, cells, strength):
    """Blotchy noise: random values on a coarse grid, enlarged smoothly."""
    grid = rng.uniform(-strength, strength, (cells, cells, 3)).astype(np.float32)
    small = Image.fromarray(np.uint8(np.clip(grid + 128, 0, 255)))
    return np.asarray(small.resize((SIZE, SIZE), Image.BICUBIC), dtype=float) - 128


def background(rng):
    """A 256x256 RGB background: plain gradient, indoor wall and floor, outdoor, or pattern."""
    kind = rng.choice(["gradient", "indoor", "outdoor", "pattern", "blotches"])
    if kind == "gradient":
        pixels = _gradient(rng, random_colour(rng), random_colour(rng))
    elif kind == "indoor":
        wall = jitter_colour(rng, INDOOR[rng.integers(len(INDOOR))], 30)
        floor = jitter_colour(rng, INDOOR[rng.integers(len(INDOOR))], 30)
        pixels = _gradient(rng, wall, shade(wall, 0.8))
        horizon = int(rng.uniform(0.5, 0.85) * SIZE)
        pixels[horizon:] = np.asarray(floor, float) * np.linspace(0.85, 1.1, SIZE - horizon)[:, None, None]
    elif kind == "outdoor":
        sky = jitter_colour(rng, OUTDOOR_SKY[rng.integers(len(OUTDOOR_SKY))], 25)
        ground = jitter_colour(rng, GROUND[rng.integers(len(GROUND))], 25)
        pixels = np.empty((SIZE, SIZE, 3))
        horizon = int(rng.uniform(0.35, 0.75) * SIZE)
        pixels[:horizon] = np.linspace(shade(sky, 0.85), shade(sky, 1.1), horizon)[:, None, :]
        pixels[horizon:] = np.linspace(ground, shade(ground, 0.7), SIZE - horizon)[:, None, :]
    elif kind == "pattern":
        a, b = random_colour(rng), random_colour(rng)
        b = mix(a, b, rng.uniform(0.2, 0.6))
        period = rng.integers(12, 48)
        yy, xx = np.mgrid[0:SIZE, 0:SIZE]
        if rng.random() < 0.5:
            mask = ((xx // period + yy // period) % 2).astype(bool)
        else:
            angle_x, angle_y = np.cos(rng.uniform(0, np.pi)), np.sin(rng.uniform(0, np.pi))
            mask = ((xx * angle_x + yy * angle_y) // period % 2).astype(bool)
        pixels = np.where(mask[..., None], np.asarray(a, float), np.asarray(b, float))
    else:
        pixels = _gradient(rng, random_colour(rng), random_colour(rng))
    pixels = pixels + _smooth_noise(rng, int(rng.integers(4, 16)), rng.uniform(5, 40))
    return Image.fromarray(np.uint8(np.clip(pixels, 0, 255))).convert("RGBA")


def luminance(pixels):
    """Mean brightness (0..255) of an RGB array, weighted by opacity if it has an alpha channel."""
    pixels = np.asarray(pixels, dtype=float)
    lum = pixels[..., :3] @ np.array([0.299, 0.587, 0.114])
    if pixels.shape[-1] == 4:
        alpha = pixels[..., 3] / 255
        return float((lum * alpha).sum() / max(alpha.sum(), 1.0))
    return float(lum.mean())


def contrast_with(rng, image, subject_lum):
    """Rescale a background so its brightness is opposite to the subject's (dark cat, light sofa)."""
    pixels = np.asarray(image, dtype=float)
    target = rng.uniform(150, 220) if subject_lum < 128 else rng.uniform(35, 100)
    pixels[..., :3] *= target / max(luminance(pixels[..., :3]), 1.0)
    return Image.fromarray(np.uint8(np.clip(pixels, 0, 255)))


def clutter(rng, image, count):
    """Paint ``count`` simple shapes (furniture, plants, toys) behind the subject."""
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        colour = random_colour(rng)
        x, y = rng.uniform(0, SIZE, 2)
        w, h = rng.uniform(15, 90, 2)
        kind = rng.integers(3)
        if kind == 0:
            draw.rectangle([x - w / 2, y - h / 2, x + w / 2, y + h / 2], fill=colour)
        elif kind == 1:
            ellipse(draw, x, y, w / 2, h / 2, colour)
        else:
            polygon(draw, [(x, y - h / 2), (x - w / 2, y + h / 2), (x + w / 2, y + h / 2)], colour)


def occlude(rng, image):
    """Hide part of the picture behind a foreground block (a chair leg, a box, a hand)."""
    draw = ImageDraw.Draw(image)
    colour = random_colour(rng)
    side = rng.integers(4)
    depth = rng.uniform(0.12, 0.3) * SIZE
    start, length = rng.uniform(0, SIZE * 0.5), rng.uniform(0.3, 1.0) * SIZE
    box = [(0, start, depth, start + length), (SIZE - depth, start, SIZE, start + length),
           (start, 0, start + length, depth), (start, SIZE - depth, start + length, SIZE)][side]
    draw.rectangle(box, fill=colour)


def place_subject(image, layer, angle, centre):
    """Rotate the RGBA ``layer`` about ``centre`` and lay it over ``image``."""
    layer = layer.rotate(float(angle), resample=Image.BICUBIC, center=(float(centre[0]), float(centre[1])))
    image.alpha_composite(layer)


def finish(rng, image, noise, blur, exposure):
    """Reduce to 64x64, add a camera's faults (blur, colour cast, contrast, noise) and set the exposure.

    ``exposure`` is the range (0..255) from which the picture's mean brightness is drawn. It
    keeps the set's pixel statistics near the classic photographs' (mean about 103): brighter
    inputs make the notebooks' fixed learning rate too large for the network, whose cost then
    jumps up and down during training (see datasets/README.md).

    Returns a (64, 64, 3) uint8 array.
    """
    small = image.convert("RGB").resize((OUT, OUT), Image.LANCZOS)
    radius = rng.uniform(0, blur)
    if radius > 0.2:
        small = small.filter(ImageFilter.GaussianBlur(radius))
    pixels = np.asarray(small, dtype=float)
    grey = pixels.mean(axis=2, keepdims=True)
    pixels = grey + rng.uniform(0.6, 1.3) * (pixels - grey)          # saturation
    pixels = pixels.mean() + rng.uniform(0.75, 1.2) * (pixels - pixels.mean())  # contrast
    pixels = pixels * rng.uniform(0.8, 1.2) + rng.uniform(-15, 15, 3)  # brightness and colour cast
    pixels = pixels + rng.normal(0, rng.uniform(0, noise), pixels.shape)
    pixels = pixels * (rng.uniform(*exposure) / max(float(np.clip(pixels, 0, 255).mean()), 1.0))
    return np.uint8(np.clip(np.round(pixels), 0, 255))
