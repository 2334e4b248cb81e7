"""The process that runs one submission's code, inside the sandbox.

It is started by :mod:`autograder.sandbox` with the grader's wire module next to it,
reads one JSON request per line on stdin and answers on a private copy of stdout:

* ``{"op": "exec", "code": ..., "name": ...}`` runs a cell's code in the notebook namespace;
* ``{"op": "call", "function": ..., "args": ..., "kwargs": ...}`` calls a function of that
  namespace and returns its result and its arguments after the call (to detect mutation).

It never judges anything: the grader compares the returned data in its own process.
Student prints are captured (and capped); fds 1 and 2 point to /dev/null.
"""

import io
import linecache
import os
import resource
import sys
import traceback

# Started with python -I, which puts neither this folder nor the working folder on sys.path.
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.getcwd()]

import wire  # noqa: E402  (copied next to this file by the grader)


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


def describe_error(error, filename_prefix="<cell "):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(filename_prefix)]
    line = frames[-1].line if frames else ""
    message = str(error)
    if len(message) > 2000:
        message = message[:2000] + " ..."
    return {"type": type(error).__name__, "message": message, "line": line or ""}


def main():
    memory_mb, cpu_seconds, file_mb, output_chars = (int(x) for x in sys.argv[1:5])
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    requests = sys.stdin
    sys.stdin = io.StringIO("")
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    apply_limits(memory_mb, cpu_seconds, file_mb)

    for line in requests:
        request = wire.loads(line)
        captured = CappedWriter(output_chars)
        sys.stdout = sys.stderr = captured
        answer = {"id": request.get("id"), "ok": True}
        try:
            if request["op"] == "exec":
                filename = f"<cell {request['name']}>"
                linecache.cache[filename] = (len(request["code"]), None, request["code"].splitlines(True), filename)
                exec(compile(request["code"], filename, "exec"), namespace)
            elif request["op"] == "call":
                function = namespace.get(request["function"])
                if not callable(function):
                    raise NameError(f"name '{request['function']}' is not defined")
                args = wire.decode(request["args"])
                kwargs = wire.decode(request["kwargs"])
                result = function(*args, **kwargs)
                answer["result"] = wire.encode(result)
                answer["args_after"] = wire.encode(tuple(args))
        except BaseException as error:  # the student's code may raise anything, SystemExit included
            answer = {"id": request.get("id"), "ok": False, "error": describe_error(error)}
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        answer["printed"] = captured.value()
        try:
            channel.write(wire.dumps(answer))
        except (TypeError, ValueError) as error:
            channel.write(wire.dumps({"id": request.get("id"), "ok": False, "printed": "",
                                      "error": {"type": "WireError", "message": str(error), "line": ""}}))


if __name__ == "__main__":
    main()
