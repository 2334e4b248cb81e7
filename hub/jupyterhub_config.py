"""JupyterHub configuration of the course: one server per student, run as that student's Unix user.

Why this file exists: it is the deployment nbgrader's "Using nbgrader with JupyterHub" guide
describes, written out for this course, and the one ``bash scripts/hub.sh`` (local trial) and
``tests/test_hub.py`` run. ``python -m autograder.hub`` prepares the machine (accounts, folders,
the Python environment, the role configurations below) and writes ``settings.json`` next to this
file; everything an institution changes is in the marked sections here.

Layout (under the deployment folder, ``/srv/dnn-course-hub`` for the trial):

    env/                        the Python environment of every user's server (world-readable), the
                                packages of requirements.txt at their pinned versions, no course code
    lib/course/                 links to the grader's packages in the course directory, on the
                                instructor's PYTHONPATH (students cannot follow them)
    home/<user>/                home folders, mode 700
    home/<instructor>/<course>/ the course directory (source/, release/, gradebook.db, ...), owned by
                                the instructor
    exchange/                   nbgrader's exchange, mode 1777 (anyone may create, nobody may delete
                                what others made); exchange/<course>/ belongs to the instructor, whose
                                release makes inbound/ mode 2733 (students write, cannot list)
    etc/jupyter/<role>/         per-role Jupyter configuration (JUPYTER_CONFIG_PATH): nbgrader_config.py
                                and which nbgrader extensions are on (students: no formgrader, no course
                                list, no create-assignment toolbar)
    hub/                        this file, settings.json, the hub's database and secrets (mode 700)
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
SETTINGS = json.loads((HERE / "settings.json").read_text())
ROOT = Path(SETTINGS["root"])
ENV = Path(SETTINGS.get("env_path") or ROOT / "env")

# --- Network -----------------------------------------------------------------------------------
# The trial listens on this machine only. In production put the hub behind HTTPS
# (c.JupyterHub.ssl_cert / ssl_key, or a reverse proxy) and bind to the public address.
c.JupyterHub.bind_url = f"http://127.0.0.1:{SETTINGS['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{SETTINGS['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy"]]  # configurable-http-proxy, from npm
c.ConfigurableHTTPProxy.auth_token = (HERE / "proxy_token").read_text().strip()
c.JupyterHub.cookie_secret_file = str(HERE / "jupyterhub_cookie_secret")
c.JupyterHub.db_url = f"sqlite:///{HERE / 'jupyterhub.sqlite'}"
c.JupyterHub.pid_file = str(HERE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

# --- Who may log in (the authenticator) ----------------------------------------------------------
# Unix accounts and passwords through PAM, as on a departmental server. An institution swaps in
# its single sign-on here (oauthenticator's GenericOAuthenticator, ltiauthenticator for an LMS
# launch, ldapauthenticator), keeping the rule that a hub user name is the Unix user name and the
# nbgrader student id.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set([SETTINGS["instructor"], *SETTINGS["students"]])
# Nobody is a hub admin: an admin could open any student's server. The instructor grades through
# the formgrader of their own server, which reads students' work only from the exchange.
c.Authenticator.admin_users = set()

# --- How servers run (the spawner) ---------------------------------------------------------------
# LocalProcessSpawner with the hub running as root starts each server as the user's own Unix
# account, in their home folder: file permissions decide who reads what, and nbgrader's exchange
# attributes a submission to the account that wrote it. On a cluster use SystemdSpawner or
# DockerSpawner/KubeSpawner with the same user names, home folders and a shared exchange mount.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 90
c.Spawner.start_timeout = 120


def role_config(spawner):
    """The instructor's and the students' Jupyter configuration folders (see the layout above)."""
    role = "instructor" if spawner.user.name == SETTINGS["instructor"] else "student"
    return str(ROOT / "etc" / "jupyter" / role)


def python_path(spawner):
    """The grader's packages (links into the course directory) for the instructor; nothing for students."""
    return str(ROOT / "lib" / "course") if spawner.user.name == SETTINGS["instructor"] else ""


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": role_config,
    "PYTHONPATH": python_path,
    # nbgrader's exchange (the course's nbgrader_config.py reads it) and nbgrader's helpers on PATH.
    "NBGRADER_EXCHANGE": str(ROOT / "exchange"),
    "PATH": f"{ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "CATVNONCAT_SOURCE": SETTINGS.get("catvnoncat_source", ""),
}
if not c.Spawner.environment["CATVNONCAT_SOURCE"]:
    del c.Spawner.environment["CATVNONCAT_SOURCE"]

# Idle servers are not culled in the trial; in production add the jupyterhub-idle-culler service.
os.umask(0o022)
