"""Run a submission's code in a separate, limited process, and call its functions from the grader.

The child process (:mod:`autograder.sandbox_child`) runs with limits on memory, CPU time,
file size, wall time per request and captured output. Where bubblewrap (``bwrap``) is
installed, it also runs as user ``nobody`` with no network, a private /tmp, and the course
directory, home folders and every other submission hidden: it sees only the Python
installation and its own working folder, which holds copies of the assignment's helper
files. Without bubblewrap the limits still apply but the files of the machine stay
readable. :func:`detect_isolation` says which mode is available; a grading run calls it once
when it starts and records the mode in every result.

:class:`RemoteFunction` makes a function of the child look local: the public and hidden
tests call it like any function, and the judgement stays in the grader's process.
"""

import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import wire

HERE = Path(__file__).resolve().parent
BUBBLEWRAP, LIMITS_ONLY = "bubblewrap", "limits-only"


def detect_isolation():
    """``"bubblewrap"`` when bubblewrap is installed and works here, else ``"limits-only"``."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return LIMITS_ONLY
    probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True)
    return BUBBLEWRAP if probe.returncode == 0 else LIMITS_ONLY


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024       # address space of the child
    cpu_seconds: int = 120      # CPU time of the child, all requests together
    file_mb: int = 16           # largest file it may write
    exec_seconds: float = 30.0  # wall time of one cell
    call_seconds: float = 30.0  # wall time of one function call
    answer_mb: int = 16         # largest answer read back (the largest honest one is about 3 MB)
    output_chars: int = 20_000  # printed characters kept per request
    submission_seconds: float = 600.0  # wall time of one submission, restarts and all requests together


class SandboxError(RuntimeError):
    """The sandboxed process failed: it timed out, died, or answered nonsense.

    ``cause_id`` is the cause the tests report for it (``timeout`` or ``process-died``).
    """

    student_line = ""  # tells the tests' messages not to quote the grader's own code

    def __init__(self, message, cause_id="process-died"):
        super().__init__(message)
        self.cause_id = cause_id


class StudentCodeError(Exception):
    """An exception raised by student code in the sandbox; ``student_line`` is where."""

    student_line = ""


def _is_error(error):
    """An error description as the child sends it: type, message and line, all strings."""
    return isinstance(error, dict) and all(isinstance(error.get(key, ""), str) for key in ("type", "message", "line"))


def _student_exception(error):
    """A local exception that carries the remote one's type name, message and line."""
    kind = error.get("type", "")
    kind = kind if kind.isidentifier() and len(kind) <= 100 else "Error"
    message = error.get("message", "")[:2000]
    if kind == "NotImplementedError":
        exception = NotImplementedError(message)
    else:
        exception = type(kind, (StudentCodeError,), {})(message)
    exception.student_line = error.get("line", "")[:500]
    return exception


def _write_back(target, source):
    """Copy the child's post-call arguments into the grader's, so mutation checks see them."""
    if isinstance(target, np.ndarray) and isinstance(source, np.ndarray):
        if target.shape == source.shape and target.flags.writeable:
            np.copyto(target, source, casting="unsafe")
    elif isinstance(target, dict) and isinstance(source, dict):
        for key in list(target):
            if key not in source:
                del target[key]
        for key, value in source.items():
            if key in target and isinstance(target[key], (np.ndarray, dict, list)):
                _write_back(target[key], value)
            else:
                target[key] = value
    elif isinstance(target, list) and isinstance(source, (list, tuple)):
        if len(target) != len(source):
            target[:] = list(source)
        else:
            for index, value in enumerate(source):
                if isinstance(target[index], (np.ndarray, dict, list, tuple)):
                    _write_back(target[index], value)
                else:
                    target[index] = value
    elif isinstance(target, tuple) and isinstance(source, (list, tuple)) and len(target) == len(source):
        for item, value in zip(target, source, strict=True):
            _write_back(item, value)


