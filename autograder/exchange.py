"""A collect step for nbgrader's shared exchange that trusts only what the file system proves.

Why this exists: on a JupyterHub every student writes into the same ``inbound`` folder of the
exchange, and nbgrader's stock ``ExchangeCollect`` believes the name of each submission
(``<student>+<assignment>+<timestamp>+<random>``). ``nbgrader submit --student=ada``, run by
another student, therefore wrote a newer "ada" submission, and ``collect --update`` replaced
ada's honest work with it (stock nbgrader only logs a warning). The same folder also lets a
student plant what stock collect copies blindly: a symbolic link to the instructor's files
(collect runs as the instructor and follows it), a folder far larger than the course allows
(stock collect then stops for the whole class), an unparsable name (ditto), or a submission cut
short when the student's server died mid-copy.

:class:`AttributedCollect` is configured in the instructor's nbgrader configuration::

    c.ExchangeFactory.collect = "autograder.exchange.AttributedCollect"

and then, for ``nbgrader collect`` and the formgrader's Collect button alike:

* a submission is taken only if every file and folder in it is owned by the Unix user whose
  name is the student id the submission claims (on JupyterHub with a spawner that runs each
  server as its user, nobody else can create files owned by that user); others are refused
  with a message naming the claimed and the real author, and the student's own latest
  submission is collected instead;
* symbolic links, unparsable names, incomplete submissions (no ``timestamp.txt`` or
  ``submission_secret.txt``: the copy never finished) and submissions over
  ``CourseDirectory.max_dir_size`` / ``max_file_size`` are refused one by one with a clear
  message; the rest of the class is collected;
* a timestamp more than ``clock_tolerance_seconds`` earlier than the time the file system
  recorded for the submission (its ``timestamp.txt``'s inode change time, which a user cannot
  set back) is replaced by that recorded time, so a forged timestamp cannot dodge a late penalty;
* an updated submission replaces the collected one only once it is completely copied (copy
  beside it, then rename), so a failed copy never loses what was collected before.

Refused submissions stay in ``inbound`` as evidence; every collect reports them again.
"""

import datetime
import os
import pwd
import shutil
import stat
import uuid

from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import parse_utc
from traitlets import Bool, Enum, Float

REQUIRED_FILES = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader submit after its copy


class RefusedSubmission(Exception):
    """One inbound submission that must not be collected; the message says why."""


def owner_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid} (no such user)"


