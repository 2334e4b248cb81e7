"""One course configuration for both graders, read from the course's ``nbgrader_config.py``.

``nbgrader autograde`` (and the formgrader) and ``python -m autograder grade`` must agree on
where the course lives and how student code is limited, so neither keeps its own copy:

* the layout (course root, ``source``/``submitted``/``autograded``/``feedback`` folders,
  ``directory_structure``, database URL, ignore list) is nbgrader's own
  :class:`nbgrader.coursedir.CourseDirectory`, configured as nbgrader documents it;
* the sandbox limits are the traits of :class:`GradingSandbox`, set in the same file
  (``c.GradingSandbox.memory_mb = 2048``) or on the command line
  (``--GradingSandbox.memory_mb=2048``, or ``--memory-mb 2048`` for ``python -m autograder``).
"""

import glob
import os
import re
from pathlib import Path

from jupyter_core.paths import jupyter_config_path
from nbgrader.coursedir import CourseDirectory
from traitlets import Bool, Float, Integer
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

from autograder.sandbox import Limits

CONFIG_FILE = "nbgrader_config.py"


class GradingSandbox(Configurable):
    """Limits of the process that runs one submission's code (both graders)."""

    memory_mb = Integer(Limits.memory_mb, help="Address-space limit of the sandboxed process, in MB.").tag(
        config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU time of one submission, all its requests together.").tag(
        config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file the submission's code may write, in MB.").tag(config=True)
    exec_seconds = Float(Limits.exec_seconds, help="Wall time allowed to run one cell of definitions.").tag(
        config=True)
    call_seconds = Float(Limits.call_seconds, help="Wall time allowed for one call of a graded function.").tag(
        config=True)
    answer_mb = Integer(Limits.answer_mb, help="Largest answer read back from the sandbox, in MB.").tag(config=True)
    submission_seconds = Float(Limits.submission_seconds, help="Wall time of one submission, all together.").tag(
        config=True)
    output_chars = Integer(Limits.output_chars, help="Characters of printed output kept per request.").tag(
        config=True)
    processes = Integer(Limits.processes, help="Processes and threads of one sandbox together (control group).").tag(
        config=True)
    allow_unsandboxed = Bool(False, help="Grade even when bubblewrap cannot isolate submissions (their code then "
                                         "reads what the grader can read). Only for trusted submissions.").tag(
        config=True)

    def limits(self):
        """The traits as the :class:`autograder.sandbox.Limits` the sandbox takes."""
        return Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, file_mb=self.file_mb,
                      exec_seconds=self.exec_seconds, call_seconds=self.call_seconds, answer_mb=self.answer_mb,
                      output_chars=self.output_chars, submission_seconds=self.submission_seconds,
                      processes=self.processes)


def load_config(course=None, overrides=None):
    """The traitlets config of a course: the ``nbgrader_config.py`` files nbgrader reads, then ``overrides``.

    ``course`` defaults to the current directory, as for nbgrader's own commands. When it is
    given, it is also the course root, whatever the file says (as ``--CourseDirectory.root``).
    """
    folder = Path(course or os.getcwd()).resolve()
    config = Config()
    # As nbgrader's apps: the Jupyter config folders (``~/.jupyter``, ``<prefix>/etc/jupyter``,
    # ``/etc/jupyter``, ...), least specific first, then the course's own file, which wins.
    for directory in [*reversed(jupyter_config_path()), str(folder)]:
        if (Path(directory) / CONFIG_FILE).is_file():
            config.merge(PyFileConfigLoader(CONFIG_FILE, path=directory).load_config())
    if course is not None or "root" not in config.get("CourseDirectory", {}):
        config.CourseDirectory.root = str(folder)
    if overrides:
        config.merge(overrides)
    return config


def course_directory(config):
    return CourseDirectory(config=config)


def sandbox_limits(config):
    return GradingSandbox(config=config).limits()


def submissions(coursedir, assignment):
    """``(student, notebook path)`` of every submission of ``assignment``, by nbgrader's layout.

    The students are found as nbgrader finds them: by matching the submitted directory's
    ``directory_structure`` with ``student_id = *``.
    """
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment.id)
    regexp = re.escape(coursedir.format_path(coursedir.submitted_directory, "\0", assignment.id))
    regexp = "^" + regexp.replace(re.escape("\0"), "(?P<student>[^/]+)") + "$"
    found = []
    for folder in sorted(glob.glob(pattern)):
        match = re.match(regexp, folder)
        if match and os.path.isdir(folder):
            found.append((match.group("student"), Path(folder) / assignment.notebook))
    return found
