"""Draw ``images/my_image.jpg`` for assignment 2's "test with your own image" cell.

A larger (256 x 256) cat drawn by the open data set's painter, on a plain gradient, so
that the notebook cell runs as shipped and shows the resize to 64 x 64 at work.

Usage: ``python tools/make_sample_image.py [--check]``
"""

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from coursetools.open_cats.draw import paint_cat

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "source" / "dnn_application" / "images" / "my_image.jpg"
SIDE = 256


def draw(seed=7):
    rng = np.random.default_rng(seed)
    top, bottom = np.array([196, 222, 240.0]), np.array([120, 160, 110.0])
    rows = np.linspace(0, 1, SIDE)[:, None, None]
    backdrop = ((1 - rows) * top + rows * bottom) * np.ones((SIDE, SIDE, 1))
    image = Image.fromarray(backdrop.astype(np.uint8)).convert("RGBA")
    layer = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    paint_cat(ImageDraw.Draw(layer), rng, SIDE / 2, SIDE / 2, 0.62 * SIDE)
    image.alpha_composite(layer)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed image is out of date")
    args = parser.parse_args(argv)
    data = draw()
    if args.check:
        ok = TARGET.is_file() and TARGET.read_bytes() == data
        state = "up to date" if ok else "out of date: run python tools/make_sample_image.py"
        print(f"{TARGET.relative_to(ROOT)} is {state}.")
        return 0 if ok else 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(data)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
