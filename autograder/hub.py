"""Build, start and remove a JupyterHub deployment of the course on this machine.

Why this exists: nbgrader courses run on JupyterHub, with one Unix account and one server per
user and a shared exchange folder, and that is where permissions, attribution and the exchange
can go wrong; the course's other tests run everything as one user. This module sets up the
deployment ``hub/jupyterhub_config.py`` describes (the layout is documented there) so that the
local trial (``bash scripts/hub.sh``) and the end-to-end test (``tests/test_hub.py``) run the
same thing:

* Unix accounts for the instructor and the students (home folders mode 700, passwords for PAM);
* a Python environment every server can run (``env/``, from a Python that all users can execute,
  with the packages of ``requirements.txt`` at their pinned versions) and, on the instructor's
  ``PYTHONPATH`` only, links to the grader's packages in the course directory, which only the
  instructor can read;
* the course directory, a copy of this repository's course files, in the instructor's home,
  with both assignments generated into its gradebook and the students added;
* nbgrader's exchange as its documentation asks (world-writable root, here with the sticky bit
  so nobody can delete or replace what someone else made; the course's folder owned by the
  instructor) and per-role Jupyter configuration: students get the assignment list only, the
  instructor the formgrader, the collect step of :mod:`autograder.exchange` and the late penalty
  of :mod:`autograder.late_penalty`;
* configurable-http-proxy from npm, at a pinned version, in ``.hub/`` of the repository.

It needs root (``useradd``, servers started as their users) and refuses to touch an account it
did not create. ``python -m autograder.hub --help`` lists the commands.
"""

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.assignments import REPOSITORY

PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
PROXY_DIR = REPOSITORY / ".hub"
PROXY = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_CONFIG = REPOSITORY / "hub" / "jupyterhub_config.py"
# The servers' environment gets every pinned package of requirements.txt but the test and lint tools.
NOT_ON_SERVERS = {"pytest", "hypothesis", "nbval", "playwright", "ruff"}


def env_packages():
    names = []
    for line in (REPOSITORY / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and line.split("==")[0].strip().lower() not in NOT_ON_SERVERS:
            names.append(line)
    return names
COURSE_FILES = ["nbgrader_config.py", "course.toml", "pyproject.toml", "requirements.txt", "README.md", "source",
                "release", "autograder", "utils", "tools", "datasets"]
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info", "gradebook.db")
STUDENT_DISABLED_SERVER = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
STUDENT_DISABLED_LAB = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                        "@jupyter/nbgrader:create-assignment"]
NAMES = {"ada": ("Ada", "Lovelace"), "bob": ("Bob", "Tables"), "grace": ("Grace", "Hopper")}


class HubError(RuntimeError):
    """The deployment cannot be made on this machine; the message says what is missing."""