class AttributedCollect(ExchangeCollect):
    """nbgrader's collect, refusing submissions the file system does not attribute to their student."""

    attribution = Enum(("refuse", "warn", "off"), default_value="refuse", help=(
        "What to do with a submission whose files are not all owned by the Unix user named by its "
        "student id: 'refuse' it (collect the student's own latest submission instead), only 'warn' "
        "(stock nbgrader's behaviour, for exchanges where one account submits for everyone), or 'off'.")
    ).tag(config=True)

    check_timestamps = Bool(True, help=(
        "Compare each submission's own timestamp with the time the file system recorded for it. Turn off "
        "after restoring the exchange from a copy that did not keep inode change times.")).tag(config=True)

    clock_tolerance_seconds = Float(300.0, help=(
        "How much earlier than the file system's record a submission's own timestamp may be before it "
        "is replaced by that record (clocks of the machines may differ slightly).")).tag(config=True)

    # -- reading inbound -------------------------------------------------------------------------

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not os.access(self.inbound_path, os.R_OK | os.X_OK):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        assignment = self.coursedir.assignment_id
        self.refused = []
        records = []
        for name in sorted(os.listdir(self.inbound_path)):
            parts = name.rsplit("+", 3)
            if len(parts) < 3 or parts[1] != assignment or (student_id != "*" and parts[0] != student_id):
                if len(parts) < 3 and assignment in name.split("+")[1:]:
                    self._refuse(name, "its name is not <student>+<assignment>+<timestamp>[+<random>]")
                continue
            try:
                records.append(self._check(name, parts))
            except RefusedSubmission as why:
                self._refuse(name, str(why))
        self.duedate = self._duedate()
        self.src_records = []
        for group in groupby(records, lambda item: item["username"]).values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time or ordered
            self.src_records.append(ordered[0])

    def _duedate(self):
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                return gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                return None

    def _refuse(self, name, why):
        self.refused.append((name, why))
        self.log.error("Refused submission %s: %s. It stays in %s; nothing of it was collected.",
                       name, why, self.inbound_path)

    def _check(self, name, parts):
        """The record of a submission that may be collected, or :class:`RefusedSubmission`."""
        student, path = parts[0], os.path.join(self.inbound_path, name)
        try:
            claimed = parse_utc(parts[2])
        except (ValueError, OverflowError, TypeError):
            raise RefusedSubmission(f"its timestamp {parts[2]!r} cannot be read") from None
        top = os.lstat(path)
        if not stat.S_ISDIR(top.st_mode):
            raise RefusedSubmission("it is not a folder (a symbolic link or a file was put in inbound)")
        authors, total = {top.st_uid}, 0
        largest = (0, "")
        for folder, dirs, files in os.walk(path):
            for entry in dirs + files:
                full = os.path.join(folder, entry)
                info = os.lstat(full)
                authors.add(info.st_uid)
                if stat.S_ISLNK(info.st_mode):
                    raise RefusedSubmission(f"{os.path.relpath(full, path)} is a symbolic link (to "
                                            f"{os.readlink(full)}); submissions must hold plain files")
                if stat.S_ISREG(info.st_mode):
                    total += info.st_size
                    largest = max(largest, (info.st_size, os.path.relpath(full, path)))
                elif not stat.S_ISDIR(info.st_mode):
                    raise RefusedSubmission(f"{os.path.relpath(full, path)} is not a plain file")
        if self.attribution != "off":
            strangers = sorted({owner_name(uid) for uid in authors} - {student})
            if strangers:
                message = (f"it claims to be by student '{student}' but its files were written by "
                           f"{', '.join(repr(s) for s in strangers)}; on this exchange a submission is "
                           f"attributed to the user who wrote it (nbgrader submit --student=... cannot "
                           f"submit for someone else)")
                if self.attribution == "refuse":
                    raise RefusedSubmission(message)
                self.log.warning("Submission %s: %s", name, message)
        missing = [f for f in REQUIRED_FILES if not os.path.isfile(os.path.join(path, f))]
        if missing:
            raise RefusedSubmission(f"it is incomplete (no {' or '.join(missing)}: the submission was "
                                    f"interrupted before nbgrader finished copying it)")
        max_dir, max_file = 1000 * self.coursedir.max_dir_size, 1000 * self.coursedir.max_file_size
        if total > max_dir:
            raise RefusedSubmission(f"it holds {total / 1e6:.1f} MB, more than the course's limit of "
                                    f"{max_dir / 1e6:.1f} MB (CourseDirectory.max_dir_size)")
        if max_file and largest[0] > max_file:
            raise RefusedSubmission(f"its file {largest[1]} has {largest[0] / 1e6:.1f} MB, more than the course's "
                                    f"limit of {max_file / 1e6:.1f} MB per file (CourseDirectory.max_file_size)")
        recorded = datetime.datetime.fromtimestamp(os.lstat(os.path.join(path, "timestamp.txt")).st_ctime,
                                                   datetime.UTC).replace(tzinfo=None)
        timestamp, corrected = claimed, None
        if self.check_timestamps and (recorded - claimed).total_seconds() > self.clock_tolerance_seconds:
            timestamp = corrected = recorded
            self.log.warning("Submission %s claims the time %s but was written at %s UTC: it is collected as "
                             "submitted at the time the file system recorded.", name, claimed, recorded)
        return {"username": student, "filename": name, "timestamp": timestamp, "corrected": corrected}

    # -- copying to submitted/ -------------------------------------------------------------------

    def copy_files(self):
        assignment, course = self.coursedir.assignment_id, self.coursedir.course_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", assignment, course)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'", len(self.src_records), assignment,
                          course)
        for record in self.src_records:
            try:
                self._collect_one(record)
            except Exception as error:  # one student's submission never stops the class's collect
                self._refuse(record["filename"], f"copying it failed ({type(error).__name__}: {error})")
        if self.refused:
            self.log.error("%d submission(s) of '%s' refused (see above); every other submission was collected.",
                           len(self.refused), assignment)

    def _collect_one(self, record):
        student, assignment = record["username"], self.coursedir.assignment_id
        source = os.path.join(self.inbound_path, record["filename"])
        dest = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.isdir(dest):
            existing = self.coursedir.get_existing_timestamp(dest)
            newer = existing is None or record["timestamp"] > existing
            differs = self.before_duedate and existing != record["timestamp"]
            if not ((self.update and newer) or differs):
                if self.update:
                    self.log.info("No newer submission to collect: %s %s", student, assignment)
                else:
                    self.log.info("Submission already exists, use --update to update: %s %s", student, assignment)
                return
            self.log.info("Updating submission: %s %s", student, assignment)
        else:
            self.log.info("Collecting submission: %s %s", student, assignment)
        staging = f"{dest}.collecting-{uuid.uuid4().hex[:8]}"
        try:
            self.do_copy(source, staging)
            if record["corrected"] is not None:
                with open(os.path.join(staging, "timestamp.txt"), "w") as handle:
                    handle.write(record["corrected"].strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
            if os.path.isdir(dest):
                old = f"{dest}.replaced-{uuid.uuid4().hex[:8]}"
                os.rename(dest, old)
                os.rename(staging, dest)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(staging, dest)
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging, ignore_errors=True)
