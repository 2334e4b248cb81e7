"""Grading many submissions at once, on this machine or on a Dask cluster.

Locally, a pool of worker processes grades one notebook each at a time (processes, not
threads: the tests seed numpy's global generator). With ``scheduler`` set, the same work
goes to a `Dask distributed <https://distributed.dask.org>`_ cluster: each task carries the
notebook's bytes, so workers need the course code (this repository and its ``.venv``) but
no shared file system. Either way the results come back here, where the gradebook and the
reports are written by one process.

The cluster is reached with mutual TLS (:mod:`autograder.dask_tls`), and every result is
checked here before it is kept (:func:`check_result`): it must be the result of the student
and the assignment that were asked for, with exactly the assignment's grade cells, each score
within its cell's points as this machine's ``source/`` sets them. A result that is not is
that one student's grader fault, to re-grade, never a grade.
"""

import dataclasses
import functools
import math
import multiprocessing
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder.assignments import REPOSITORY, load_assignment
from autograder.grading import FunctionResult, Result, Settings, grade_notebook
from autograder.sandbox import detect_isolation
from coursekit.notebook_code import MAX_NOTEBOOK_MB


@functools.cache
def one_blas_thread():
    """Each grading worker computes the answer key with one BLAS thread: ``--jobs N`` means N cores' worth
    of work (a sandbox gets one core through its control group and one BLAS thread too). Once per process:
    a Dask worker calls it for every task."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


@functools.cache
def worker_isolation():
    """The isolation this worker process can give (:func:`detect_isolation` starts a probe sandbox, about
    0.1 s: once per process, not once per notebook)."""
    return detect_isolation()


def _worker_start():
    """A local grading worker: one BLAS thread, and its warm sandboxes stopped when it exits."""
    from multiprocessing.util import Finalize

    from autograder.sandbox import TEMPLATES

    one_blas_thread()
    Finalize(None, TEMPLATES.stop_all, exitpriority=10)


def grade_bytes(assignment_id, student, notebook_name, data, settings=None):
    """Grade a notebook given as bytes (a task that can run on any worker).

    The worker reads the assignment from its own copy of the course repository, and hides
    that copy from the sandbox too.
    """
    one_blas_thread()
    assignment = load_assignment(assignment_id)
    settings = settings or Settings()
    # Isolation is what this worker can do (decided here); its copy of the course is hidden.
    settings = dataclasses.replace(settings, isolation=worker_isolation(), hidden=(*settings.hidden, REPOSITORY))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / notebook_name
        if data is not None:
            path.write_bytes(data)
        return grade_notebook(assignment, student, path, settings)


def _read(path):
    """The notebook's bytes for a remote worker; a file too large or a link is sent as nothing."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_MB << 20:
        return None
    return path.read_bytes()


def grade_all(assignment, found, settings=None, jobs=2, scheduler=None, progress=None, security=None):
    """Grade ``found`` = [(student, notebook path)]; yields each Result as it completes.

    ``progress`` is called once per finished submission (e.g. a tqdm ``update``).
    ``security`` is the ``distributed.security.Security`` to reach ``scheduler`` with
    (:func:`autograder.dask_tls.client_security`; None only for an accepted plain address).
    """
    settings = settings or Settings()
    if scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler, security=security) as client:
            futures = [client.submit(grade_bytes, assignment.id, student, assignment.notebook, _read(path), settings,
                                     key=f"grade-{assignment.id}-{student}", pure=False)
                       for student, path in found]
            students = dict(zip(futures, (student for student, _ in found), strict=True))
            for future in dask_completed(futures):
                yield _outcome(future, assignment, students[future])
                if progress:
                    progress()
        return
    # Forked, not spawned: a worker starts with the grader already imported (a spawned one spends
    # seconds importing nbformat's and jsonschema's dependencies before its first notebook).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start) as pool:
        students = {pool.submit(grade_notebook, assignment, student, path, settings): student
                    for student, path in found}
        for future in as_completed(students):
            yield _outcome(future, assignment, students[future])
            if progress:
                progress()


GRADER_FAULT = "the grader failed on this submission"


def _outcome(future, assignment, student):
    """The future's Result, checked; a grader fault on one submission becomes that submission's error."""
    try:
        result = future.result()
    except Exception as error:  # the class must finish: record this one and go on
        return Result.nothing(assignment, student,
                              f"{GRADER_FAULT} ({type(error).__name__}: {error}); please re-grade it", "test-error")
    problem = check_result(result, assignment, student)
    if problem:
        return Result.nothing(assignment, student,
                              f"{GRADER_FAULT} (its result was rejected: {problem}); please re-grade it", "test-error")
    return result


def _points(value, most):
    """Is ``value`` a number of points from 0 to ``most``?"""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 <= value <= most)


def _texts(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def check_result(result, assignment, student):
    """Why ``result`` cannot be ``student``'s result of ``assignment``, or "" when it can.

    The points come from ``assignment`` as this machine read it, not from the result: a
    result from a worker at another commit, a forged one or a damaged one does not pass.
    """
    if not isinstance(result, Result):
        return f"not a grading result but {type(result).__name__}"
    if result.student != student or result.assignment != assignment.id:
        return (f"it is the result of {str(result.student)[:80]!r} for {str(result.assignment)[:80]!r}, "
                f"not of {student!r} for {assignment.id!r}")
    if not isinstance(result.functions, list) or not all(isinstance(f, FunctionResult) for f in result.functions):
        return "its function results are malformed"
    names = [f.name for f in result.functions]
    if names != assignment.names:
        return f"its grade cells are for {', '.join(map(str, names)) or 'no function'}, not the assignment's"
    for function, expected in zip(result.functions, assignment.functions, strict=True):
        if (function.public_max, function.hidden_max) != (expected.public_points, expected.hidden_points):
            return f"{expected.name} is out of {function.public_max}+{function.hidden_max} points, not " \
                   f"{expected.public_points:g}+{expected.hidden_points:g}"
        if not _points(function.public_score, expected.public_points) or function.public_score not in (
                0, expected.public_points):
            return f"{expected.name}_public scores {function.public_score!r} of {expected.public_points:g}"
        if not _points(function.hidden_score, expected.hidden_points):
            return f"{expected.name}_hidden scores {function.hidden_score!r} of {expected.hidden_points:g}"
        if not (_texts(function.public_messages) and _texts(function.hidden_messages) and _texts(function.causes)
                and isinstance(function.cases, list) and all(isinstance(case, dict) for case in function.cases)):
            return f"{expected.name}'s messages are malformed"
    if not (_texts(result.notes) and isinstance(result.error, str) and isinstance(result.isolation, str)):
        return "its notes are malformed"
    return ""