@dataclass
class Deployment:
    root: Path
    instructor: str = "grace"
    students: list = field(default_factory=lambda: ["ada", "bob"])
    names: dict = field(default_factory=dict)          # user -> (first name, last name)
    course_id: str = "dnn-from-scratch"                # as in nbgrader_config.py
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    max_submission_mb: int = 20                        # nbgrader's CourseDirectory.max_dir_size / max_file_size
    late_share_per_day: float = 0.1
    python: str = ""                                   # a Python 3.11 every user may run; found if empty
    catvnoncat_source: str = ""
    env_path: str = ""                                 # the servers' Python environment; <root>/env if empty
    created_users: list = field(default_factory=list)

    def __post_init__(self):
        self.root = Path(self.root)

    # -- paths -----------------------------------------------------------------------------------
    @property
    def env(self):
        return Path(self.env_path) if self.env_path else self.root / "env"

    @property
    def course_lib(self):
        """On the instructor's PYTHONPATH: the course's packages, links into the course directory."""
        return self.root / "lib" / "course"

    @property
    def exchange(self):
        return self.root / "exchange"

    @property
    def hub_dir(self):
        return self.root / "hub"

    def home(self, user):
        return self.root / "home" / user

    @property
    def course(self):
        return self.home(self.instructor) / self.course_id

    def role_dir(self, user):
        return self.root / "etc" / "jupyter" / ("instructor" if user == self.instructor else "student")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def users(self):
        return [self.instructor, *self.students]

    # -- settings --------------------------------------------------------------------------------
    def save(self):
        self.hub_dir.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data.update(root=str(self.root), proxy=str(PROXY))
        (self.hub_dir / "settings.json").write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, root):
        data = json.loads((Path(root) / "hub" / "settings.json").read_text())
        data.pop("proxy", None)
        return cls(**data)

    # -- running things as a user, the way their server does -------------------------------------
    def user_env(self, user):
        entry = pwd.getpwnam(user)
        return {"HOME": entry.pw_dir, "USER": user, "LOGNAME": user, "SHELL": "/bin/bash", "LANG": "C.UTF-8",
                "PATH": f"{self.env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
                "JUPYTER_CONFIG_PATH": str(self.role_dir(user)), "NBGRADER_EXCHANGE": str(self.exchange),
                **({"PYTHONPATH": str(self.course_lib)} if user == self.instructor else {}),
                **({"CATVNONCAT_SOURCE": self.catvnoncat_source} if self.catvnoncat_source else {})}

    def uid(self, user):
        return pwd.getpwnam(user).pw_uid

    def run_as(self, user, command, cwd=None, check=True, timeout=600, input=None):
        """Run ``command`` as Unix user ``user`` with the environment their server has."""
        entry = pwd.getpwnam(user)
        result = subprocess.run(command, cwd=cwd or entry.pw_dir, env=self.user_env(user), user=entry.pw_uid,
                                group=entry.pw_gid, extra_groups=[], capture_output=True, text=True, timeout=timeout,
                                input=input)
        if check and result.returncode != 0:
            raise HubError(f"{' '.join(map(str, command))} as {user} failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")
        return result


# -- machine checks ------------------------------------------------------------------------------

def readable_by_all(path):
    """True when every folder up to ``path`` lets other users through and ``path`` lets them read it."""
    path = Path(path).resolve()
    for folder in [*reversed(path.parents), path]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH or (folder == path and not mode & stat.S_IROTH):
            return False
    return True


