"""One control group per sandbox, so its limits hold for all its processes together.

Resource limits (``setrlimit``) bound each process on its own: a submission that forks ten
children gets ten times the memory and ten times the CPU. A control group bounds them all
together: memory in use, number of processes (no fork bomb), and CPU (at most ``cpus`` cores,
so ``--jobs N`` means N cores' worth of grading however many processes a submission starts).

Linux offers them in two layouts: cgroup v2 (one tree, ``memory.max``, ``pids.max``,
``cpu.max``) and the older v1 (one tree per controller, ``memory.limit_in_bytes``, ...). Both
are supported; where neither can be written (no root, no delegation), :func:`create` returns
``None`` and the sandbox falls back to per-process limits and a process-count limit, which the
README states.
"""

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


def _own_path(controller):
    """This process's cgroup path in ``controller``'s hierarchy (v1), or in the unified one ("")."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    return None


class Cgroup:
    """A control group made for one sandbox; :meth:`enter` is called in the sandbox's first process."""

    def __init__(self, folders, version):
        self.folders, self.version = folders, version

    def enter(self):
        """Move the calling process into the group (run in the child, before exec)."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self):
        found = set()
        for folder in self.folders:
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return found

    def kill(self):
        """Stop every process of the group, however many it forked."""
        if self.version == 2 and (self.folders[0] / "cgroup.kill").exists():
            try:
                (self.folders[0] / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self):
        self.kill()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # processes still leaving
                    time.sleep(0.01)


def _write(path, value):
    path.write_text(str(value))


def _create_v2(name, memory_bytes, processes, cpus):
    own = _own_path("")
    if own is None or not (ROOT / "cgroup.controllers").exists():
        return None
    parent = ROOT / own.lstrip("/")
    wanted = {"memory", "pids", "cpu"}
    if not wanted <= set((parent / "cgroup.controllers").read_text().split()):
        return None
    base = parent / "course-grader"
    base.mkdir(exist_ok=True)
    _write(base / "cgroup.subtree_control", "+memory +pids +cpu")
    folder = base / name
    folder.mkdir()
    _write(folder / "memory.max", memory_bytes)
    if (folder / "memory.swap.max").exists():
        _write(folder / "memory.swap.max", 0)
    _write(folder / "pids.max", processes)
    _write(folder / "cpu.max", f"{int(PERIOD_US * cpus)} {PERIOD_US}")
    return Cgroup([folder], 2)


def _create_v1(name, memory_bytes, processes, cpus):
    folders = []
    try:
        for controller in ("memory", "pids", "cpu"):
            own = _own_path(controller)
            if own is None or not (ROOT / controller).is_dir():
                raise OSError(f"no {controller} controller")
            base = ROOT / controller / own.lstrip("/") / "course-grader"
            base.mkdir(exist_ok=True)
            folder = base / name
            folder.mkdir()
            folders.append(folder)
            if controller == "memory":
                _write(folder / "memory.limit_in_bytes", memory_bytes)
                if (folder / "memory.memsw.limit_in_bytes").exists():
                    try:
                        _write(folder / "memory.memsw.limit_in_bytes", memory_bytes)
                    except OSError:
                        pass
            elif controller == "pids":
                _write(folder / "pids.max", processes)
            else:
                _write(folder / "cpu.cfs_period_us", PERIOD_US)
                _write(folder / "cpu.cfs_quota_us", int(PERIOD_US * cpus))
    except OSError:
        for folder in folders:
            try:
                folder.rmdir()
            except OSError:
                pass
        return None
    return Cgroup(folders, 1)


def create(name, memory_bytes, processes, cpus=1.0):
    """A new control group with these limits, or ``None`` where this machine does not allow one."""
    if os.environ.get("COURSE_NO_CGROUPS"):  # lets the tests exercise the fallback
        return None
    for make in (_create_v2, _create_v1):
        try:
            group = make(name, memory_bytes, processes, cpus)
        except OSError:
            group = None
        if group is not None:
            return group
    return None
