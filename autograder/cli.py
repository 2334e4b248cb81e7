"""Command line of the course tools: ``python -m autograder <command>`` (argument parsing only).

Commands
--------
grade <assignment> [--course DIR] [--jobs N] [--scheduler tls://host:8786 [--dask-certs DIR]] [limits]
    :func:`autograder.classgrade.grade_class`: grade every submission of the assignment in a
    sandbox; write the gradebook, ``reports/<assignment>/`` and a feedback page per student.
    A ``tcp://`` scheduler is refused unless ``--dask-insecure-tcp`` is given.
dask-certs <folder> [--host H ...] [--days N]
    :func:`autograder.dask_tls.make_certificates`: a course CA and TLS certificates for the
    Dask scheduler, the workers and the grading client.
demo
    :func:`autograder.demo.run_demo`: check the course, then grade a sample class.
bundle <assignment> [--out DIR]
    :func:`autograder.bundle.build_bundle`: the zip a student receives for one assignment.
"""

import argparse
import sys

from traitlets.config import Config

from autograder.dask_tls import DEFAULT_DAYS

LIMIT_OPTIONS = (  # --option, GradingSandbox trait, type
    ("--memory-mb", "memory_mb", int), ("--cpu-seconds", "cpu_seconds", int), ("--file-mb", "file_mb", int),
    ("--exec-seconds", "exec_seconds", float), ("--call-seconds", "call_seconds", float),
    ("--answer-mb", "answer_mb", int), ("--output-chars", "output_chars", int),
    ("--submission-seconds", "submission_seconds", float), ("--processes", "processes", int),
)


def _grade(args):
    from tqdm import tqdm

    from autograder.classgrade import GradingError, grade_class

    overrides = Config()
    for _, trait, _ in LIMIT_OPTIONS:
        value = getattr(args, trait)
        if value is not None:
            setattr(overrides.GradingSandbox, trait, value)
    if args.insecure_no_sandbox:
        overrides.GradingSandbox.allow_unsandboxed = True
    if args.db:
        overrides.CourseDirectory.db_url = args.db
    with tqdm(unit="notebook", disable=args.quiet) as bar:
        def announce(text):
            print(text, flush=True)
        try:
            outcome = grade_class(args.assignment, args.course, jobs=args.jobs, scheduler=args.scheduler,
                                  students=args.student, overrides=overrides, progress=bar.update,
                                  announce=announce, dask_certs=args.dask_certs,
                                  insecure_tcp=args.dask_insecure_tcp)
        except GradingError as error:
            print(f"grade: {error}", file=sys.stderr)
            return 1
    print(outcome.summary() + f" Wrote the gradebook, {outcome.reports}/ and the feedback pages.")
    if outcome.grader_faults:  # the grader's own fault, not the students': say so in the exit status
        print(f"grade: the grader failed on {', '.join(outcome.grader_faults)}; re-grade them with --student",
              file=sys.stderr)
        return 2
    return 0


def _demo(args):
    from autograder.demo import run_demo

    return 1 if run_demo() else 0


def _dask_certs(args):
    from autograder.dask_tls import SecurityError, make_certificates

    try:
        written = make_certificates(args.folder, hosts=args.host or (), days=args.days)
    except SecurityError as error:
        print(f"dask-certs: {error}", file=sys.stderr)
        return 1
    print(f"wrote {', '.join(path.name for path in written)} into {args.folder} (mode 0600; the CA's key was not "
          "kept).\nScheduler: ca.pem, scheduler.pem, scheduler-key.pem. Each worker: ca.pem, worker.pem, "
          "worker-key.pem. Course machine only: client.pem, client-key.pem.")
    return 0


def _bundle(args):
    from autograder.bundle import BundleError, build_bundle

    try:
        path = build_bundle(args.assignment, args.out)
    except BundleError as error:
        print(f"bundle: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def parser():
    top = argparse.ArgumentParser(prog="python -m autograder", description="Course and grading tools.")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="check the course and grade a sample class").set_defaults(run=_demo)
    grading = commands.add_parser("grade", help="grade every submission of an assignment")
    grading.add_argument("assignment")
    grading.add_argument("--course", help="course directory holding nbgrader_config.py (default: the current one)")
    grading.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    grading.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grading.add_argument("--db", help="gradebook URL (default: CourseDirectory.db_url of the configuration)")
    grading.add_argument("--scheduler", "--dask",
                         help="address of a Dask distributed scheduler started with the course's certificates, "
                              "e.g. tls://10.0.0.5:8786")
    grading.add_argument("--dask-certs", metavar="DIR",
                         help="folder of `python -m autograder dask-certs` holding ca.pem, client.pem and "
                              "client-key.pem (default: dask-certs/ in the course directory)")
    grading.add_argument("--dask-insecure-tcp", action="store_true",
                         help="accept a plain tcp:// scheduler: NO authentication or encryption, anyone who can reach "
                              "it can change grades (only on a network you fully trust)")
    grading.add_argument("--insecure-no-sandbox", action="store_true",
                         help="grade even without bubblewrap: submissions' code can then read everything the grader "
                              "can (solutions, other students' work); only for trusted submissions")
    grading.add_argument("--quiet", action="store_true", help="no progress bar")
    for option, trait, kind in LIMIT_OPTIONS:
        grading.add_argument(option, dest=trait, type=kind,
                             help=f"sandbox limit (default: GradingSandbox.{trait} of the configuration)")
    grading.set_defaults(run=_grade)
    bundling = commands.add_parser("bundle", help="build the zip a student receives for one assignment")
    bundling.add_argument("assignment")
    bundling.add_argument("--out", default="artifacts/bundles", help="folder for the zip (default artifacts/bundles)")
    bundling.set_defaults(run=_bundle)
    certs = commands.add_parser("dask-certs", help="make the course CA and TLS certificates of a Dask cluster")
    certs.add_argument("folder", help="new folder for the files (e.g. dask-certs in the course directory)")
    certs.add_argument("--host", action="append", help="address or name of a cluster machine, recorded in the "
                                                        "certificates (repeatable; Dask does not check it)")
    certs.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"validity in days (default {DEFAULT_DAYS})")
    certs.set_defaults(run=_dask_certs)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return args.run(args)