def find_python(wanted=""):
    """A Python 3.11 that every user can execute (the servers run as the users)."""
    candidates = [wanted] if wanted else ["/usr/bin/python3.11", "/usr/local/bin/python3.11",
                                          shutil.which("python3.11") or ""]
    for candidate in filter(None, candidates):
        path = Path(candidate)
        if not path.exists():
            continue
        version = subprocess.run([str(path), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True)
        if version.stdout.strip() == "3.11" and readable_by_all(path.resolve()):
            return str(path)
    raise HubError("no Python 3.11 with the venv module that all users can run (tried "
                   f"{', '.join(filter(None, candidates))}); install Debian's python3.11 and python3.11-venv, "
                   "or pass --python")


def machine_problems():
    """Why this machine cannot host the deployment (empty when it can)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("not running as root (needed to create accounts and start servers as their users)")
    for tool in ("useradd", "userdel", "chpasswd"):
        if not shutil.which(tool):
            problems.append(f"{tool} is not installed")
    if not PROXY.exists() and not shutil.which("npm"):
        problems.append("npm is not installed (configurable-http-proxy comes from npm)")
    if not shutil.which("node"):
        problems.append("node is not installed (configurable-http-proxy runs on Node.js)")
    try:
        find_python()
    except HubError as error:
        problems.append(str(error))
    return problems


def install_proxy(log=print):
    """configurable-http-proxy at its pinned version in .hub/ (git-ignored); its path."""
    if not PROXY.exists():
        log(f"hub: installing {PROXY_PACKAGE} from npm into {PROXY_DIR}")
        PROXY_DIR.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(PROXY_DIR), "--no-audit", "--no-fund", "--loglevel=error",
                        PROXY_PACKAGE], check=True, stdout=subprocess.DEVNULL)
    return PROXY


# -- building ------------------------------------------------------------------------------------

def create(dep, log=print):
    """Make the deployment described by ``dep``; returns {user: password} for the accounts it created."""
    problems = machine_problems()
    if problems:
        raise HubError("this machine cannot host the course's JupyterHub: " + "; ".join(problems))
    dep.python = find_python(dep.python)
    install_proxy(log)
    dep.root.mkdir(parents=True, exist_ok=True)
    os.chmod(dep.root, 0o755)
    (dep.root / "home").mkdir(exist_ok=True)
    os.chmod(dep.root / "home", 0o755)
    passwords = create_accounts(dep, log)
    dep.save()
    build_env(dep, log)
    copy_course(dep, log)
    write_role_configs(dep)
    make_exchange(dep)
    prepare_gradebook(dep, log)
    write_hub_files(dep)
    dep.save()
    return passwords


def create_accounts(dep, log):
    passwords = {}
    for user in dep.users:
        try:
            pwd.getpwnam(user)
        except KeyError:
            pass
        else:
            if user not in dep.created_users:
                raise HubError(f"a Unix account {user!r} already exists and was not made by this deployment: "
                               "choose other names")
            continue
        log(f"hub: creating the Unix account {user}")
        subprocess.run(["useradd", "--create-home", "--home-dir", str(dep.home(user)), "--shell", "/bin/bash",
                        "--user-group", user], check=True)
        dep.created_users.append(user)
        password = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{user}:{password}\n", text=True, check=True)
        passwords[user] = password
        os.chmod(dep.home(user), 0o700)
    return passwords


def build_env(dep, log):
    packages = env_packages()
    wanted = " ".join(packages) + " " + dep.python
    dep.env.parent.mkdir(parents=True, exist_ok=True)
    marker = dep.env / ".built"
    if marker.exists() and marker.read_text() == wanted:
        return
    log(f"hub: building the servers' Python environment {dep.env} (about a minute)")
    if dep.env.exists():
        shutil.rmtree(dep.env)
    subprocess.run([dep.python, "-m", "venv", str(dep.env)], check=True)
    pip = [str(dep.env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run([*pip, *packages], capture_output=True, text=True)
    if done.returncode != 0:
        raise HubError(f"pip could not build {dep.env}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    # Render every cell in JupyterLab (tests read outputs of cells off screen) and no news pop-up.
    overrides = dep.env / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps({"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
                                     "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}))
    marker.write_text(wanted)
    os.chmod(dep.env, 0o755)


def copy_course(dep, log):
    """The course directory in the instructor's home, and the course package installed from it."""
    if not dep.course.exists():
        log(f"hub: copying the course to {dep.course}")
        dep.course.mkdir(parents=True)
        for name in COURSE_FILES:
            source = REPOSITORY / name
            if source.is_dir():
                shutil.copytree(source, dep.course / name, ignore=COPY_IGNORE, symlinks=False)
            elif source.exists():
                shutil.copy2(source, dep.course / name)
    # The grader's packages, for the instructor only: links into the course directory (which only the
    # instructor can read), put on the instructor's PYTHONPATH by the spawner. The environment itself
    # holds no course code, so it can serve several courses.
    dep.course_lib.mkdir(parents=True, exist_ok=True)
    for package, folder in (("autograder", "autograder"), ("coursekit", "utils"), ("coursetools", "tools")):
        link = dep.course_lib / package
        if not link.is_symlink():
            link.symlink_to(dep.course / folder)
    for folder in (dep.root / "lib", dep.course_lib):
        os.chmod(folder, 0o755)
    chown_tree(dep.home(dep.instructor), dep.instructor)
    os.chmod(dep.course, 0o700)


def chown_tree(path, user):
    entry = pwd.getpwnam(user)
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
            os.lchown(name, entry.pw_uid, entry.pw_gid)


def write_role_configs(dep):
    kb = dep.max_submission_mb * 1000
    common = (f"c.CourseDirectory.course_id = {dep.course_id!r}\n"
              f"c.Exchange.root = {str(dep.exchange)!r}\n"
              f"# Largest submission (nbgrader refuses bigger ones at submit; the collect step refuses them too).\n"
              f"c.CourseDirectory.max_dir_size = {kb}  # kB\n"
              f"c.CourseDirectory.max_file_size = {kb}  # kB\n")
    student = dep.role_dir(dep.students[0])
    (student / "labconfig").mkdir(parents=True, exist_ok=True)
    (student / "nbgrader_config.py").write_text(
        '"""nbgrader settings of every student\'s server: the course and its exchange."""\n'
        "c = get_config()  # noqa: F821\n" + common)
    (student / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in STUDENT_DISABLED_SERVER}}}, indent=1))
    (student / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in STUDENT_DISABLED_LAB}}, indent=1))
    instructor = dep.role_dir(dep.instructor)
    instructor.mkdir(parents=True, exist_ok=True)
    (instructor / "nbgrader_config.py").write_text(
        '"""nbgrader settings of the instructor\'s server: the course directory and its own configuration,\n'
        'then what only the shared exchange needs."""\n'
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(dep.course / 'nbgrader_config.py')!r})  # noqa: F821 (the course's own settings)\n"
        f"c.CourseDirectory.root = {str(dep.course)!r}\n" + common +
        "# A submission counts only if its files belong to the student it names (autograder/exchange.py).\n"
        "c.ExchangeFactory.collect = 'autograder.exchange.AttributedCollect'\n"
        "c.AssignLatePenalties.plugin_class = 'autograder.late_penalty.ShareOfScorePerDay'\n"
        f"c.ShareOfScorePerDay.share_per_day = {dep.late_share_per_day!r}\n")
    for folder in (dep.root / "etc", dep.root / "etc" / "jupyter", student, instructor):
        os.chmod(folder, 0o755)


