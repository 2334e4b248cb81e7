"""Issue 11's attack on a shared exchange, and the other things a student can plant in ``inbound``.

A student runs ``nbgrader submit --student=<someone else>``: the exchange then holds a newer
submission in the victim's name, written by the attacker's account. Stock nbgrader's collect
(``--update``, as the formgrader's Collect button does) replaces the victim's honest work with it;
:class:`autograder.exchange.AttributedCollect` refuses it because its files belong to the attacker.

The submissions are laid out exactly as ``nbgrader submit`` writes them, and given their authors
with ``chown`` (root only: a test that cannot chown is skipped), for two throw-away Unix accounts.
``tests/test_hub.py`` makes the same attack for real, with the attacker's own server and account.
"""

import datetime
import logging
import os
import pwd
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets.config import Config

from autograder.exchange import AttributedCollect

if os.geteuid() != 0 or not shutil.which("useradd"):
    pytest.skip("needs root and useradd (submissions are given to two throw-away accounts with chown)",
                allow_module_level=True)

COURSE, ASSIGNMENT = "course101", "ps1"


@pytest.fixture(scope="module")
def accounts():
    tag = secrets.token_hex(3)
    names = [f"x{tag}ada", f"x{tag}mal"]
    for name in names:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    yield names
    for name in names:
        subprocess.run(["userdel", name], check=False)


@pytest.fixture
def course(tmp_path):
    exchange = tmp_path / "exchange"
    inbound = exchange / COURSE / "inbound"
    inbound.mkdir(parents=True)
    (tmp_path / "course").mkdir()
    return tmp_path


def stamp(seconds_ago):
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds_ago)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def submit(root, student, author, text, seconds_ago=0, complete=True, extra=None):
    """A submission as nbgrader submit leaves it, its files owned by ``author``."""
    timestamp = stamp(seconds_ago)
    folder = root / "exchange" / COURSE / "inbound" / f"{student}+{ASSIGNMENT}+{timestamp}+{secrets.token_hex(4)}"
    folder.mkdir()
    (folder / "ps1.ipynb").write_text(text)
    if complete:
        (folder / "timestamp.txt").write_text(timestamp)
        (folder / "submission_secret.txt").write_text(secrets.token_hex(16))
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    entry = pwd.getpwnam(author)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(folder, 0o777)
    return folder


def collect(root, cls=AttributedCollect, **traits):
    config = Config()
    config.CourseDirectory.root = str(root / "course")
    config.CourseDirectory.course_id = COURSE
    config.CourseDirectory.assignment_id = ASSIGNMENT
    config.CourseDirectory.max_dir_size = 100  # kB
    config.CourseDirectory.max_file_size = 100
    config.Exchange.root = str(root / "exchange")
    coursedir = CourseDirectory(config=config)
    app = cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    app.update = True
    for name, value in traits.items():
        setattr(app, name, value)
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(f"[{record.levelname}] {record.getMessage()}")
    level = app.log.level
    app.log.addHandler(handler)
    app.log.setLevel(logging.INFO)
    try:
        app.start()
    finally:
        app.log.removeHandler(handler)
        app.log.setLevel(level)
    return "\n".join(records)


def collected(root, student):
    path = root / "course" / "submitted" / student / ASSIGNMENT / "ps1.ipynb"
    return path.read_text() if path.exists() else None


def test_stock_collect_lets_another_student_replace_a_submission(course, accounts):
    ada, mallory = accounts
    submit(course, ada, ada, "ada's honest work", seconds_ago=30)
    submit(course, ada, mallory, "mallory's forgery", seconds_ago=1)
    log = collect(course, ExchangeCollect)
    assert collected(course, ada) == "mallory's forgery"  # the bug of issue 11: only a warning
    assert "cheating attempt?" in log


