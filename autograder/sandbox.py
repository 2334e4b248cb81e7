"""Run a submission's code in a separate, limited process, and call its functions from the grader.

Isolation is default-deny. With bubblewrap (``bwrap``) the sandbox's file system is built
from nothing: the system libraries (``/usr`` and its links), the Python installation and its
packages, read-only; the grader's runner and the assignment's helper files, read-only; one
writable folder for the submission; private ``/tmp``, ``/dev``, ``/proc``, no network, no IPC,
its own PID namespace, every capability dropped and ``no_new_privs``. Nothing else of the
machine exists inside: not the course directory, not other submissions, not another copy of
the repository, wherever they are. When the grader runs as root, the sandbox also runs as a
user id of its own (not root mapped through a user namespace), so even a file or socket that
were visible would be checked against an unprivileged user.

Limits hold for the whole sandbox, not per process: a control group (:mod:`autograder.cgroups`)
caps memory, processes and CPU (one core) where the machine allows one, and every process of
the sandbox is killed when a submission ends. Each process also has the per-process limits of
:class:`Limits`, and every read and write to it has a deadline.

Without bubblewrap there is no file-system isolation: :func:`detect_isolation` says so, and the
grader refuses to grade unless the instructor explicitly allows it (``--insecure-no-sandbox``).

Speed: one *template* process per grading worker and assignment imports Python, numpy and the
helpers once, then forks one child per submission (:mod:`autograder.sandbox_child`), and wipes
the sandbox after it. :class:`Sandbox` is one submission's child; :class:`RemoteFunction` makes
a function of the child look local: the public and hidden tests call it like any function, and
the judgement stays in the grader's process.
"""

import atexit
import copy
import inspect
import json
import os
import secrets
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import cgroups, seccomp, wire

HERE = Path(__file__).resolve().parent
BUBBLEWRAP, LIMITS_ONLY = "bubblewrap", "limits-only"
INSIDE = Path("/sandbox")           # where the runner, helpers and work folders appear in the sandbox
SYSTEM_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d")
MAX_CALLBACKS = 20_000              # answer-key helper calls per request (the largest honest test makes ~100)
MAX_IDLE_TEMPLATES = 4
SANDBOX_UID_BASE = 610_000          # when the grader is root, each template runs as its own uid from here


def _bwrap_common():
    """bubblewrap's options for an empty root with the system libraries, as this grader can run it."""
    args = [shutil.which("bwrap") or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.getuid() == 0:
        # Real root: no user namespace (it would map the sandbox onto root); the template changes to
        # an unprivileged uid of its own, and keeps no capability.
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in SYSTEM_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in SYSTEM_FILES:
        args += ["--ro-bind-try", name, name]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp",
             "--perms", "1777", "--tmpfs", "/var/tmp"]
    return args


def _python_folders():
    """The folders the sandbox's Python needs: the interpreter's installation and the environment's packages."""
    folders = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
               Path(sys.executable).resolve().parent.parent}
    return [f for f in sorted(folders, key=lambda p: (len(p.parts), str(p))) if not str(f).startswith("/usr")]


def _with_parents(folder, made):
    """``--dir`` options that create ``folder``'s parents readable (bubblewrap's default is 0700)."""
    args = []
    for parent in reversed(folder.parents):
        if parent != Path("/") and parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def detect_isolation():
    """``"bubblewrap"`` when bubblewrap is installed and can build the sandbox here, else ``"limits-only"``."""
    if not shutil.which("bwrap"):
        return LIMITS_ONLY
    made = set()
    args = _bwrap_common()
    for folder in _python_folders():
        args += _with_parents(folder, made) + ["--ro-bind", str(folder), str(folder)]
    probe = subprocess.run([*args, sys.executable, "-I", "-c", "pass"], capture_output=True)
    return BUBBLEWRAP if probe.returncode == 0 else LIMITS_ONLY


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024       # address space of each process, and memory of the whole sandbox (cgroup)
    cpu_seconds: int = 120      # CPU time of the child, all requests together
    file_mb: int = 16           # largest file it may write
    exec_seconds: float = 30.0  # wall time of one cell
    call_seconds: float = 30.0  # wall time of one function call
    answer_mb: int = 16         # largest answer read back (the largest honest one is about 3 MB)
    output_chars: int = 20_000  # printed characters kept per request
    submission_seconds: float = 600.0  # wall time of one submission, restarts and all requests together
    processes: int = 32         # processes and threads of the whole sandbox (cgroup)


