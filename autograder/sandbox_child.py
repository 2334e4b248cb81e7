"""The processes that run submissions' code, inside the sandbox.

Starting Python, numpy, matplotlib and the assignment's helpers takes most of a second, and
grading a submission takes a tenth of that; so one *template* process is started per grading
worker (by :mod:`autograder.sandbox`, with the grader's wire module next to it), runs the
assignment's setup cells once (trusted source code: imports, the data set, the seed), then
waits on a control socket. For each submission it forks a child in a fresh folder that links
to the read-only helper files; the child inherits the modules and the setup's namespace
copy-on-write, so nothing it changes reaches the template or the next child, and the grader
need not run the setup again (the template's ready message says whether the setup succeeded).
After the submission the template kills every other process in the sandbox's PID namespace
and wipes every writable folder (the children's folders, /tmp, /dev/shm) before it forks
again.

Control messages (one JSON object per SOCK_SEQPACKET message, from the grader):

* ``{"op": "spawn", "n": N}`` with two file descriptors (the child's stdin and stdout pipes):
  fork a child working in ``<jobs>/N``; answers ``{"pid": ...}``;
* ``{"op": "status", "pid": ..., "wait": ...}``: how that child ended (an exit code), if it has;
* ``{"op": "reset"}``: kill every process but the template, wipe; answers ``{"clean": true}``.

A child reads one JSON request per line on stdin and answers on a private copy of stdout:

* ``{"op": "exec", "code": ..., "name": ...}`` runs a cell's code in the notebook namespace;
* ``{"op": "call", "function": ..., "args": ..., "kwargs": ..., "helpers": [...]}`` calls a
  function of that namespace and returns its result and its arguments after the call (to
  detect mutation; ``null`` when the call left them as they came). While it runs, each name in
  ``helpers`` (other graded functions the tested one calls) is bound to a stub that asks the
  grader to compute the answer key's result (``{"op": "callback", ...}`` on the answer
  channel, the reply on stdin), so one mistake costs points in one place and the answer key
  never enters the sandbox.
* ``{"op": "calls", "function": ..., "calls": [{"args": ..., "kwargs": ...}, ...], "helpers": [...]}``
  makes those calls one after the other, as separate ``call`` requests would, and sends one
  answer per call as soon as it is known (each with its ``index``): one round trip for all the
  cases of a test instead of one per case. A call that changes its arguments in place is the
  last one made (its answer says ``"last": true``): the grader sends the next call itself. A
  ``memo`` (:func:`wire.seal_memo`) holds the helper results the grader foresaw, each opened
  only by a call with exactly the arguments it was computed for; other calls ask as above.

It never judges anything: the grader compares the returned data in its own process.
Student prints are captured (and capped); fds 1 and 2 point to /dev/null.
"""

import contextlib
import ctypes
import io
import json
import linecache
import os
import resource
import signal
import socket
import sys
import time
import traceback

RUNNER = os.path.dirname(os.path.abspath(__file__))
# Started with python -I, which puts neither this folder nor the working folder on sys.path.
sys.path[:0] = [RUNNER]

import wire  # noqa: E402  (copied next to this file by the grader)

PR_SET_DUMPABLE = 4
MAX_PROCESSES = 16  # per sandbox user: the template, one child, and a few processes it might start


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts, self.size, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self):
        text = "".join(self.parts)
        return text + (f"\n[... {self.dropped} more characters of output dropped]" if self.dropped else "")


def apply_limits(memory_mb, cpu_seconds, file_mb):
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))


def describe_error(error, filename_prefix="<cell ", function=None):
    """Type, message and the student's line: in ``function`` (the one under test) when the error passed
    through it, so a failure is located in the function being graded, not in a helper it called."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(filename_prefix)]
    code = getattr(function, "__code__", None)
    own = [f for f in frames if code is not None and f.filename == code.co_filename and f.name == code.co_name]
    frames = own or frames
    line = frames[-1].line if frames else ""
    message = str(error)
    if len(message) > 2000:
        message = message[:2000] + " ..."
    return {"type": type(error).__name__, "message": message, "line": line or ""}


class CallbackError(Exception):
    """The grader could not compute a helper's result for the arguments the student passed."""