def make_exchange(dep):
    dep.exchange.mkdir(exist_ok=True)
    os.chmod(dep.exchange, 0o1777)  # nbgrader wants it writable by all; the sticky bit keeps others' folders
    course = dep.exchange / dep.course_id
    course.mkdir(exist_ok=True)
    os.chmod(course, 0o755)
    chown_tree(course, dep.instructor)


def prepare_gradebook(dep, log):
    if (dep.course / "gradebook.db").exists():
        return  # a deployment started before: the instructor's gradebook is theirs now
    log("hub: generating both assignments into the instructor's gradebook")
    nbgrader = str(dep.env / "bin" / "nbgrader")
    for assignment in ("dnn_step_by_step", "dnn_application"):
        dep.run_as(dep.instructor, [nbgrader, "generate_assignment", assignment, "--force"], cwd=dep.course)
    # The release just generated is what the gradebook's checksums describe; it is what gets released.
    for student in dep.students:
        first, last = dep.names.get(student) or NAMES.get(student) or (student.capitalize(), "")
        dep.run_as(dep.instructor, [nbgrader, "db", "student", "add", student, f"--first-name={first}",
                                    f"--last-name={last}"], cwd=dep.course)


def write_hub_files(dep):
    dep.hub_dir.mkdir(exist_ok=True)
    os.chmod(dep.hub_dir, 0o700)
    shutil.copy(HUB_CONFIG, dep.hub_dir / "jupyterhub_config.py")
    token = dep.hub_dir / "proxy_token"
    if not token.exists():
        token.write_text(secrets.token_hex(32))
        os.chmod(token, 0o600)


# -- running -------------------------------------------------------------------------------------

