"""Rebuild the course's open cat / non-cat set, byte for byte, from its seeds.

Usage::

    python tools/make_open_dataset.py              # write datasets/open_*_catvnoncat.h5
    python tools/make_open_dataset.py --out DIR    # write them elsewhere
    python tools/make_open_dataset.py --check      # rebuild in a temporary folder and compare

``--check`` compares the sha256 of the rebuilt files with the committed files and
with ``OPEN_SHA256`` in utils/catvnoncat_data.py and exits 1 on any mismatch.
The pictures are drawn by tools/open_cats; bytes depend on the pinned numpy,
Pillow and h5py versions (requirements.txt).
"""

import argparse
import sys
import tempfile
from pathlib import Path

from coursekit.catvnoncat_data import FILES, OPEN_SHA256, sha256_of, write_split
from coursetools.open_cats.dataset import build_split

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"


def build(out_dir):
    """Draw both splits and write them into ``out_dir``; return {file name: sha256}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    digests = {}
    for split, name in zip(("train", "test"), FILES["open"], strict=True):
        x, y = build_split(split)
        write_split(out_dir / name, split, x, y)
        digests[name] = sha256_of(out_dir / name)
    return digests


def check(committed_dir=DATASETS):
    """Rebuild into a temporary folder; return a list of mismatch messages (empty if all agree)."""
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = build(tmp)
    problems = []
    for name, digest in rebuilt.items():
        if OPEN_SHA256.get(name) != digest:
            problems.append(f"{name}: rebuilt sha256 {digest} differs from OPEN_SHA256 {OPEN_SHA256.get(name)} "
                            "in utils/catvnoncat_data.py")
        committed = Path(committed_dir) / name
        if not committed.is_file():
            problems.append(f"{committed}: missing; run python tools/make_open_dataset.py")
        elif sha256_of(committed) != digest:
            problems.append(f"{committed}: sha256 {sha256_of(committed)} differs from the rebuilt {digest}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATASETS, help="output folder (default: datasets/)")
    parser.add_argument("--check", action="store_true", help="rebuild in a temporary folder and compare checksums")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.out)
        for problem in problems:
            print("MISMATCH:", problem, file=sys.stderr)
        if problems:
            print("The open set does not rebuild identically (check numpy / Pillow / h5py versions "
                  "against requirements.txt).", file=sys.stderr)
            return 1
        print("OK: the rebuilt open set matches the committed files and OPEN_SHA256.")
        return 0
    for name, digest in build(args.out).items():
        print(f"{args.out / name}  sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