def _helper_stub(name, request_id, channel, requests, memo=None):
    """A stand-in for graded function ``name``: the grader computes the answer key's result (or foresaw it:
    ``memo``, see :func:`wire.open_memo`)."""

    def helper(*args, **kwargs):
        try:
            found = wire.open_memo(memo, name, args, kwargs)
        except Exception:  # noqa: BLE001  (a memo it cannot use: ask the grader)
            found = None
        if found is not None:
            return found[1]
        channel.write(wire.dumps({"id": request_id, "op": "callback", "name": name,
                                  "args": wire.encode(tuple(args)), "kwargs": wire.encode(dict(kwargs))}))
        reply = wire.loads(requests.readline())
        if not reply.get("ok"):
            error = reply.get("error", {})
            kind = error.get("type", "")
            kind = kind if kind.isidentifier() else "CallbackError"
            raise type(kind, (CallbackError,), {})(error.get("message", ""))
        return wire.decode(reply["result"])

    helper.__name__ = helper.__qualname__ = name
    return helper


@contextlib.contextmanager
def _capturing(output_chars):
    """What the student's code prints while the block runs (capped); stdout and stderr come back after."""
    captured = CappedWriter(output_chars)
    sys.stdout = sys.stderr = captured
    try:
        yield captured
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__


def _call(namespace, request, call, channel, requests, output_chars):
    """One call of a function of the notebook namespace: the answer (result and arguments after it)."""
    answer = {"id": request.get("id"), "ok": True}
    saved = {}
    function = None
    with _capturing(output_chars) as captured:
        try:
            function = namespace.get(request["function"])
            if not callable(function):
                raise NameError(f"name '{request['function']}' is not defined")
            args = wire.decode(call["args"])
            kwargs = wire.decode(call["kwargs"])
            for name in request.get("helpers", ()):
                saved[name] = namespace.get(name)
                namespace[name] = _helper_stub(name, request["id"], channel, requests, request.get("memo"))
            result = function(*args, **kwargs)
            answer["result"] = wire.encode(result)
            after = wire.encode(tuple(args))
            # Arguments the call left as they came (the usual case) are not sent back: the grader keeps its own.
            answer["args_after"] = None if after == call["args"] else after
        except BaseException as error:  # the student's code may raise anything, SystemExit included
            answer = {"id": request.get("id"), "ok": False, "error": describe_error(error, function=function)}
        finally:
            for name, value in saved.items():  # the student's own versions come back after the call
                if value is None:
                    namespace.pop(name, None)
                else:
                    namespace[name] = value
    answer["printed"] = captured.value()
    return answer


def _exec(namespace, request, output_chars):
    """Run a cell's code in the notebook namespace."""
    answer = {"id": request.get("id"), "ok": True}
    with _capturing(output_chars) as captured:
        try:
            filename = f"<cell {request['name']}>"
            linecache.cache[filename] = (len(request["code"]), None, request["code"].splitlines(True), filename)
            exec(compile(request["code"], filename, "exec"), namespace)
        except BaseException as error:  # noqa: BLE001
            answer = {"id": request.get("id"), "ok": False, "error": describe_error(error)}
    answer["printed"] = captured.value()
    return answer


def _send(channel, answer):
    try:
        channel.write(wire.dumps(answer))
    except (TypeError, ValueError) as error:
        channel.write(wire.dumps({"id": answer.get("id"), "ok": False, "printed": "",
                                  **({"index": answer["index"]} if "index" in answer else {}),
                                  "error": {"type": "WireError", "message": str(error), "line": ""}}))


