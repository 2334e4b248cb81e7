"""Copy each assignment's helper modules and data into ``source/<assignment>/``, as ``course.toml`` lists them.

Why copies and not symbolic links: stock ``nbgrader generate_assignment`` releases
``source/<assignment>/`` as it finds it, so the helpers must really be there; and a checkout
without symlink support (Windows, a zip download) turns links into small text files that
import nothing. ``utils/`` and ``datasets/`` stay the originals that are edited; these copies
are generated, like ``release/``.

``--check`` writes nothing and exits 1, naming every copy that is stale, missing or still a
link, and every file of ``source/<assignment>/`` that ``course.toml`` does not account for
(nbgrader would release it to students: an editor backup once reached the grader this way).

Usage: ``python tools/sync_helpers.py [--check] [--source DIR] [assignment ...]``
"""

import argparse
import shutil
import sys
from pathlib import Path

from autograder.assignments import REPOSITORY, SOURCE, is_ignored, load_manifest, manifest_path


def _ignored(name):
    return is_ignored(name)


def stale(files, folder, repository=REPOSITORY):
    """Relative paths (``str``) of the copies in ``folder`` that differ from their original, with why."""
    found = []
    for original, relative in files.copies(repository):
        copy = folder / relative
        if copy.is_symlink():
            found.append(f"{relative} (a symbolic link, must be a copy)")
        elif not copy.is_file():
            found.append(f"{relative} (missing)")
        elif copy.read_bytes() != original.read_bytes():
            found.append(f"{relative} (differs from {original.relative_to(repository)})")
    return found


def unlisted(files, folder):
    """Files and folders in ``folder`` that the manifest does not account for."""
    found = []
    if not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir()):
        if not _ignored(entry.name) and entry.name not in files.listed:
            found.append(entry.name)
    for data_folder, names in files.data:
        if (folder / data_folder).is_dir():
            found += [f"{data_folder}/{entry.name}" for entry in sorted((folder / data_folder).iterdir())
                      if not _ignored(entry.name) and entry.name not in names]
    return found


def sync(files, folder, repository=REPOSITORY):
    """Write every stale copy into ``folder`` (a link is replaced, never written through); return them."""
    written = []
    for original, relative in files.copies(repository):
        copy = folder / relative
        if copy.is_file() and not copy.is_symlink() and copy.read_bytes() == original.read_bytes():
            continue
        if copy.is_symlink() or copy.is_file():
            copy.unlink()
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, copy)
        written.append(copy)
    return written


def _shown(path):
    try:
        return path.resolve().relative_to(REPOSITORY)
    except ValueError:
        return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment of course.toml")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a copy is out of date")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the course's source folder (default source/)")
    args = parser.parse_args(argv)
    manifest = load_manifest(manifest_path(args.source))
    unknown = [a for a in args.assignments if a not in manifest]
    if unknown:
        parser.error(f"not in course.toml: {', '.join(unknown)} (known: {', '.join(manifest)})")
    status = 0
    for assignment in args.assignments or list(manifest):
        files, folder = manifest[assignment], args.source / assignment
        shown = _shown(folder)
        strays = unlisted(files, folder)
        if args.check:
            changed = stale(files, folder)
            if changed:
                status = 1
                print(f"{shown}: out of date: {', '.join(changed)}: run python tools/sync_helpers.py")
            else:
                print(f"{shown}: helper copies are up to date.")
        else:
            for path in sync(files, folder):
                print(f"wrote {_shown(path)}")
        if strays:
            status = 1
            print(f"{shown}: not listed in course.toml (nbgrader would release it): "
                  f"{', '.join(strays)}: delete it, or list it in course.toml")
    return status


if __name__ == "__main__":
    sys.exit(main())