def start(dep, log_file=None):
    """Start the hub (as root); returns the process once /hub/health answers."""
    log_file = log_file or dep.hub_dir / "jupyterhub.log"
    env = {"PATH": f"{dep.env / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
    process = subprocess.Popen([str(dep.env / "bin" / "jupyterhub"), "-f", str(dep.hub_dir / "jupyterhub_config.py")],
                               cwd=dep.hub_dir, env=env, stdout=open(log_file, "a"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"JupyterHub stopped at start (exit {process.returncode}); see {log_file}")
        try:
            with urllib.request.urlopen(f"{dep.url}/hub/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(0.5)
    stop(process)
    raise HubError(f"JupyterHub did not answer on {dep.url} within 90 s; see {log_file}")


def stop(process, timeout=30):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def processes_of(users):
    uids = set()
    for user in users:
        try:
            uids.add(pwd.getpwnam(user).pw_uid)
        except KeyError:
            pass
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def pid_alive(pid, name):
    """True when process ``pid`` runs and its command line mentions ``name`` (not a recycled id)."""
    try:
        return name in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def stop_running_hub(dep, timeout=30):
    """Stop a hub of this deployment started elsewhere (``scripts/hub.sh up``), by its pid files."""
    pids = []
    for name, what in (("jupyterhub.pid", "jupyterhub"), ("jupyterhub-proxy.pid", "configurable-http-proxy")):
        try:
            pid = int((dep.hub_dir / name).read_text().strip())
        except (OSError, ValueError):
            continue
        if pid_alive(pid, what):
            pids.append((pid, what))
    for pid in [pid for pid, what in pids if what == "jupyterhub"]:
        os.kill(pid, signal.SIGTERM)  # the hub stops the users' servers and its proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(pid_alive(pid, what) for pid, what in pids):
        time.sleep(0.5)
    for pid, what in pids:
        if pid_alive(pid, what):
            os.kill(pid, signal.SIGKILL)


def remove(dep, log=print):
    """Stop the hub and what runs as the deployment's accounts, delete the accounts it created and its folder."""
    stop_running_hub(dep)
    for pid in processes_of(dep.created_users):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for user in dep.created_users:
        for _attempt in range(20):
            if subprocess.run(["userdel", user], capture_output=True).returncode in (0, 6):  # 6: no such user
                break
            time.sleep(0.25)
        log(f"hub: removed the Unix account {user}")
    dep.created_users = []
    shutil.rmtree(dep.root, ignore_errors=True)


# -- command line --------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "remove", "check"], help="up: build (if needed) and run the hub "
                        "in the foreground; remove: delete the accounts and the folder; check: what is missing")
    parser.add_argument("--root", default="/srv/dnn-course-hub", help="deployment folder (default %(default)s)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--python", default="", help="a Python 3.11 all users can run (default: found)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if args.command == "check":
        problems = machine_problems()
        print("\n".join(problems) or "hub: this machine can host the course's JupyterHub")
        return 1 if problems else 0
    if args.command == "remove":
        if (root / "hub" / "settings.json").exists():
            remove(Deployment.load(root))
        return 0
    dep = Deployment.load(root) if (root / "hub" / "settings.json").exists() else \
        Deployment(root, port=args.port, python=args.python)
    try:
        passwords = create(dep)
    except HubError as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    if passwords:
        lines = [f"{user}\t{password}" for user, password in passwords.items()]
        (dep.hub_dir / "passwords.txt").write_text("\n".join(lines) + "\n")
        os.chmod(dep.hub_dir / "passwords.txt", 0o600)
    print(f"hub: JupyterHub of course {dep.course_id} on {dep.url}\n"
          f"hub: instructor {dep.instructor}, students {', '.join(dep.students)}; passwords in "
          f"{dep.hub_dir / 'passwords.txt'}:")
    print((dep.hub_dir / "passwords.txt").read_text(), end="")
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Ctrl+C or a TERM signal stops the hub (also when started where SIGINT is ignored, as by `cmd &`).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    process = start(dep)
    print("hub: running; Ctrl+C stops it (bash scripts/hub.sh remove deletes the accounts and the folder)")
    try:
        process.wait()
    except KeyboardInterrupt:
        print("hub: stopping")
        stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
