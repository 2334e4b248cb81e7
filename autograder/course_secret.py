"""The course's grading secret: what makes each student's hidden inputs their own.

Feedback once printed the hidden tests' expected values on fixed inputs, so a resubmission
that looked its answers up in a table scored full marks. Now the hidden tests draw their
inputs from generators keyed with HMAC-SHA256 of this secret, the assignment and the student
(:func:`autograder.hidden_tests.inputs_for`). So a student's hidden inputs are the same at
every re-grade and under both graders (``python -m autograder grade`` and ``nbgrader
autograde`` read the same course directory), differ from every other student's, and cannot be
worked out without the secret.

The secret is the file ``.grading_secret`` of the course directory (next to ``source/``):
64 hex digits, mode 0600, created on first use. nbgrader releases only
``source/<assignment>/`` folders, the repository ignores the file (``.gitignore``) and the
sandbox hides the course directory. Keep it for the whole term, and give Dask workers the
same file: another secret means other hidden inputs, so partially right work could then get
other partial credit.
"""

import os
import re
import secrets
import tempfile
from pathlib import Path

FILE_NAME = ".grading_secret"
_FORMAT = re.compile(r"[0-9a-f]{64}")


class SecretError(RuntimeError):
    """The course's secret exists but cannot be used (unreadable or malformed); the message says why."""


def secret_path(course_root):
    return Path(course_root) / FILE_NAME


def course_secret(course_root):
    """The secret of the course at ``course_root`` (bytes), created there on first use.

    Safe when several grading processes start at once: the file appears complete or not at
    all (written aside, then linked into place), and the first one wins.
    """
    path = secret_path(course_root)
    if not path.exists():
        folder = path.parent
        handle, aside = tempfile.mkstemp(prefix=".grading_secret.", dir=folder)  # mode 0600
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(secrets.token_hex(32) + "\n")
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(aside)
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise SecretError(f"cannot read the course's grading secret {path}: {error}") from None
    if not _FORMAT.fullmatch(text):
        raise SecretError(f"{path} is not a grading secret (64 hex digits); restore it from a backup, or delete it "
                          "to start a new one (every student then gets new hidden inputs)")
    return text.encode()


def assignment_secret(assignment):
    """The secret of the course that ``assignment`` (an :class:`autograder.assignments.Assignment`) belongs to.

    The course directory is the folder that holds the source folder, as in nbgrader's layout
    ``<course>/source/<assignment>/``.
    """
    return course_secret(Path(assignment.folder).resolve().parent.parent)