def test_a_submission_in_someone_elses_name_is_refused_and_the_own_one_collected(course, accounts):
    ada, mallory = accounts
    submit(course, ada, ada, "ada's honest work", seconds_ago=30)
    forged = submit(course, ada, mallory, "mallory's forgery", seconds_ago=1)
    log = collect(course)
    assert collected(course, ada) == "ada's honest work"
    assert f"Refused submission {forged.name}: it claims to be by student '{ada}' but its files were written " \
           f"by '{mallory}'" in log, log
    assert forged.exists(), "the refused submission stays in inbound as evidence"
    # A file slipped into the victim's (world-writable) submission folder is caught as well.
    honest = next(p for p in forged.parent.iterdir() if p != forged)
    (honest / "extra.py").write_text("planted")
    os.lchown(honest / "extra.py", pwd.getpwnam(mallory).pw_uid, -1)
    shutil.rmtree(course / "course" / "submitted")
    log = collect(course)
    assert collected(course, ada) is None and "written by" in log


def test_warn_mode_keeps_stock_behaviour(course, accounts):
    ada, mallory = accounts
    submit(course, ada, mallory, "mallory's forgery")
    log = collect(course, attribution="warn")
    assert collected(course, ada) == "mallory's forgery" and "[WARNING]" in log


def test_planted_and_broken_submissions_are_refused_one_by_one(course, accounts):
    ada, mallory = accounts
    good = submit(course, mallory, mallory, "mallory's own work", seconds_ago=20)
    newer_link = submit(course, mallory, mallory, "x", seconds_ago=10)
    (newer_link / "answers.ipynb").symlink_to("/etc/shadow")
    cut_short = submit(course, mallory, mallory, "half", seconds_ago=5, complete=False)
    too_big = submit(course, mallory, mallory, "big", seconds_ago=2, extra={"data.bin": b"0" * 200_000})
    bad_name = course / "exchange" / COURSE / "inbound" / f"{ada}+{ASSIGNMENT}"
    bad_name.mkdir()
    log = collect(course)
    assert collected(course, mallory) == "mallory's own work", log
    assert f"Refused submission {newer_link.name}: answers.ipynb is a symbolic link" in log
    assert f"Refused submission {cut_short.name}: it is incomplete" in log
    assert f"Refused submission {too_big.name}: it holds 0.2 MB, more than the course's limit of 0.1 MB" in log
    assert f"Refused submission {bad_name.name}: its name is not" in log
    assert "4 submission(s) of 'ps1' refused" in log
    assert good.exists()


def test_collecting_twice_changes_nothing_and_a_forged_early_timestamp_is_corrected(course, accounts):
    ada, _ = accounts
    folder = submit(course, ada, ada, "ada's work")
    claimed = "2020-01-01 00:00:00.000000 UTC"  # a student who wants to look early
    os.rename(folder, folder.with_name(f"{ada}+{ASSIGNMENT}+{claimed}+abc"))
    log = collect(course)
    assert "claims the time 2020-01-01 00:00:00 but was written at" in log
    kept = (course / "course" / "submitted" / ada / ASSIGNMENT / "timestamp.txt").read_text()
    assert not kept.startswith("2020"), kept
    before = sorted((p, p.stat().st_mtime_ns) for p in (course / "course" / "submitted").rglob("*"))
    log = collect(course)
    assert f"No newer submission to collect: {ada} {ASSIGNMENT}" in log
    assert sorted((p, p.stat().st_mtime_ns) for p in (course / "course" / "submitted").rglob("*")) == before


def test_a_failed_update_keeps_the_collected_submission(course, accounts, monkeypatch):
    ada, _ = accounts
    submit(course, ada, ada, "first", seconds_ago=10)
    collect(course)
    submit(course, ada, ada, "second", seconds_ago=1)

    def broken_copy(self, src, dest, log=None):
        Path(dest).mkdir()
        raise OSError("disk full")

    monkeypatch.setattr(AttributedCollect, "do_copy", broken_copy)
    log = collect(course)
    assert collected(course, ada) == "first", "nothing lost"
    assert "copying it failed (OSError: disk full)" in log
    assert [p.name for p in (course / "course" / "submitted" / ada).iterdir()] == [ASSIGNMENT]
