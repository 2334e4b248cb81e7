"""Grading one submission: a short pipeline of single-purpose steps.

1. read the notebook (:func:`notebook_code.read_notebook`);
2. take the student's definitions (:func:`notebook_code.extract_code`);
3. start a sandbox with the assignment's helper files, run the source's setup cells and the
   student's definitions in it;
4. for each graded function, run its public and hidden tests *in the grader's process*
   against a :class:`sandbox.RemoteFunction`; a hidden test gives credit for the fraction of
   its cases passed; a public test gives all or nothing, and nothing when every hidden case
   fails (a function right only on the published fixture is not correct). The calls a test
   makes go to the sandbox in one request (:func:`public_calls`, :meth:`RemoteFunction.prefetch`),
   with the answer key's results for the helper calls a correct function makes sealed in it
   (:func:`_foresee`), so that grading a notebook costs a few round trips, not a hundred;
5. return a :class:`Result` (scores per grade cell, messages, notes); nothing is written here.

A submission that cannot be read, crashes, loops or exhausts memory still yields a Result,
with every point it did earn and a message saying what went wrong.
"""

import contextlib
import dataclasses
import functools
import io
import time
from dataclasses import dataclass, field

from autograder import hidden_tests, provenance
from autograder.reference_models import answer_key_from, graded_helpers, helper_calls, one_version
from autograder.sandbox import (
    LIMITS_ONLY,
    UNSANDBOXED,
    Limits,
    RemoteFunction,
    Sandbox,
    SandboxError,
    SandboxUnavailable,
    detect_isolation,
)
from coursekit import public_tests
from coursekit.notebook_code import MAGIC, SubmissionError, extract_code, read_notebook

# Sandbox starts per submission (about 0.3 s each): a submission that keeps killing its process stops here.
MAX_STARTS = 60


@dataclass(frozen=True)
class Settings:
    """How submissions are run, decided once when a grading run starts.

    ``isolation`` is what :func:`autograder.sandbox.detect_isolation` found then (left empty,
    :func:`grade_notebook` detects it itself); ``hidden`` lists folders that must stay hidden
    even if they lie inside the Python installation the sandbox shows (the course directory).
    Without bubblewrap, :func:`grade_notebook` refuses to run unless ``allow_unsandboxed``.
    """

    limits: Limits = Limits()
    isolation: str = ""
    hidden: tuple = ()
    allow_unsandboxed: bool = False  # grade even without bubblewrap (the instructor said so, loudly)
    secret: bytes = b""  # the course's grading secret (hidden inputs); empty: read from the assignment's course


@dataclass
class FunctionResult:
    name: str
    public_score: float
    public_max: float
    hidden_score: float
    hidden_max: float
    public_messages: list = field(default_factory=list)
    hidden_messages: list = field(default_factory=list)
    causes: list = field(default_factory=list)  # cause ids: public_tests.CAUSES and report.GRADER_CAUSES
    cases: list = field(default_factory=list)   # one dict per problem: test, case, field, expected, actual, cause, hint

    @property
    def messages(self):
        return self.public_messages + self.hidden_messages

    @property
    def score(self):
        return self.public_score + self.hidden_score

    @property
    def max_score(self):
        return self.public_max + self.hidden_max


@dataclass
class Result:
    student: str
    assignment: str
    functions: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    isolation: str = ""
    # Where the time went (seconds, and counts of requests): read, sandbox, setup, definitions, calls,
    # call_seconds, callbacks, judging; the class grader adds records. Printed by benchmarks/bench_grading.py.
    timings: dict = field(default_factory=dict)

    @classmethod
    def nothing(cls, assignment, student, error, cause, isolation=""):
        """A result of 0 for every graded function, each carrying ``error`` and its ``cause`` id."""
        return cls(student, assignment.id, error=error, isolation=isolation,
                   functions=[FunctionResult(f.name, 0, f.public_points, 0, f.hidden_points, [error], causes=[cause])
                              for f in assignment.functions])

    @property
    def score(self):
        return sum(f.score for f in self.functions)

    @property
    def max_score(self):
        return sum(f.max_score for f in self.functions)

    def grade_cells(self):
        """grade_id -> score, for every grade cell of the assignment."""
        cells = {}
        for f in self.functions:
            cells[f"{f.name}_public"] = f.public_score
            cells[f"{f.name}_hidden"] = f.hidden_score
        return cells