UNSANDBOXED = ("bubblewrap (bwrap) is not installed or cannot create a sandbox here, so submissions' code would "
               "run with the grader's own access to this machine's files (other students' work, the course's "
               "solutions, the gradebook). Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; it also "
               "needs user namespaces or root), or, only if every submission is trusted, allow grading without "
               "isolation explicitly: --insecure-no-sandbox (python -m autograder grade) or "
               "c.GradingSandbox.allow_unsandboxed = True (nbgrader_config.py).")


class SandboxUnavailable(RuntimeError):
    """Grading would run without isolation and the instructor has not allowed that."""


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
    """Drop folders that lie inside another one of ``folders`` (each is hidden once, by the outer one)."""
    folders = sorted(set(folders), key=lambda p: (len(p.parts), str(p)))
    kept = []
    for folder in folders:
        if not any(outer in folder.parents for outer in kept):
            kept.append(folder)
    return kept


def _fingerprint(paths):
    """What the helper files are now (a template built from older copies is not reused)."""
    marks = []
    for path in paths:
        for item in ([path] if not path.is_dir() else sorted(path.rglob("*"))):
            try:
                stat = item.stat()
            except OSError:
                continue
            marks.append((str(item), stat.st_size, stat.st_mtime_ns))
    return tuple(marks)


class TemplateError(RuntimeError):
    """The template process failed or answered nonsense; it is stopped and a new one started."""


