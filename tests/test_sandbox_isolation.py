"""The sandbox's boundary, attacked directly: default-deny files, no reachable sockets, no
privileges, limits for the whole sandbox, and nothing left over between two submissions that
the same warm template runs one after the other.

Each test runs code as a submission would (a cell in :class:`autograder.sandbox.Sandbox`) and
reads back what it printed. The grade-level versions of these attacks are in
``test_grader_robustness.py``.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import sandbox
from autograder.assignments import REPOSITORY, load_assignment
from autograder.attempts import solved
from autograder.batch import grade_all
from autograder.grading import Settings
from autograder.sandbox import BUBBLEWRAP, Limits, Sandbox, detect_isolation

ISOLATION = detect_isolation()
LIMITS = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=20, call_seconds=20)
ROOT_USER = os.getuid() == 0
pytestmark = pytest.mark.skipif(
    ISOLATION != BUBBLEWRAP and not os.environ.get("COURSE_REQUIRE_SANDBOX"),
    reason="bubblewrap (bwrap) is not installed: the sandbox's isolation cannot be tested on this machine")
ASSIGNMENT = load_assignment("dnn_step_by_step")


def run(box, code):
    error, printed = box.exec_cell(code, "probe")
    assert error is None, error
    return printed


def probe_reads(paths):
    return ("import os\nfor path in " + repr([str(p) for p in paths]) + ":\n"
            "    try:\n"
            "        if os.path.isdir(path):\n"
            "            print('LISTED', path, os.listdir(path))\n"
            "        else:\n"
            "            print('READ', path, open(path).read()[:40])\n"
            "    except OSError as error:\n"
            "        print('DENIED', path, type(error).__name__)\n")


@pytest.fixture
def decoys():
    """A course, a second copy of the repository and secrets in folders no list ever named."""
    token = secrets.token_hex(4)
    parents = [Path(f"/var/lib/decoy-{token}"), Path(f"/work/decoy-{token}"), Path(f"/srv/decoy-{token}"),
               Path(f"/opt/decoy-{token}"), Path(tempfile.gettempdir()) / f"decoy-{token}"]
    if not ROOT_USER:
        parents = [Path.home() / f"decoy-{token}", Path(tempfile.gettempdir()) / f"decoy-{token}"]
    made = []
    for parent in parents:
        try:
            parent.mkdir(parents=True)
        except OSError:
            continue
        made.append(parent)
        course = parent / "course" / "source" / ASSIGNMENT.id
        course.mkdir(parents=True)
        shutil.copy(ASSIGNMENT.folder / ASSIGNMENT.notebook, course / ASSIGNMENT.notebook)
        (parent / "course" / "gradebook.db").write_text("student,score\nada,100\n")
        copy = parent / "repository-copy"
        shutil.copytree(REPOSITORY / "autograder", copy / "autograder")
        (parent / "secret.txt").write_text(f"the decoy secret {token}")
    yield [path for parent in made for path in (parent, parent / "secret.txt", parent / "course" / "gradebook.db",
                                                parent / "course" / "source" / ASSIGNMENT.id / ASSIGNMENT.notebook,
                                                parent / "repository-copy" / "autograder" / "hidden_tests.py")]
    for parent in made:
        shutil.rmtree(parent, ignore_errors=True)


def test_nothing_outside_the_sandbox_root_is_visible(decoys):
    course = decoys[0]
    with Sandbox([], LIMITS, ISOLATION, hidden=(course,)) as box:
        printed = run(box, probe_reads([*decoys, REPOSITORY / "source", REPOSITORY / "autograder",
                                        Path.home(), "/etc/passwd", "/etc/shadow", "/root", "/home"]))
        top = run(box, "import os\nprint(sorted(os.listdir('/')))")
    # Only the parents of the Python installation can be listed (they hold nothing else).
    python_parents = {str(parent) for folder in sandbox._python_folders() for parent in folder.parents}
    listed = [line for line in printed.splitlines() if line.startswith("LISTED")]
    assert "READ" not in printed and all(line.split()[1] in python_parents for line in listed), printed
    assert printed.count("DENIED") >= len(decoys), printed
    # The root holds the system libraries, the Python installation's parents, and the sandbox itself.
    assert set(eval(top)) <= {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "proc", "dev", "tmp",
                              "var", "sandbox", *{p.parts[1] for p in sandbox._python_folders()}}, top


def test_the_sandbox_has_no_privileges_and_a_syscall_filter():
    code = ("status = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines()"
            " if ':\\t' in line)\n"
            "print(status['CapEff'].strip(), status['CapPrm'].strip(), status['NoNewPrivs'].strip(),"
            " status['Seccomp'].strip(), status['Uid'].split()[0])\n")
    with Sandbox([], LIMITS, ISOLATION) as box:
        effective, permitted, no_new_privs, seccomp_mode, uid = run(box, code).split()
    assert int(effective, 16) == 0 and int(permitted, 16) == 0
    assert no_new_privs == "1"
    assert seccomp_mode == "2"  # a filter is installed
    if ROOT_USER:  # not root mapped through a user namespace: an id of its own
        assert int(uid) >= sandbox.SANDBOX_UID_BASE


def test_root_only_files_and_host_sockets_cannot_be_reached(tmp_path):
    # A root-only file inside a folder the sandbox shows, a named socket and an abstract one.
    shown = Path(sys.prefix) / f"root-only-{secrets.token_hex(4)}"
    shown.write_text("root's secret")
    os.chmod(shown, 0o600)
    named = tmp_path / "server.sock"
    abstract = f"\0course-decoy-{secrets.token_hex(4)}"
    servers, seen = [], []
    for address in (str(named), abstract):
        server = socket.socket(socket.AF_UNIX)
        server.bind(address)
        server.listen()
        server.settimeout(0.2)
        servers.append(server)

    def accept():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for server in servers:
                try:
                    seen.append(server.accept())
                except OSError:
                    pass

    watcher = threading.Thread(target=accept, daemon=True)
    watcher.start()
    code = (probe_reads([shown]) + "import socket\n"
            f"for address in {[str(named), abstract]!r}:\n"
            "    try:\n"
            "        s = socket.socket(socket.AF_UNIX)\n"
            "        s.connect(address)\n"
            "        print('CONNECTED', repr(address))\n"
            "    except OSError as error:\n"
            "        print('REFUSED', repr(address), error.errno)\n"
            "for family in (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET):\n"
            "    try:\n"
            "        socket.socket(family, socket.SOCK_DGRAM)\n"
            "        print('SOCKET', family)\n"
            "    except OSError:\n"
            "        pass\n"
            "import ctypes, os\n"
            "print('PTRACE', ctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0))\n")
    try:
        with Sandbox([], LIMITS, ISOLATION) as box:
            printed = run(box, code)
    finally:
        shown.unlink()
        for server in servers:
            server.close()
    watcher.join(timeout=1)
    assert "READ" not in printed and "CONNECTED" not in printed and "SOCKET" not in printed, printed
    assert printed.count("REFUSED") == 2 and "PTRACE -1" in printed, printed
    assert not seen


def test_two_submissions_in_one_warm_template_share_nothing():
    first = ("import os, sys, subprocess, numpy, dnn_utils\n"
             "for folder in ('.', '/tmp', '/var/tmp', '/dev/shm'):\n"
             "    try:\n"
             "        open(os.path.join(folder, 'left-behind.txt'), 'w').write('from the first submission')\n"
             "    except OSError:\n"
             "        pass\n"
             "os.environ['LEFT_BEHIND'] = '1'\n"
             "dnn_utils.sigmoid = lambda Z: 'sabotaged'\n"
             "numpy.dot = None\n"
             "sys.modules['planted'] = dnn_utils\n"
             "os.chmod('.', 0o500)\n"
             "pid = os.fork()\n"
             "if pid == 0:\n"
             "    os.setsid()\n"
             "    if os.fork() == 0:\n"
             "        import time\n"
             "        time.sleep(60)\n"
             "        os._exit(0)\n"
             "    os._exit(0)\n"
             "os.waitpid(pid, 0)\n"
             "print(os.getcwd())\n")
    second = ("import os, sys, numpy, dnn_utils\n"
              "found = [os.path.join(f, n) for f in ('.', '..', '/tmp', '/var/tmp', '/dev/shm')"
              " if os.path.isdir(f) for n in os.listdir(f) if 'left' in n or n == os.path.basename(FIRST)]\n"
              "others = [p for p in os.listdir('/proc')"
              " if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid())]\n"
              "print(found, others, 'LEFT_BEHIND' in os.environ, dnn_utils.sigmoid.__name__, numpy.dot is None,"
              " 'planted' in sys.modules)\n")
    with Sandbox(ASSIGNMENT.helper_files, LIMITS, ISOLATION) as box:
        template = box.template
        where = run(box, first).strip()
    with Sandbox(ASSIGNMENT.helper_files, LIMITS, ISOLATION) as box:
        assert box.template is template  # the same warm process served both
        printed = run(box, f"FIRST = {where!r}\n" + second).strip()
    assert printed == "[] [] False sigmoid False False", printed


def test_a_fork_bomb_is_bounded_and_nothing_of_it_survives():
    code = ("import os, time\nstarted = 0\n"
            "for _ in range(500):\n"
            "    try:\n"
            "        if os.fork() == 0:\n"
            "            time.sleep(120)\n"
            "            os._exit(0)\n"
            "        started += 1\n"
            "    except OSError:\n"
            "        break\n"
            "print(started)\n")
    with Sandbox([], LIMITS, ISOLATION) as box:
        started = int(run(box, code))
        template = box.template
    assert started < LIMITS.processes
    with Sandbox([], LIMITS, ISOLATION) as box:
        assert box.template is template
        others = run(box, "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]))")
    assert int(others) <= 3  # bubblewrap's init, the template, this child


def test_memory_is_limited_for_the_whole_sandbox_not_per_process():
    limits = Limits(memory_mb=400, cpu_seconds=60, exec_seconds=60, call_seconds=20)
    # Four processes of 260 MB each: every one is under the per-process limit (with Python and numpy, about
    # 105 MB of address space, each stays below 400 MB), together they exceed the sandbox's 400 + 512 MB.
    code = ("import os\nchildren = []\n"
            "for _ in range(4):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        block = bytearray(260 << 20)\n"
            "        for i in range(0, len(block), 4096):\n"
            "            block[i] = 1\n"
            "        import time\n"
            "        time.sleep(3)\n"
            "        os._exit(0)\n"
            "    children.append(pid)\n"
            "print(sum(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0 for pid in children))\n")
    with Sandbox([], limits, ISOLATION) as box:
        if box.template.cgroup is None:
            pytest.skip("no writable control groups here: memory is limited per process only (see README)")
        killed = int(run(box, code))
    assert killed >= 1


BURNER = '''import os

def linear_forward(A, W, b):
    # CPU burners in sessions of their own, and a call that never ends (each one times out).
    for _ in range(6):
        if os.fork() == 0:
            os.setsid()
            while True:
                pass
    while True:
        pass
'''


def test_a_cpu_burning_fork_happy_submission_does_not_cost_others_their_marks(tmp_path):
    from autograder.attempts import with_function

    found = []
    for index in range(5):
        path = tmp_path / f"student{index}" / ASSIGNMENT.notebook
        path.parent.mkdir()
        nb = with_function("linear_forward", BURNER) if index == 0 else solved()
        nbformat.write(nb, path)
        found.append((f"student{index}", path))
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=3, submission_seconds=60)
    results = {r.student: r for r in grade_all(ASSIGNMENT, found, Settings(limits, ISOLATION, (REPOSITORY,)), jobs=2)}
    honest = {s: results[s].score for s in results if s != "student0"}
    assert all(score == 100 for score in honest.values()), {s: results[s].notes for s in results}
    assert {f.name: f.score for f in results["student0"].functions}["linear_forward"] == 0
    # Nothing of the burner survives its submission, nor the run (this process's own idle templates stopped).
    sandbox.TEMPLATES.stop_all()
    leftover = subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
    assert not ROOT_USER or not [line for line in leftover.splitlines()
                if line.split()[0].isdigit() and int(line.split()[0]) >= sandbox.SANDBOX_UID_BASE], leftover


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGSTOP"])
def test_a_submission_that_attacks_its_template_costs_only_itself(signal_name):
    code = (f"import os, signal, time\nos.kill(os.getppid(), signal.{signal_name})\n"
            "time.sleep(30)\n")
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=3, call_seconds=3)
    with Sandbox([], limits, ISOLATION) as box:
        with pytest.raises(sandbox.SandboxError):
            box.exec_cell(code, "attack")
    with Sandbox([], limits, ISOLATION) as box:  # the next submission gets a working sandbox
        assert run(box, "print(6 * 7)").strip() == "42"


def test_what_the_wipe_cannot_reach_is_discarded_with_its_template():
    # Folders nested beyond PATH_MAX in /tmp: the template is not reused, the next submission starts clean.
    deep = ("import os\nhome = os.getcwd()\nos.chdir('/tmp')\n"
            "for _ in range(2500):\n    os.mkdir('d')\n    os.chdir('d')\n"
            "open('left-behind.txt', 'w').write('x')\nos.chdir(home)\nprint('nested')\n")
    with Sandbox([], LIMITS, ISOLATION) as box:
        assert run(box, deep).strip() == "nested"
        template = box.template
    with Sandbox([], LIMITS, ISOLATION) as box:
        assert box.template is not template
        assert run(box, "import os\nprint(os.listdir('/tmp'))").strip() in ("[]", str(sorted(
            {folder.relative_to('/tmp').parts[0] for folder in sandbox._python_folders()
             if Path('/tmp') in folder.parents})))