def _strip_magics(code):
    return "\n".join("" if MAGIC.match(line) else line for line in code.splitlines())


class _Session:
    """The sandbox of one submission, restarted with the same code if the student's code kills it."""

    def __init__(self, assignment, definitions, settings, notes):
        self.assignment, self.definitions, self.settings, self.notes = assignment, list(definitions), settings, notes
        self.sandbox = None
        self.starts = 0
        self.deadline = time.monotonic() + settings.limits.submission_seconds
        self.warm_code = "\n".join(_strip_magics(code) for _, code in assignment.setup_cells)
        self.timings = dict.fromkeys(("sandbox", "setup", "definitions", "call_seconds"), 0.0)
        self.timings.update(calls=0, requests=0, callbacks=0)

    def ensure(self):
        """A live sandbox holding the setup and the definitions that do not kill it.

        Iterative and bounded: a definition that kills or hangs the process is dropped and the
        sandbox started again, at most :data:`MAX_STARTS` times for the whole submission.
        """
        while True:
            if time.monotonic() > self.deadline:
                self.close()
                raise SandboxError(f"this submission used up its {self.settings.limits.submission_seconds:g} s; "
                                   "the rest of it was not run", cause_id="timeout")
            if self.sandbox is not None and self.sandbox.alive:
                return self.sandbox
            if self.sandbox is not None:
                self.sandbox.close()
            self.starts += 1
            if self.starts > MAX_STARTS:
                raise SandboxError(f"this submission's code stopped its process {MAX_STARTS} times; "
                                   "the rest of it was not run")
            started = time.perf_counter()
            self.sandbox = Sandbox(self.assignment.helper_files, self.settings.limits, self.settings.isolation,
                                   self.settings.hidden, warm_code=self.warm_code, stats=self.timings).start()
            self.timings["sandbox"] += time.perf_counter() - started
            started = time.perf_counter()
            # The template has usually run the setup cells already (the child inherits their results).
            for grade_id, code in ([] if self.sandbox.setup_done else self.assignment.setup_cells):
                error, _ = self.sandbox.exec_cell(_strip_magics(code), grade_id)
                if error:
                    raise SandboxError(f"setup cell {grade_id} failed: {error['type']}: {error['message']}")
            self.timings["setup"] += time.perf_counter() - started
            started = time.perf_counter()
            for label, code in list(self.definitions):
                try:
                    error, _ = self.sandbox.exec_cell(code, label)
                except SandboxError as failure:
                    # This piece of code kills or hangs the process: drop it and start again without it.
                    self.definitions.remove((label, code))
                    self.notes.append(f"{label}: {failure}; its definitions were skipped.")
                    break
                if error:
                    self.notes.append(f"{label}: {error['type']}: {error['message']}"
                                      + (f" (at `{error['line']}`)" if error.get("line") else ""))
            self.timings["definitions"] += time.perf_counter() - started

    def close(self):
        if self.sandbox is not None:
            self.sandbox.close()


class _Recorder:
    """Stands in for the student's function while a public test runs once to tell which calls it makes.

    Each call is recorded and raises NotImplementedError, after which a test goes on to its next
    case, as it does for a student who has not written the function yet.
    """

    def __init__(self, name):
        self.__name__ = name
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append(RemoteFunction.encode_call(args, kwargs))
        raise NotImplementedError


@functools.lru_cache(maxsize=64)
def public_calls(test, name):
    """The calls (encoded) that public ``test`` makes of ``name``, in order: its fixtures are fixed, so the
    grader sends them all in one request (:meth:`RemoteFunction.prefetch`). A call the test makes
    differently later (its arguments changed in place by an earlier call) simply goes on its own."""
    recorder = _Recorder(name)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            test(recorder)
    except Exception:  # noqa: BLE001  (the test fails, of course: only its calls matter here)
        pass
    return tuple(recorder.calls)


def _foresee(assignment, name, helpers):
    """How the grader foresees the helper results ``name`` asks for (see :func:`wire.seal_memo`), or None.

    Only when every helper is graded before ``name``: a submission that kept a memo could open an
    entry later only for a function whose grade is already decided.
    """
    earlier = set(assignment.names[:assignment.names.index(name)])
    if not helpers or not set(helpers) <= earlier:
        return None
    return functools.partial(helper_calls, assignment.id, name)


