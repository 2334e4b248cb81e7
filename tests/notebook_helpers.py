"""Notebooks of the course for tests (shared with the demo and the benchmark)."""

from autograder.sample_class import (  # noqa: F401 (re-exported for the tests)
    GRADED, NOTEBOOKS, ROOT, grade_id, release_notebook, solved_submission, source_notebook, with_mistakes)
