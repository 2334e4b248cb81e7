"""Grading many submissions at once, on this machine or on a Dask cluster.

Locally, a pool of worker processes grades one notebook each at a time (processes, not
threads: the tests seed numpy's global generator). With ``scheduler`` set, the same work
goes to a `Dask distributed <https://distributed.dask.org>`_ cluster: each task carries the
notebook's bytes, so workers need the course code (this repository and its ``.venv``) but
no shared file system. Either way the results come back here, where the gradebook and the
reports are written by one process.
"""

import multiprocessing
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder.assignments import REPOSITORY, load_assignment
from autograder.grading import Result, Settings, grade_notebook
from coursekit.notebook_code import MAX_NOTEBOOK_MB


def grade_bytes(assignment_id, student, notebook_name, data, settings=None):
    """Grade a notebook given as bytes (a task that can run on any worker).

    The worker reads the assignment from its own copy of the course repository, and hides
    that copy from the sandbox too.
    """
    assignment = load_assignment(assignment_id)
    settings = settings or Settings()
    # Isolation is what this worker can do (decided here, now); its copy of the course is hidden.
    settings = Settings(settings.limits, "", (*settings.hidden, REPOSITORY))
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


def grade_all(assignment, found, settings=None, jobs=2, scheduler=None, progress=None):
    """Grade ``found`` = [(student, notebook path)]; yields each Result as it completes.

    ``progress`` is called once per finished submission (e.g. a tqdm ``update``).
    """
    settings = settings or Settings()
    if scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futures = [client.submit(grade_bytes, assignment.id, student, assignment.notebook, _read(path), settings,
                                     key=f"grade-{assignment.id}-{student}", pure=False)
                       for student, path in found]
            students = dict(zip(futures, (student for student, _ in found), strict=True))
            for future in dask_completed(futures):
                yield _outcome(future, assignment, students[future])
                if progress:
                    progress()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        students = {pool.submit(grade_notebook, assignment, student, path, settings): student
                    for student, path in found}
        for future in as_completed(students):
            yield _outcome(future, assignment, students[future])
            if progress:
                progress()


GRADER_FAULT = "the grader failed on this submission"


def _outcome(future, assignment, student):
    """The future's Result; a grader fault on one submission becomes that submission's error."""
    try:
        return future.result()
    except Exception as error:  # the class must finish: record this one and go on
        return Result.nothing(assignment, student,
                              f"{GRADER_FAULT} ({type(error).__name__}: {error}); please re-grade it", "test-error")