class Template:
    """The warm process of one grading worker for one assignment (see the module docstring)."""

    def __init__(self, helper_files, warm_code, limits, isolation, hidden):
        self.helper_files, self.warm_code = helper_files, warm_code
        self.limits, self.isolation, self.hidden = limits, isolation, hidden
        self.process = self.control = self.cgroup = self.base = None
        self.jobs = 0
        self.setup_done = False  # the warm code (the setup cells) ran in the template: children inherit its results

    # -- life cycle --------------------------------------------------------------------------
    def start(self):
        self.base = Path(tempfile.mkdtemp(prefix="grade-"))
        os.chmod(self.base, 0o711)
        runner, template, jobs = self.base / "runner", self.base / "template", self.base / "jobs"
        for folder in (runner, template, jobs):
            folder.mkdir()
        shutil.copy(HERE / "sandbox_child.py", runner / "sandbox_child.py")
        shutil.copy(HERE / "wire.py", runner / "wire.py")
        if self.warm_code:
            (runner / "warm.py").write_text(self.warm_code)
        for path in self.helper_files:
            if path.is_dir():
                shutil.copytree(path, template / path.name, symlinks=False)
            elif path.is_file():
                shutil.copy(path, template / path.name)
        for root, dirs, files in os.walk(self.base):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        os.chmod(jobs, 0o1777)
        isolated = self.isolation == BUBBLEWRAP
        where = INSIDE if isolated else self.base
        # Without bubblewrap the template could not reach the Python installation as another user.
        uid = SANDBOX_UID_BASE + (os.getpid() % 50_000) * 8 + secrets.randbelow(8) if (
            isolated and os.getuid() == 0) else 0
        limits = self.limits
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-I", str(where / "runner" / "sandbox_child.py"), str(theirs.fileno()),
                   str(where / "template"), str(where / "jobs"), str(uid), "1" if isolated else "0",
                   str(limits.memory_mb), str(limits.cpu_seconds), str(limits.file_mb), str(limits.output_chars)]
        env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "HOME": str(where / "jobs"),
               "TMPDIR": str(where / "jobs"), "MPLCONFIGDIR": str(where / "jobs" / ".template"),
               "PYTHONDONTWRITEBYTECODE": "1"}
        passed = [theirs.fileno()]
        if isolated:
            if not shutil.which("bwrap"):
                raise SandboxError("bubblewrap was available when grading started but is not installed now")
            prefix = self._bwrap(runner, template, jobs)
            program = seccomp.program()
            if program is not None:  # bubblewrap installs it just before the sandbox's Python starts
                filter_read, filter_write = os.pipe()
                os.write(filter_write, program)
                os.close(filter_write)
                passed.append(filter_read)
                prefix += ["--seccomp", str(filter_read)]
            command = prefix + command
        # The whole sandbox: the template, the child, whatever the child starts (plus the template's own memory).
        self.cgroup = cgroups.create(f"sandbox-{os.getpid()}-{secrets.token_hex(4)}",
                                     (limits.memory_mb + 512) << 20, limits.processes, cpus=1.0)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=str(jobs), env=env, start_new_session=True, pass_fds=tuple(passed),
                preexec_fn=self.cgroup.enter if self.cgroup else None)
        except OSError as error:  # the grader's machine, not the submission: say so
            self.stop()
            raise SandboxError(f"the sandbox could not start ({type(error).__name__}: {error})") from None
        finally:
            theirs.close()
            for fd in passed[1:]:
                os.close(fd)
        self.control = ours
        try:
            ready = self._receive(timeout=120)
        except TemplateError as error:
            self.stop()
            raise SandboxError(f"the sandbox could not start ({error})") from None
        if not ready.get("ready"):
            self.stop()
            raise SandboxError("the sandbox could not start")
        self.setup_done = ready.get("setup") is True
        return self

    def _bwrap(self, runner, template, jobs):
        args = _bwrap_common()
        made = set()
        shown = _python_folders()
        for folder in shown:
            args += _with_parents(folder, made) + ["--ro-bind", str(folder), str(folder)]
        # A hidden folder inside a shown one (a course kept inside the Python environment?) is emptied.
        hidden = _outermost(folder.resolve() for folder in self.hidden if folder.is_dir())
        for folder in hidden:
            if any(folder == s or s in folder.parents for s in shown):
                args += ["--tmpfs", str(folder), "--remount-ro", str(folder)]
        args += ["--perms", "0755", "--dir", str(INSIDE),
                 "--ro-bind", str(runner), str(INSIDE / "runner"),
                 "--ro-bind", str(template), str(INSIDE / "template"),
                 "--bind", str(jobs), str(INSIDE / "jobs"),
                 "--chdir", str(INSIDE / "jobs")]
        return args

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None and self.control is not None

    def stop(self):
        """Kill the template and everything it started, and remove its folders."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.process = None
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    # -- control channel ---------------------------------------------------------------------
    def _receive(self, timeout):
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except (OSError, TimeoutError) as error:
            raise TemplateError(f"no answer from the template ({type(error).__name__})") from None
        if not data:
            raise TemplateError("the template has stopped")
        try:
            reply = json.loads(data)
        except ValueError:
            raise TemplateError("the template answered garbage") from None
        if not isinstance(reply, dict) or "error" in reply:
            raise TemplateError(f"the template failed: {reply.get('error') if isinstance(reply, dict) else reply}")
        return reply

    def _ask(self, message, fds=(), timeout=15):
        if not self.alive:
            raise TemplateError("the template has stopped")
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
        except OSError as error:
            raise TemplateError(f"the template is gone ({error})") from None
        return self._receive(timeout)

    def spawn(self):
        """A new child: ``(pid, fd of its stdin, fd of its stdout)``."""
        self.jobs += 1
        child_in, ours_in = os.pipe()
        ours_out, child_out = os.pipe()
        try:
            reply = self._ask({"op": "spawn", "n": self.jobs}, (child_in, child_out))
        except TemplateError:
            os.close(ours_in)
            os.close(ours_out)
            raise
        finally:
            os.close(child_in)
            os.close(child_out)
        return int(reply["pid"]), ours_in, ours_out

    def status(self, pid, wait=True):
        """The child's exit code (negative: killed by that signal), or None if it still runs."""
        try:
            reply = self._ask({"op": "status", "pid": pid, "wait": wait})
        except TemplateError:
            return None
        status = reply.get("status")
        return status if isinstance(status, int) else None

    def reset(self):
        """Kill every process of the submission and wipe its files; False if that failed."""
        try:
            return bool(self._ask({"op": "reset"}, timeout=30).get("clean"))
        except TemplateError:
            return False


class _Templates:
    """The idle templates of this process, by what they were built for."""

    def __init__(self):
        self.idle, self.owner = [], os.getpid()

    def acquire(self, key, make):
        if os.getpid() != self.owner:  # a forked worker: those templates belong to the parent
            self.idle, self.owner = [], os.getpid()
        for index, (k, template) in enumerate(self.idle):
            if k == key:
                del self.idle[index]
                if template.alive:
                    return template
                template.stop()
                break
        return make().start()

    def release(self, key, template):
        if os.getpid() != self.owner:
            return
        self.idle.append((key, template))
        while len(self.idle) > MAX_IDLE_TEMPLATES:
            self.idle.pop(0)[1].stop()

    def stop_all(self):
        if os.getpid() == self.owner:
            for _, template in self.idle:
                template.stop()
        self.idle = []