def serve(requests, channel, output_chars, namespace=None):
    """Answer requests for one submission until the grader closes its input.

    ``namespace``: the notebook's globals to start from (the setup cells' results, when the
    template ran them); a fresh one otherwise.
    """
    namespace = namespace if namespace is not None else {"__name__": "__main__", "__builtins__": __builtins__}
    while True:
        line = requests.readline()
        if not line:
            return
        request = wire.loads(line)
        op = request.get("op")
        if op == "exec":
            _send(channel, _exec(namespace, request, output_chars))
        elif op == "call":
            _send(channel, _call(namespace, request, request, channel, requests, output_chars))
        elif op == "calls":  # several calls of one function in one request: one answer per call, in order
            for index, call in enumerate(request.get("calls", ())):
                answer = {**_call(namespace, request, call, channel, requests, output_chars), "index": index}
                # A call that changed its arguments ends the batch: the grader's next call may pass the
                # changed values, and the calls prepared with the old ones must not run in between.
                answer["last"] = bool(answer["ok"] and answer.get("args_after") is not None)
                _send(channel, answer)
                if answer["last"]:
                    break
        else:
            _send(channel, {"id": request.get("id"), "ok": False, "printed": "",
                            "error": {"type": "ValueError", "message": f"unknown request {op!r}", "line": ""}})


def _wipe(folder):
    """Empty ``folder`` whatever the submission did to it; True when nothing of it is left.

    Iterative (a submission may nest folders thousands deep), and never into a mount point: the
    sandbox's /tmp may hold the read-only Python environment when the course lives under /tmp.
    """
    clean = True
    stack = [(folder, False, False)]
    while stack:
        path, listed, holds_mount = stack.pop()
        if listed:  # its entries are gone: remove the folder itself
            if path != folder:
                try:
                    os.rmdir(path)
                except OSError:
                    clean = clean and holds_mount
            continue
        try:
            entries = os.listdir(path)
        except OSError:
            clean = False
            continue
        mounts = [e for e in entries if os.path.ismount(os.path.join(path, e))]
        stack.append((path, True, bool(mounts)))
        for entry in entries:
            child = os.path.join(path, entry)
            if entry in mounts:
                continue
            if os.path.isdir(child) and not os.path.islink(child):
                try:
                    os.chmod(child, 0o700)
                except OSError:
                    pass
                stack.append((child, False, False))
            else:
                try:
                    os.unlink(child)
                except OSError:
                    clean = False
    return clean