def _run_test(test, session, name, helpers=None, calls=(), foresee=None):
    """Run one test function against the remote function (``helpers``, ``foresee``: see :class:`RemoteFunction`).

    ``calls`` (encoded) are made first, in one request: see :func:`public_calls`.
    Returns ``(fraction passed, message or None, cause ids, structured case results)``.
    """
    try:
        session.ensure()
    except SandboxError as error:
        return 0.0, f"{name}: could not run the submission's code: {error}", ["could-not-run"], []
    target = RemoteFunction(session.ensure, name, helpers, foresee)
    target.prefetch_encoded(list(calls))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            test(target)
        return 1.0, None, [], []
    except public_tests.TestFailure as failure:
        cases = [dataclasses.asdict(case) for case in failure.results]
        return ((failure.cases - failure.failed_cases) / max(failure.cases, 1), str(failure), list(failure.causes),
                cases)
    except Exception as error:  # a test that breaks is the grader's problem, never the student's points
        return 0.0, f"{name}: the test could not run ({type(error).__name__}: {error})", ["test-error"], []


def grade_notebook(assignment, student, notebook_path, settings=Settings()):
    """Grade one submitted notebook; never raises for anything the submission contains."""
    started = time.perf_counter()
    if not settings.isolation:
        settings = dataclasses.replace(settings, isolation=detect_isolation())
    if settings.isolation == LIMITS_ONLY and not settings.allow_unsandboxed:
        raise SandboxUnavailable(UNSANDBOXED)
    try:
        nb = read_notebook(notebook_path)
    except SubmissionError as error:
        cause = "notebook-missing" if "missing from the submission" in str(error) else "unreadable-notebook"
        result = Result.nothing(assignment, student, str(error), cause, settings.isolation)
        result.seconds = time.perf_counter() - started
        return result
    result = Result(student, assignment.id, isolation=settings.isolation)
    read_seconds = time.perf_counter() - started
    # Hidden inputs are this student's own, drawn with the course's secret (autograder.course_secret).
    inputs = (hidden_tests.inputs_for(settings.secret, assignment.id, student) if settings.secret
              else hidden_tests.inputs_of(assignment, student))
    with answer_key_from(assignment.folder.parent), one_version(), inputs:
        code = extract_code(nb, assignment.names)
        result.notes.extend(code.notes)
        session = _Session(assignment, code.definitions, settings, result.notes)
        tests_started = time.perf_counter()
        try:
            for function in assignment.functions:
                public = getattr(public_tests, f"{function.name}_test")
                hidden = getattr(hidden_tests, f"{function.name}_hidden")
                helpers = graded_helpers(assignment.id, function.name)
                foresee = _foresee(assignment, function.name, helpers)
                public_fraction, public_message, public_causes, public_cases = _run_test(
                    public, session, function.name, helpers, public_calls(public, function.name), foresee)
                hidden_fraction, hidden_message, hidden_causes, hidden_cases = _run_test(
                    hidden, session, function.name, helpers, foresee=foresee)
                cases = ([{"test": "public", **case} for case in public_cases]
                         + [{"test": "hidden", **case} for case in hidden_cases])
                causes = list(dict.fromkeys(public_causes + hidden_causes))
                public_messages = [public_message] if public_message else []
                hidden_messages = [hidden_message] if hidden_message else []
                if public_fraction == 1.0 and hidden_fraction == 0.0:
                    # Right on the published fixture only (hard-coded outputs?): not a correct function.
                    public_fraction = 0.0
                    public_messages.append(f"{function.name}: the public tests pass but every hidden test fails, so "
                                           "the public points are not awarded either: is the function right only on "
                                           "the example inputs?")
                    causes.append("public-only")
                result.functions.append(FunctionResult(
                    function.name,
                    function.public_points if public_fraction == 1.0 else 0.0, function.public_points,
                    round(function.hidden_points * hidden_fraction, 2), function.hidden_points,
                    public_messages, hidden_messages, causes, cases))
        finally:
            tests_seconds = time.perf_counter() - tests_started
            closing = time.perf_counter()
            session.close()
            session.timings["sandbox"] += time.perf_counter() - closing
    timings = session.timings
    timings["read"] = read_seconds
    timings["judging"] = max(0.0, tests_seconds - sum(timings[k] for k in ("sandbox", "setup", "definitions",
                                                                            "call_seconds")))
    result.timings = {key: round(value, 6) for key, value in timings.items()}
    provenance.flag(result, assignment, code.definitions)  # same code as a released helper: noted, not scored
    result.seconds = time.perf_counter() - started
    return result