TEMPLATES = _Templates()
atexit.register(TEMPLATES.stop_all)


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
        Folders that must stay hidden even if they lie inside the Python installation.
    warm_code : str
        Trusted code (the assignment's setup cells) the template runs once, to import what they import.
    stats : dict, optional
        Counters to add to: ``calls``, ``call_seconds`` and ``callbacks`` (for the benchmark's breakdown).
    """

    def __init__(self, helper_files, limits=Limits(), isolation=None, hidden=(), warm_code="", stats=None):
        self.limits = limits
        self.helper_files = [Path(p) for p in helper_files]
        self.isolation = isolation or detect_isolation()
        self.hidden = [Path(p) for p in hidden]
        self.warm_code = warm_code
        self.stats = stats if stats is not None else {}
        self.template = self.pid = self.stdin_fd = self.stdout_fd = None
        self.key = None
        self.buffer = b""

    def start(self):
        self.key = (_fingerprint(self.helper_files), self.warm_code, self.limits, self.isolation,
                    tuple(self.hidden))

        def make():
            return Template(self.helper_files, self.warm_code, self.limits, self.isolation, self.hidden)

        for attempt in range(2):
            self.template = TEMPLATES.acquire(self.key, make)
            try:
                self.pid, self.stdin_fd, self.stdout_fd = self.template.spawn()
                return self
            except TemplateError as error:  # killed by the previous submission? start a fresh one
                self.template.stop()
                self.template = None
                if attempt:
                    raise SandboxError(f"the sandbox could not start ({error})") from None
        return self

    def close(self):
        for fd in (self.stdin_fd, self.stdout_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.stdin_fd = self.stdout_fd = None
        self.buffer = b""
        if self.template is not None:
            if self.template.reset():
                TEMPLATES.release(self.key, self.template)
            else:
                self.template.stop()
        self.template = self.pid = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    @property
    def setup_done(self):
        """True when the child started with the setup cells already run (by its template)."""
        return self.template is not None and self.template.setup_done

    @property
    def alive(self):
        """False once the child is known to be gone: its answer pipe hung up with nothing left to read
        (a local check; a child whose pipe a descendant still holds is found dead at its next request)."""
        if self.stdin_fd is None or self.template is None:
            return False
        poller = select.poll()
        poller.register(self.stdout_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        events = dict(poller.poll(0)).get(self.stdout_fd, 0)
        return not (events & (select.POLLHUP | select.POLLERR) and not events & select.POLLIN)

    def _request(self, message, timeout, helpers=None):
        self._send(message, timeout)
        return self._answer(message["id"], timeout, helpers)

    def _send(self, message, timeout):
        if self.stdin_fd is None:
            raise SandboxError("the process running this submission has stopped")
        message["id"] = secrets.token_hex(8)
        self._write(wire.dumps(message).encode(), time.monotonic() + timeout, timeout)

    def _answer(self, request_id, timeout, helpers=None, index=None):
        """The next answer to request ``request_id`` (the ``index``-th of a ``calls`` request), serving
        the answer-key callbacks the child asks for meanwhile; within ``timeout`` seconds from now."""
        deadline = time.monotonic() + timeout
        callbacks = 0
        while True:
            answer = self._parse(self._read_line(deadline, timeout))
            if answer.get("id") != request_id:
                self._violation("answered out of turn")
            if answer.get("op") != "callback":
                break
            callbacks += 1
            if helpers is None or answer.get("name") not in helpers or callbacks > MAX_CALLBACKS:
                self._violation("asked for a helper it may not use here")
            self.stats["callbacks"] = self.stats.get("callbacks", 0) + 1
            reply = self._callback(helpers[answer["name"]], answer)
            self._write(wire.dumps({"id": request_id, **reply}).encode(), deadline, timeout)
        if not isinstance(answer.get("ok"), bool) or not isinstance(answer.get("printed", ""), str) or (
                not answer["ok"] and not _is_error(answer.get("error"))):
            self._violation("answered in the wrong form")
        if index is not None and answer.get("index") != index:
            self._violation("answered out of turn")
        return answer

    def _violation(self, what):
        """A line that breaks the protocol was forged by the submission's code: the channel can no longer
        be trusted, so the process is stopped (the next request starts a fresh one)."""
        self.close()
        raise SandboxError(f"the process running this submission {what}")

    def _parse(self, line):
        try:
            answer = wire.loads(line)
        except (ValueError, RecursionError):
            self._violation("answered garbage")
        if not isinstance(answer, dict):
            self._violation("answered in the wrong form")
        return answer

    def _callback(self, function, request):
        """The answer key's result for a helper the student's function called (computed here)."""
        try:
            args = wire.decode(request.get("args"))
            kwargs = wire.decode(request.get("kwargs"))
        except (wire.WireError, TypeError, ValueError, RecursionError):
            self._violation("sent unreadable helper arguments")
        if not isinstance(args, tuple) or not isinstance(kwargs, dict):
            self._violation("sent unreadable helper arguments")
        try:
            result = function(*copy.deepcopy(args), **kwargs)
            return {"ok": True, "result": wire.encode(result)}
        except Exception as error:  # noqa: BLE001  (the student passed arguments the helper cannot take)
            return {"ok": False, "error": {"type": type(error).__name__, "message": str(error)[:500]}}

    def _write(self, data, deadline, timeout):
        """Send ``data`` to the child before ``deadline``: a child that stops reading cannot hang the grader."""
        fd = self.stdin_fd
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

    def _read_line(self, deadline, timeout):
        chunks, size = [self.buffer] if self.buffer else [], len(self.buffer)
        self.buffer = b""
        if chunks and b"\n" in chunks[0]:
            line, self.buffer = chunks[0].split(b"\n", 1)
            return line.decode("utf-8", "replace")
        fd = self.stdout_fd
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    raise SandboxError(f"timed out after {timeout:g} s (an infinite loop, or far too much work)",
                                       cause_id="timeout")
                if not selector.select(remaining):
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise SandboxError(self._death_reason())
                chunks.append(chunk)
                size += len(chunk)
                if b"\n" in chunk:
                    line, self.buffer = b"".join(chunks).split(b"\n", 1)
                    return line.decode("utf-8", "replace")
                if size > self.limits.answer_mb << 20:
                    self.close()
                    raise SandboxError(f"answer larger than {self.limits.answer_mb} MB")

    def _death_reason(self):
        code = self.template.status(self.pid) if self.template is not None else None
        self.close()
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                return f"the process running this submission stopped on signal {-code}"
            if name in ("SIGKILL", "SIGSEGV", "SIGABRT", "SIGXCPU"):
                return (f"the process running this submission was killed ({name}): it may have run out of "
                        f"memory (limit {self.limits.memory_mb} MB) or CPU time, or stopped itself")
            return f"the process running this submission stopped on {name}"
        if code is None:
            return "the process running this submission stopped before answering"
        return f"the process running this submission exited (code {code}) before answering"

    def exec_cell(self, code, name):
        """Run a cell; returns ``(error or None, printed)``; raises SandboxError if the process fails."""
        answer = self._request({"op": "exec", "code": code, "name": name}, self.limits.exec_seconds)
        return (None if answer["ok"] else answer["error"]), answer.get("printed", "")

    def call_encoded(self, function, args, kwargs, helpers=None):
        """Call ``function`` in the child with arguments already encoded (:func:`wire.encode` of the tuple and
        the dict); returns ``(result, args_after, printed)``, ``args_after`` None when the call left its
        arguments as they came.

        ``helpers`` maps names of other graded functions to the answer key's versions: while the
        call runs, the student's function uses those (computed here, on request).
        """
        helpers = helpers or {}
        started = time.perf_counter()
        try:
            answer = self._request({"op": "call", "function": function, "args": args, "kwargs": kwargs,
                                    "helpers": sorted(helpers)}, self.limits.call_seconds, helpers)
        finally:
            self._count(1, started)
        return self._outcome(answer)

    def call_many(self, function, calls, helpers=None, memo=None):
        """Make several calls of ``function`` in one request (each as :meth:`call_encoded` would).

        ``calls`` is a list of ``(encoded args, encoded kwargs)``. Returns one outcome per call
        made, in order: ``(True, (result, args_after, printed))`` or ``(False, exception)`` where
        the exception is what :meth:`call_encoded` would have raised. Each call has its own time limit. A
        call that stops the process (a :class:`SandboxError`) or changes its arguments in place is
        the last outcome: the calls after it were not made.
        """
        helpers = helpers or {}
        outcomes = []
        started = time.perf_counter()
        try:
            message = {"op": "calls", "function": function, "helpers": sorted(helpers),
                       "calls": [{"args": args, "kwargs": kwargs} for args, kwargs in calls]}
            if memo:
                message["memo"] = memo
            self._send(message, self.limits.call_seconds)
            for index in range(len(calls)):
                answer = self._answer(message["id"], self.limits.call_seconds, helpers, index)
                if not isinstance(answer.get("last", False), bool):
                    self._violation("answered in the wrong form")
                try:
                    outcomes.append((True, self._outcome(answer)))
                except (SandboxError, StudentCodeError, NotImplementedError) as error:
                    outcomes.append((False, error))  # this call's problem, as call by call: read on
                if answer.get("last"):  # it changed its arguments: the child made no further call
                    break
        except SandboxError as error:
            outcomes.append((False, error))
        finally:
            self._count(len(outcomes), started)
        return outcomes

    def _count(self, calls, started):
        self.stats["calls"] = self.stats.get("calls", 0) + calls
        self.stats["requests"] = self.stats.get("requests", 0) + 1
        self.stats["call_seconds"] = self.stats.get("call_seconds", 0.0) + time.perf_counter() - started

    def _outcome(self, answer):
        if not answer["ok"]:
            raise _student_exception(answer["error"])
        try:
            after = answer["args_after"]
            return (wire.decode(answer["result"]), None if after is None else wire.decode(after),
                    answer.get("printed", ""))
        except (wire.WireError, KeyError, TypeError, ValueError, RecursionError) as error:
            raise SandboxError(f"unreadable answer: {error}") from None


class RemoteFunction:
    """A student's function living in a sandbox, callable from the grader.

    ``get_sandbox()`` returns a live sandbox for each call, so that a call that kills the
    process costs only that call. What the function prints is printed here too, so that
    tests can check it. ``helpers``: see :meth:`Sandbox.call_encoded`.

    :meth:`prefetch` makes the calls a test is about to make in one request; each later call
    whose arguments equal the next prefetched call's takes that call's outcome, and any other
    call (different arguments, say after the student's function changed them in place) drops
    what is left of the prefetched outcomes and goes to the sandbox as usual. So a test sees
    exactly what it would see call by call.
    """

    def __init__(self, get_sandbox, name, helpers=None, foresee=None):
        self.get_sandbox = get_sandbox
        self.__name__ = name
        self.helpers = helpers or {}
        self.foresee = foresee  # (args, kwargs) -> [(helper, args, kwargs, result)] the answer key makes
        self.pending = []  # (key of the arguments, outcome) of prefetched calls, in order

    def prefetch(self, calls):
        """Make ``calls`` (a list of ``(args, kwargs)``) now, in one request to the sandbox."""
        try:
            encoded = [self.encode_call(args, kwargs) for args, kwargs in calls]
        except wire.WireError:
            self.pending = []
            return  # the calls themselves will meet (and report) the same problem
        self.prefetch_encoded(encoded)

    def prefetch_encoded(self, encoded):
        """:meth:`prefetch` with calls already encoded by :meth:`encode_call`."""
        self.pending = []
        if not encoded:
            return
        try:
            sandbox = self.get_sandbox()
        except SandboxError:
            return
        calls = [pair for pair, _ in encoded]
        outcomes = sandbox.call_many(self.__name__, calls, self.helpers, self._memo(calls))
        self.pending = [(key, outcome) for (_, key), outcome in zip(encoded, outcomes, strict=False)]

    def _memo(self, calls):
        """The helper results a correct function would ask for on ``calls``, sealed (:func:`wire.seal_memo`)."""
        if not (self.foresee and self.helpers):
            return None
        params = {}
        for name, helper in self.helpers.items():
            parameters = inspect.signature(helper).parameters
            if all(p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters.values()):
                params[name] = list(parameters)
        records = []
        for args, kwargs in calls:
            records += [record for record in self.foresee(wire.decode(args), wire.decode(kwargs))
                        if record[0] in params]
        return wire.seal_memo(records, params) if records else None

    @staticmethod
    def encode_call(args, kwargs):
        """``((encoded args, encoded kwargs), key)``: the call as it crosses the wire, and a string that is
        equal for two calls exactly when their arguments are."""
        encoded = wire.encode(tuple(args)), wire.encode(dict(kwargs))
        return encoded, wire.dumps(encoded)

    def __call__(self, *args, **kwargs):
        (encoded_args, encoded_kwargs), key = self.encode_call(args, kwargs)
        if self.pending and self.pending[0][0] == key:
            _, (ok, outcome) = self.pending.pop(0)
            if not ok:
                raise outcome
            result, args_after, printed = outcome
        else:
            self.pending = []
            result, args_after, printed = self.get_sandbox().call_encoded(self.__name__, encoded_args,
                                                                         encoded_kwargs, self.helpers)
        print(printed, end="")
        for original, after in zip(args, args_after or (), strict=False):  # None: unchanged; it may be short
            _write_back(original, after)
        return result