def _others(me):
    """Processes of this sandbox besides pid 1 (bubblewrap's) and the template, zombies excluded."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z":
                found.append(int(entry))
    return found


class Template:
    """The warm process: forks one child per submission, and resets the sandbox after it."""

    def __init__(self, control, template, jobs, limits, own_namespace, namespace=None):
        self.control, self.template, self.jobs = control, template, jobs
        self.namespace = namespace  # the setup cells' results, inherited by every child (copy-on-write)
        self.memory_mb, self.cpu_seconds, self.file_mb, self.output_chars = limits
        self.own_namespace = own_namespace  # a PID namespace of its own: kill(-1) reaches only the sandbox
        self.children = set()

    def spawn(self, n, fds):
        work = os.path.join(self.jobs, str(int(n)))
        os.mkdir(work)
        # The helper files, read-only (their folder is mounted so): links cost nothing to make.
        for entry in os.listdir(self.template):
            os.symlink(os.path.join(self.template, entry), os.path.join(work, entry))
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 0
            try:
                self._child(work, *fds)
            except BaseException:
                code = 70
            os._exit(code)
        for fd in fds:
            os.close(fd)
        self.children.add(pid)
        return {"pid": pid}

    def _child(self, work, stdin_fd, stdout_fd):
        self.control.close()
        if not self.own_namespace:
            os.setsid()  # without a PID namespace the template stops the child by its process group
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        os.close(stdin_fd)
        os.close(stdout_fd)
        channel = os.fdopen(os.dup(1), "w", buffering=1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        requests = os.fdopen(0, "r", encoding="utf-8")
        sys.stdin = io.StringIO("")
        os.chdir(work)
        os.environ.update(HOME=work, TMPDIR=work, MPLCONFIGDIR=work)
        sys.path[:] = [work, *[p for p in sys.path if p != self.template]]
        try:
            with open("/proc/self/oom_score_adj", "w") as adj:
                adj.write("1000")  # under memory pressure the kernel stops the submission, not the template
        except OSError:
            pass
        apply_limits(self.memory_mb, self.cpu_seconds, self.file_mb)
        serve(requests, channel, self.output_chars, self.namespace)

    def status(self, pid, wait):
        """How child ``pid`` ended (waiting a moment for it if ``wait``); ``None`` if it still runs."""
        deadline = time.monotonic() + (1.0 if wait else 0.0)
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return {"status": None}
            if done:
                self.children.discard(pid)
                return {"status": os.waitstatus_to_exitcode(status)}
            if time.monotonic() > deadline:
                return {"status": None}
            time.sleep(0.01)

    def reset(self):
        me = os.getpid()
        for _ in range(1000):
            if self.own_namespace:
                try:
                    os.kill(-1, signal.SIGKILL)  # every process of the sandbox but pid 1 and this one
                except ProcessLookupError:
                    pass
                for pid in list(self.children):  # killed: waiting for them is quick
                    try:
                        os.waitpid(pid, 0)
                    except ChildProcessError:
                        pass
            else:
                for pid in self.children:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
            while True:
                try:
                    done, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if not done:
                    break
            if not self.own_namespace or not _others(me):
                break
            time.sleep(0.001)  # orphans of the submission, killed, not yet reaped by pid 1
        else:
            return {"clean": False}
        self.children.clear()
        clean = True
        for folder in (self.jobs, "/tmp", "/var/tmp", "/dev/shm"):
            if self.own_namespace or folder == self.jobs:
                clean = _wipe(folder) and clean
        return {"clean": clean}  # not clean: the grader replaces this template by a new one

    def run(self):
        self.control.sendmsg([json.dumps({"ready": True, "setup": self.namespace is not None}).encode()])
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 65536, 2)
            except OSError:
                return
            if not data:
                return
            try:
                message = json.loads(data)
                op = message["op"]
                if op == "spawn":
                    reply = self.spawn(message["n"], fds)
                elif op == "status":
                    reply = self.status(int(message["pid"]), bool(message.get("wait")))
                elif op == "reset":
                    reply = self.reset()
                else:
                    reply = {"error": f"unknown operation {op!r}"}
            except Exception as error:  # noqa: BLE001  (reported to the grader, which restarts the template)
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                reply = {"error": f"{type(error).__name__}: {error}"}
            self.control.sendmsg([json.dumps(reply).encode()])


def drop_privileges(uid):
    """Run as ``uid`` with no capabilities, and make this process untraceable by its children."""
    if os.getuid() == 0 and uid:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def warm_up(template, code):
    """Run the assignment's setup cells once (trusted source code, not the student's).

    Returns the notebook namespace they leave (imports, loaded data, seeded generators), which
    every child starts from, or None if they failed (each child then runs them itself and
    reports the error).
    """
    os.chdir(template)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(compile(code, "<setup>", "exec"), namespace)
    except BaseException:  # noqa: BLE001  (the child runs the setup again and reports its errors)
        return None
    finally:
        sys.stdout, sys.stderr = saved
    return namespace


def main():
    control_fd, template, jobs, uid, own_namespace = sys.argv[1:6]
    limits = tuple(int(x) for x in sys.argv[6:10])
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    drop_privileges(int(uid))
    os.umask(0o077)
    sys.path.insert(1, template)
    warm_file = os.path.join(RUNNER, "warm.py")
    namespace = None
    if os.path.exists(warm_file):
        with open(warm_file) as source:
            namespace = warm_up(template, source.read())
    os.chdir(jobs)
    control = socket.socket(fileno=int(control_fd))
    Template(control, template, jobs, limits, own_namespace == "1", namespace).run()


if __name__ == "__main__":
    main()
