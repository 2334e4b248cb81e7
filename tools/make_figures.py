"""Draw the course's diagrams: ``source/<assignment>/images/*.png``.

One function per figure, plus a few drawing helpers; the output is byte-for-byte the same on
every run (Agg backend, fixed font, no timestamps), so ``--check`` can compare it with the
committed files.

Usage: ``python tools/make_figures.py [--check]``
"""

import argparse
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STEP = ROOT / "source" / "dnn_step_by_step" / "images"
APP = ROOT / "source" / "dnn_application" / "images"

FORWARD, BACKWARD, CACHE, NEUTRAL = "#dbe7f7", "#f9dcdc", "#7a7a7a", "#eeeeee"
FORWARD_EDGE, BACKWARD_EDGE = "#3b6db3", "#b33b3b"
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 11, "mathtext.fontset": "dejavusans",
                     "svg.hashsalt": "course", "path.simplify": False})


def canvas(width, height):
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, text, face=NEUTRAL, edge="#444444", size=11, weight="normal"):
    """A rounded box centred at (x, y)."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, linewidth=1.4))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, weight=weight)


def arrow(ax, start, end, color="#333333", style="-|>", dashed=False, curve=0.0, width=1.5):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color, linewidth=width,
                                 linestyle=(0, (4, 3)) if dashed else "solid",
                                 connectionstyle=f"arc3,rad={curve}", shrinkA=2, shrinkB=2))


def label(ax, x, y, text, size=10, color="#222222", **kwargs):
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=color, **kwargs)


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, facecolor="white", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Assignment 1
# ---------------------------------------------------------------------------------------------

def outline():
    fig, ax = canvas(12.5, 5.4)
    box(ax, 1.3, 3.2, 2.0, 1.0, "initialize\nparameters", weight="bold")
    forward = ["linear_forward", "linear_activation_forward", "L_model_forward"]
    backward = ["L_model_backward", "linear_activation_backward", "linear_backward"]
    ax.add_patch(FancyBboxPatch((2.9, 1.75), 3.0, 2.95, boxstyle="round,pad=0.02,rounding_size=0.2",
                                facecolor="white", edgecolor=FORWARD_EDGE, linewidth=1.6))
    label(ax, 4.4, 4.45, "forward propagation module", color=FORWARD_EDGE, weight="bold")
    for i, name in enumerate(forward):
        box(ax, 4.4, 3.75 - 0.75 * i, 2.7, 0.55, name, FORWARD, FORWARD_EDGE, size=10)
    box(ax, 6.9, 3.2, 1.4, 1.0, "cost $J$", weight="bold")
    ax.add_patch(FancyBboxPatch((7.9, 1.75), 3.0, 2.95, boxstyle="round,pad=0.02,rounding_size=0.2",
                                facecolor="white", edgecolor=BACKWARD_EDGE, linewidth=1.6))
    label(ax, 9.4, 4.45, "backward propagation module", color=BACKWARD_EDGE, weight="bold")
    for i, name in enumerate(backward):
        box(ax, 9.4, 3.75 - 0.75 * i, 2.7, 0.55, name, BACKWARD, BACKWARD_EDGE, size=10)
    box(ax, 11.7, 3.2, 1.3, 1.0, "update\nparameters", weight="bold", size=10)
    arrow(ax, (2.3, 3.2), (2.9, 3.2))
    arrow(ax, (5.9, 3.2), (6.2, 3.2))
    arrow(ax, (7.6, 3.2), (7.9, 3.2))
    arrow(ax, (10.9, 3.2), (11.05, 3.2))
    arrow(ax, (11.7, 3.7), (4.4, 4.7), curve=0.3)
    label(ax, 8.0, 5.0, "repeat for num_iterations", size=10, style="italic")
    arrow(ax, (4.4, 1.75), (9.4, 1.75), color=CACHE, dashed=True, curve=0.3)
    label(ax, 6.9, 0.55, "caches: $((A^{[l-1]}, W^{[l]}, b^{[l]}), Z^{[l]})$ for every layer", size=10, color=CACHE)
    return png(fig)


def architecture():
    fig, ax = canvas(12.5, 3.6)
    box(ax, 0.8, 2.2, 1.0, 0.9, "$X$\n$=A^{[0]}$", size=12)
    layers = [("LINEAR → RELU", "layer 1", "$A^{[1]}$"), ("LINEAR → RELU", "layer 2", "$A^{[2]}$"),
              ("⋯", "", ""), ("LINEAR → RELU", "layer $L-1$", "$A^{[L-1]}$"),
              ("LINEAR → SIGMOID", "layer $L$", "$A^{[L]}$")]
    xs = [2.6, 4.8, 6.5, 8.2, 10.5]
    prev = 1.3
    for x, (text, name, _output) in zip(xs, layers, strict=True):
        if text == "⋯":
            label(ax, x, 2.2, "⋯", size=20)
            arrow(ax, (prev, 2.2), (x - 0.3, 2.2))
            prev = x + 0.3
            continue
        face, edge = (FORWARD, FORWARD_EDGE)
        width = 2.0 if "SIGMOID" in text else 1.7
        box(ax, x, 2.2, width, 0.9, text, face, edge, size=10)
        label(ax, x, 3.0, name, size=10)
        arrow(ax, (prev, 2.2), (x - width / 2, 2.2))
        prev = x + width / 2
    arrow(ax, (prev, 2.2), (11.8, 2.2))
    label(ax, 12.1, 2.2, "$\\hat{Y}$", size=14)
    label(ax, 6.2, 0.9, "each layer: $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$,   $A^{[l]} = g^{[l]}(Z^{[l]})$,"
          "   $g$ = ReLU for $l < L$, sigmoid for $l = L$", size=11)
    label(ax, 6.2, 0.35, "output: $\\hat{Y} = A^{[L]} = \\sigma(Z^{[L]})$, the probability of a cat", size=11)
    return png(fig)


def forward_backward_2layer():
    fig, ax = canvas(12.5, 5.4)
    top, bottom = 4.2, 1.5
    label(ax, 0.6, top, "$X$", size=14)
    box(ax, 3.0, top, 2.6, 0.9, "LINEAR → RELU\n$W^{[1]}, b^{[1]}$", FORWARD, FORWARD_EDGE, size=10)
    box(ax, 7.2, top, 2.6, 0.9, "LINEAR → SIGMOID\n$W^{[2]}, b^{[2]}$", FORWARD, FORWARD_EDGE, size=10)
    box(ax, 11.2, top, 1.6, 0.9, "cost\n$J(A^{[2]}, Y)$", size=10)
    arrow(ax, (0.9, top), (1.7, top))
    arrow(ax, (4.3, top), (5.9, top))
    label(ax, 5.1, top + 0.3, "$A^{[1]}$", size=12)
    arrow(ax, (8.5, top), (10.4, top))
    label(ax, 9.45, top + 0.3, "$A^{[2]}$", size=12)
    box(ax, 7.2, bottom, 2.6, 0.9, "SIGMOID backward\n→ LINEAR backward", BACKWARD, BACKWARD_EDGE, size=10)
    box(ax, 3.0, bottom, 2.6, 0.9, "RELU backward\n→ LINEAR backward", BACKWARD, BACKWARD_EDGE, size=10)
    arrow(ax, (11.2, top - 0.45), (8.5, bottom), color=BACKWARD_EDGE, curve=-0.2)
    label(ax, 10.6, 2.3, "$dA^{[2]}$", size=12, color=BACKWARD_EDGE)
    arrow(ax, (5.9, bottom), (4.3, bottom), color=BACKWARD_EDGE)
    label(ax, 5.1, bottom + 0.3, "$dA^{[1]}$", size=12, color=BACKWARD_EDGE)
    arrow(ax, (1.7, bottom), (0.9, bottom), color=BACKWARD_EDGE)
    label(ax, 0.55, bottom, "$dA^{[0]}$", size=12, color=BACKWARD_EDGE)
    for x, layer in ((3.0, 1), (7.2, 2)):
        arrow(ax, (x, top - 0.45), (x, bottom + 0.45), color=CACHE, dashed=True)
        label(ax, x + 0.55, (top + bottom) / 2, f"cache {layer}", size=9, color=CACHE)
        label(ax, x, bottom - 0.8, f"$dW^{{[{layer}]}},\\ db^{{[{layer}]}}$", size=12, color=BACKWARD_EDGE)
        arrow(ax, (x, bottom - 0.45), (x, bottom - 0.6), color=BACKWARD_EDGE)
    label(ax, 6.2, 5.15, "forward pass (top) and backward pass (bottom) of a 2-layer network", size=11,
          style="italic")
    return png(fig)


def linear_backward():
    fig, ax = canvas(9.5, 5.0)
    box(ax, 4.0, 2.6, 3.0, 1.1, "LINEAR backward\n(layer $l$)", BACKWARD, BACKWARD_EDGE, size=12)
    arrow(ax, (7.4, 2.6), (5.5, 2.6), color=BACKWARD_EDGE)
    label(ax, 7.9, 2.6, "$dZ^{[l]}$", size=14, color=BACKWARD_EDGE)
    arrow(ax, (4.0, 4.4), (4.0, 3.15), color=CACHE, dashed=True)
    label(ax, 4.0, 4.65, "cache $(A^{[l-1]}, W^{[l]}, b^{[l]})$", size=11, color=CACHE)
    arrow(ax, (2.5, 2.6), (0.9, 2.6), color=BACKWARD_EDGE)
    label(ax, 0.55, 2.6, "$dA^{[l-1]}$", size=14, color=BACKWARD_EDGE)
    arrow(ax, (3.4, 2.05), (2.6, 1.0), color=BACKWARD_EDGE)
    arrow(ax, (4.6, 2.05), (5.4, 1.0), color=BACKWARD_EDGE)
    label(ax, 2.4, 0.7, "$dW^{[l]}$", size=14, color=BACKWARD_EDGE)
    label(ax, 5.6, 0.7, "$db^{[l]}$", size=14, color=BACKWARD_EDGE)
    formulas = ["$dW^{[l]} = \\frac{1}{m}\\, dZ^{[l]} A^{[l-1]T}$",
                "$db^{[l]} = \\frac{1}{m} \\sum_{i=1}^{m} dZ^{[l](i)}$",
                "$dA^{[l-1]} = W^{[l]T} dZ^{[l]}$"]
    for i, formula in enumerate(formulas):
        ax.text(6.5, 1.6 - 0.5 * i, formula, fontsize=11, va="center")
    return png(fig)


def L_model_backward():
    fig, ax = canvas(13.0, 4.6)
    y = 2.7
    boxes = [(11.0, "layer $L$\nSIGMOID → LINEAR\nbackward", '"dW" + str(L)', '"db" + str(L)'),
             (7.8, "layer $L-1$\nRELU → LINEAR\nbackward", '"dW" + str(L-1)', '"db" + str(L-1)'),
             (4.0, "layer 1\nRELU → LINEAR\nbackward", '"dW1"', '"db1"')]
    arrow(ax, (12.9, y), (12.35, y), color=BACKWARD_EDGE)
    label(ax, 12.6, y + 0.45, "$dA^{[L]}$", size=12, color=BACKWARD_EDGE)
    for x, text, dW, db in boxes:
        box(ax, x, y, 2.7, 1.2, text, BACKWARD, BACKWARD_EDGE, size=10)
        arrow(ax, (x, y - 0.6), (x, 1.05), color=BACKWARD_EDGE)
        label(ax, x, 0.75, f"grads[{dW}]\ngrads[{db}]", size=9, family="DejaVu Sans Mono")
    arrow(ax, (9.65, y), (9.15, y), color=BACKWARD_EDGE)
    label(ax, 9.4, y + 0.95, '$dA^{[L-1]}$\ngrads["dA" + str(L-1)]', size=9, color=BACKWARD_EDGE)
    arrow(ax, (6.45, y), (6.0, y), color=BACKWARD_EDGE)
    label(ax, 5.85, y, "⋯", size=20)
    arrow(ax, (5.7, y), (5.35, y), color=BACKWARD_EDGE)
    arrow(ax, (2.65, y), (1.4, y), color=BACKWARD_EDGE)
    label(ax, 1.9, y + 0.95, '$dA^{[0]}$\ngrads["dA0"]', size=9, color=BACKWARD_EDGE)
    label(ax, 0.7, y, "$X$", size=14)
    label(ax, 6.5, 4.3, "the step of layer $l$ reads grads[\"dA\" + str(l)] and stores "
          "dA$^{[l-1]}$, dW$^{[l]}$, db$^{[l]}$; it uses caches[l-1]", size=10, style="italic")
    return png(fig)


# ---------------------------------------------------------------------------------------------
# Assignment 2
# ---------------------------------------------------------------------------------------------

def _example_image():
    from coursetools.open_cats.dataset import render

    return render(1_000_002, 1)


def image_to_vector():
    image = _example_image()
    fig, ax = canvas(11.0, 5.2)
    holder = fig.add_axes([0.03, 0.25, 0.27, 0.58])
    holder.imshow(image, interpolation="nearest")
    holder.set_xticks([])
    holder.set_yticks([])
    label(ax, 1.8, 4.7, "one image: $64 \\times 64$ pixels × 3 colours", size=11)
    label(ax, 1.8, 0.85, "train_x_orig[i], shape (64, 64, 3)", size=10, family="DejaVu Sans Mono")
    arrow(ax, (3.6, 2.8), (5.6, 2.8))
    label(ax, 4.6, 3.25, "reshape(m, -1).T / 255", size=10, family="DejaVu Sans Mono")
    entries = [("red", "(0, 0)"), ("green", "(0, 0)"), ("blue", "(0, 0)"), ("red", "(0, 1)"), ("green", "(0, 1)"),
               ("⋮", ""), ("blue", "(63, 63)")]
    colours = {"red": "#f4c7c3", "green": "#c8e6c9", "blue": "#c5d8f5", "⋮": "white"}
    top = 4.5
    for i, (channel, pixel) in enumerate(entries):
        y = top - 0.55 * i
        ax.add_patch(FancyBboxPatch((6.0, y - 0.25), 1.6, 0.5, boxstyle="square,pad=0", facecolor=colours[channel],
                                    edgecolor="#555555"))
        text = channel if channel == "⋮" else f"{channel} {pixel}"
        label(ax, 6.8, y, text, size=9)
    label(ax, 6.8, 0.35, "one column of train_x", size=10)
    ax.annotate("", xy=(8.0, top + 0.25), xytext=(8.0, top - 0.55 * 6 - 0.25),
                arrowprops=dict(arrowstyle="<->", color="#333333"))
    label(ax, 9.4, 2.85, "$12288 = 64 \\times 64 \\times 3$\nnumbers in $[0, 1]$", size=11)
    return png(fig)


def _network(sizes, titles, filename_title):
    fig, ax = canvas(12.5, 3.9)
    y = 2.3
    box(ax, 0.9, y, 1.3, 1.0, f"input\n$x$ ({sizes[0]}, 1)", size=10)
    prev = 1.55
    xs = np.linspace(3.2, 10.0, len(titles))
    for l, (x, title) in enumerate(zip(xs, titles, strict=True), start=1):
        sigmoid = "SIGMOID" in title
        box(ax, x, y, 2.0, 1.0, title, FORWARD, FORWARD_EDGE, size=10)
        arrow(ax, (prev, y), (x - 1.0, y))
        label(ax, x, y - 0.95, f"$W^{{[{l}]}}$: ({sizes[l]}, {sizes[l - 1]})\n$b^{{[{l}]}}$: ({sizes[l]}, 1)", size=9)
        prev = x + 1.0
        if not sigmoid:
            label(ax, x, y + 0.75, f"{sizes[l]} units", size=9)
    arrow(ax, (prev, y), (11.6, y))
    label(ax, 12.0, y, "$\\hat{y}$", size=14)
    label(ax, 6.3, 3.6, filename_title + "   (cat if $\\hat{y} > 0.5$)", size=11, style="italic")
    return png(fig)


def two_layer_network():
    return _network([12288, 7, 1], ["LINEAR → RELU", "LINEAR → SIGMOID"], "2-layer network")


def L_layer_network():
    return _network([12288, 20, 7, 5, 1], ["LINEAR → RELU", "LINEAR → RELU", "LINEAR → RELU", "LINEAR → SIGMOID"],
                    "4-layer network, layers_dims = [12288, 20, 7, 5, 1]")


FIGURES = {
    STEP / "outline.png": outline,
    STEP / "architecture.png": architecture,
    STEP / "forward_backward_2layer.png": forward_backward_2layer,
    STEP / "linear_backward.png": linear_backward,
    STEP / "L_model_backward.png": L_model_backward,
    APP / "image_to_vector.png": image_to_vector,
    APP / "two_layer_network.png": two_layer_network,
    APP / "L_layer_network.png": L_layer_network,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed figure is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, draw in FIGURES.items():
        data = draw()
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(str(path.relative_to(ROOT)))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python tools/make_figures.py")
        return 1
    if args.check:
        print(f"all {len(FIGURES)} figures are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