def _outermost(folders):
    """Drop folders that lie inside another one of ``folders``.

    A course cloned into /tmp or /home would otherwise be hidden twice, and bubblewrap
    refuses to remount a folder that an outer tmpfs has already replaced.
    """
    folders = sorted(set(folders), key=lambda p: (len(p.parts), str(p)))
    kept = []
    for folder in folders:
        if not any(outer in folder.parents for outer in kept):
            kept.append(folder)
    return kept


class Sandbox:
    """One child process for one submission.

    Parameters
    ----------
    helper_files : list of Path
        Files (or folders) copied into the child's working folder: the assignment's helpers.
    limits : Limits
    isolation : str
        :data:`BUBBLEWRAP` or :data:`LIMITS_ONLY`, as decided when grading started.
    hidden : list of Path
        Folders the child must not see besides the usual ones: the course directory.
    """

    def __init__(self, helper_files, limits=Limits(), isolation=None, hidden=()):
        self.limits = limits
        self.helper_files = [Path(p) for p in helper_files]
        self.isolation = isolation or detect_isolation()
        self.hidden = [Path(p) for p in hidden]
        self.process = None
        self.base = None

    def start(self):
        self.base = Path(tempfile.mkdtemp(prefix="grade-"))
        runner, work = self.base / "runner", self.base / "work"
        runner.mkdir()
        work.mkdir()
        shutil.copy(HERE / "sandbox_child.py", runner / "sandbox_child.py")
        shutil.copy(HERE / "wire.py", runner / "wire.py")
        for path in self.helper_files:
            if path.is_dir():
                shutil.copytree(path, work / path.name)
            elif path.exists():
                shutil.copy(path, work / path.name)
        os.chmod(work, 0o777)
        limits = [str(self.limits.memory_mb), str(self.limits.cpu_seconds), str(self.limits.file_mb),
                  str(self.limits.output_chars)]
        command = [sys.executable, "-I", str(runner / "sandbox_child.py"), *limits]
        env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "HOME": str(work), "TMPDIR": str(work),
               "PYTHONDONTWRITEBYTECODE": "1"}
        if self.isolation == BUBBLEWRAP:
            if not shutil.which("bwrap"):
                raise SandboxError("bubblewrap was available when grading started but is not installed now")
            command = self._bwrap(runner, work) + command
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, cwd=work, env=env, start_new_session=True)
        except OSError as error:  # the grader's machine, not the submission: say so
            raise SandboxError(f"the sandbox could not start ({type(error).__name__}: {error})") from None
        return self

    def _bwrap(self, runner, work):
        hidden = [*self.hidden, Path("/home"), Path("/root"), Path("/tmp"), Path("/var/tmp"), Path("/srv"),
                  Path("/mnt"), Path("/media"), Path("/opt")]
        shown = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
        args = [shutil.which("bwrap"), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        hidden = _outermost(folder.resolve() for folder in hidden if folder.is_dir())
        for folder in hidden:
            args += ["--tmpfs", str(folder)]
        for folder in sorted(shown, key=lambda p: len(p.parts)):
            if any(folder == h or h in folder.parents for h in hidden):
                args += ["--ro-bind", str(folder), str(folder)]
        args += ["--ro-bind", str(runner), str(runner), "--bind", str(work), str(work)]
        for folder in hidden:
            # Empty and read-only: the only writable place is the submission's own folder.
            args += ["--remount-ro", str(folder)]
        args += ["--unshare-all", "--uid", "65534", "--gid", "65534", "--die-with-parent", "--new-session",
                 "--chdir", str(work)]
        return args

    def close(self):
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process:
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None

    def _request(self, message, timeout):
        if not self.alive:
            raise SandboxError("the process running this submission has stopped")
        message["id"] = secrets.token_hex(8)
        self._write(wire.dumps(message).encode(), timeout)
        line = self._read_line(timeout)
        # A line that breaks the protocol was forged by the submission's code: the channel can no
        # longer be trusted, so the process is stopped (the next request starts a fresh one).
        try:
            answer = wire.loads(line)
        except (ValueError, RecursionError):
            self.close()
            raise SandboxError("the process running this submission answered garbage") from None
        if not isinstance(answer, dict) or answer.get("id") != message["id"]:
            self.close()
            raise SandboxError("the process running this submission answered out of turn")
        if not isinstance(answer.get("ok"), bool) or not isinstance(answer.get("printed", ""), str) or (
                not answer["ok"] and not _is_error(answer.get("error"))):
            self.close()
            raise SandboxError("the process running this submission answered in the wrong form")
        return answer

    def _write(self, data, timeout):
        """Send ``data`` to the child within ``timeout``: a child that stops reading cannot hang the grader."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdin.fileno()
        os.set_blocking(fd, False)
        view = memoryview(data)
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_WRITE)
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    raise SandboxError(f"stopped reading its input for {timeout:g} s (busy, or blocked on purpose)",
                                       cause_id="timeout")
                if not selector.select(remaining):
                    continue
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
                except OSError:  # broken pipe: the child is gone
                    raise SandboxError(self._death_reason()) from None

    def _read_line(self, timeout):
        deadline = time.monotonic() + timeout
        chunks, size = [], 0
        stream = self.process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    raise SandboxError(f"timed out after {timeout:g} s (an infinite loop, or far too much work)",
                                       cause_id="timeout")
                if not selector.select(remaining):
                    continue
                chunk = os.read(stream.fileno(), 1 << 16)
                if not chunk:
                    raise SandboxError(self._death_reason())
                chunks.append(chunk)
                size += len(chunk)
                if b"\n" in chunk:
                    return b"".join(chunks).split(b"\n", 1)[0].decode("utf-8", "replace")
                if size > self.limits.answer_mb << 20:
                    self.close()
                    raise SandboxError(f"answer larger than {self.limits.answer_mb} MB")

    def _death_reason(self):
        status = self.process.wait() if self.process else None
        code = status
        if code is not None and code > 128 and self.isolation == BUBBLEWRAP:
            code = 128 - code  # bwrap reports a child killed by signal N as exit code 128 + N
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:  # no such signal: a plain exit status above 128
                return f"the process running this submission exited (code {status}) before answering"
            if name in ("SIGKILL", "SIGSEGV", "SIGABRT"):
                return (f"the process running this submission was killed ({name}): it may have run out of "
                        f"memory (limit {self.limits.memory_mb} MB) or CPU time, or stopped itself")
            return f"the process running this submission stopped on {name}"
        return f"the process running this submission exited (code {status}) before answering"

    def exec_cell(self, code, name):
        """Run a cell; returns ``(error or None, printed)``; raises SandboxError if the process fails."""
        answer = self._request({"op": "exec", "code": code, "name": name}, self.limits.exec_seconds)
        return (None if answer["ok"] else answer["error"]), answer.get("printed", "")

    def call(self, function, args, kwargs):
        """Call ``function`` in the child; returns ``(result, args_after, printed)``."""
        answer = self._request({"op": "call", "function": function, "args": wire.encode(tuple(args)),
                                "kwargs": wire.encode(dict(kwargs))}, self.limits.call_seconds)
        if not answer["ok"]:
            raise _student_exception(answer["error"])
        try:
            return wire.decode(answer["result"]), wire.decode(answer["args_after"]), answer.get("printed", "")
        except (wire.WireError, KeyError, TypeError, ValueError, RecursionError) as error:
            raise SandboxError(f"unreadable answer: {error}") from None


class RemoteFunction:
    """A student's function living in a sandbox, callable from the grader.

    ``get_sandbox()`` returns a live sandbox for each call, so that a call that kills the
    process costs only that call. What the function prints is printed here too, so that
    tests can check it.
    """

    def __init__(self, get_sandbox, name):
        self.get_sandbox = get_sandbox
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        result, args_after, printed = self.get_sandbox().call(self.__name__, args, kwargs)
        print(printed, end="")
        for original, after in zip(args, args_after, strict=False):  # the child's answer may be short
            _write_back(original, after)
        return result
