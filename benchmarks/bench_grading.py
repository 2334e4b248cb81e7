"""Benchmark: how fast a class is graded, against stock nbgrader, with every figure in one run.

Graders, on the same synthetic class (:func:`autograder.sample_class.make_class`: correct
notebooks, known mistakes, blank releases, a syntax error, malformed JSON):

* ``kernel``: stock ``nbgrader autograde`` with nbgrader's own preprocessors, each notebook run
  in a Jupyter kernel. The baseline: what instructors get from nbgrader alone. The switch is
  the block :data:`KERNEL_PREPROCESSORS` appended to the course's ``nbgrader_config.py``;
* ``nbgrader``: ``nbgrader autograde`` as the course configures it, through the sandboxed core
  (what the formgrader's Autograde button does);
* ``ours``: ``python -m autograder grade --jobs N``.

Sections printed:

1. the three graders on ``--students`` students of each assignment, seconds per notebook and
   ratios against the kernel baseline; scores of ``nbgrader`` and ``ours`` compared;
2. where ``ours`` spends its time per notebook (from the results' ``timings``): reading the
   notebook, getting a sandbox, setup cells (0 when the warm template ran them), the student's
   definitions, calls into the sandbox (time; function calls, requests, i.e. round trips, since
   the calls of one test share a request, and answer-key callbacks), judging in the grader,
   writing records; and the fixed cost of a run;
3. scaling: ``ours`` per notebook for classes of 50 and 200 students (and 500 with ``--with-500``),
   both assignments, ``--jobs 1`` and ``--jobs 2``;
4. contention: the kernel baseline and ``ours`` again while one CPU-bound process competes;
5. Dask: ``ours`` on a local cluster of 2 worker processes (TLS, the course's certificates)
   against 2 local processes, on the same class.

The goals of the grading-speed issue are checked at the end (figures, not a test).

Usage: ``python benchmarks/bench_grading.py [--students 50] [--jobs 2] [--with-500]``
"""

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Competitor

from autograder.sample_class import NOTEBOOKS, make_class

ROOT = Path(__file__).resolve().parent.parent
KERNEL_PREPROCESSORS = """
# nbgrader's own defaults: every notebook runs in a Jupyter kernel (the benchmark's baseline).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec", "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata"]
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata"]
"""
PHASES = ("read", "sandbox", "setup", "definitions", "call_seconds", "judging", "records")
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def assignments():
    return [a for a in NOTEBOOKS if (ROOT / "source" / a / NOTEBOOKS[a]).is_file()]


def run(command, course, may_fail=False):
    """Wall time of a command. Stock ``nbgrader autograde`` exits 1 when some submission could
    not be processed (it still grades the others), so the benchmark allows that for it."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=course, env=ENV, capture_output=True, text=True)
    if result.returncode and not may_fail:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return time.perf_counter() - started


def make_course(folder, assignment, students, seed, kernel=False):
    """A scratch course with ``assignment`` released and a class of ``students`` submitted."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    if kernel:
        with open(folder / "nbgrader_config.py", "a") as config:
            config.write(KERNEL_PREPROCESSORS)
    shutil.copytree(ROOT / "source" / assignment, folder / "source" / assignment)
    run([BIN / "nbgrader", "generate_assignment", assignment, "--force", f"--db={db_url(folder)}"], folder)
    kinds = make_class(folder, assignment, students, random.Random(seed))
    return folder, kinds


def db_url(course):
    return f"sqlite:///{course / 'gradebook.db'}"


def stock_autograde(course, assignment):
    return run([BIN / "nbgrader", "autograde", assignment, "--force", f"--db={db_url(course)}"], course, may_fail=True)


def ours(course, assignment, jobs, extra=()):
    return run([sys.executable, "-m", "autograder", "grade", assignment, f"--jobs={jobs}", "--quiet",
                f"--db={db_url(course)}", *extra], course)


def scores(course, assignment, students):
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course)) as gradebook:
        return {s: gradebook.find_submission_notebook(NOTEBOOKS[assignment][:-6], assignment, s).score
                for s in students}


def timings(course, assignment):
    """Per-notebook phase times recorded by ``ours`` in reports/<assignment>/results/."""
    found = []
    for path in sorted((course / "reports" / assignment / "results").glob("*.json")):
        found.append(json.loads(path.read_text()))
    return found


def section(title):
    print(f"\n== {title}")


def three_graders(base, students, jobs, seed):
    section(f"1. Three graders, {students} students per assignment, ours with --jobs {jobs}")
    print(f"{'assignment':<20}{'notebooks':>10}{'kernel s/nb':>13}{'nbgrader s/nb':>15}{'ours s/nb':>11}"
          f"{'nbgrader x':>12}{'ours x':>9}")
    totals, notebooks, courses = {"kernel": 0.0, "nbgrader": 0.0, "ours": 0.0}, 0, {}
    for index, assignment in enumerate(assignments()):
        times = {}
        for grader in totals:
            course, kinds = make_course(base / grader / assignment, assignment, students, seed + index,
                                        kernel=grader == "kernel")
            courses[grader, assignment] = course
        times["kernel"] = stock_autograde(courses["kernel", assignment], assignment)
        times["nbgrader"] = stock_autograde(courses["nbgrader", assignment], assignment)
        times["ours"] = ours(courses["ours", assignment], assignment, jobs)
        n = len(kinds)
        notebooks += n
        for grader in totals:
            totals[grader] += times[grader]
        print(f"{assignment:<20}{n:>10}{times['kernel'] / n:>13.3f}{times['nbgrader'] / n:>15.3f}"
              f"{times['ours'] / n:>11.3f}{times['kernel'] / times['nbgrader']:>11.1f}x"
              f"{times['kernel'] / times['ours']:>8.1f}x")
        listed = sorted(kinds)
        through_core = scores(courses["nbgrader", assignment], assignment, listed)
        mine = scores(courses["ours", assignment], assignment, listed)
        disagree = sorted(s for s in listed if abs((through_core[s] or 0) - (mine[s] or 0)) > 1e-9)
        print(f"{'':<20}nbgrader (through the core) and ours agree on {n - len(disagree)} of {n} submissions"
              + (f"; they differ on {disagree}" if disagree else ""))
    per = {grader: total / notebooks for grader, total in totals.items()}
    print(f"{'all':<20}{notebooks:>10}{per['kernel']:>13.3f}{per['nbgrader']:>15.3f}{per['ours']:>11.3f}"
          f"{per['kernel'] / per['nbgrader']:>11.1f}x{per['kernel'] / per['ours']:>8.1f}x")
    return per, courses


def breakdown(courses, jobs, wall_per_notebook):
    section("2. Where ours spends its time, per notebook (seconds inside a grading worker)")
    print(f"{'assignment':<20}" + "".join(f"{phase.replace('_seconds', ''):>12}" for phase in PHASES)
          + f"{'calls':>8}{'requests':>10}{'callbacks':>10}{'total':>9}")
    for assignment in assignments():
        found = [r for r in timings(courses["ours", assignment], assignment) if r.get("timings")]
        if not found:
            continue
        mean = {key: sum(r["timings"].get(key, 0.0) for r in found) / len(found)
                for key in (*PHASES, "calls", "requests", "callbacks")}
        total = sum(r["seconds"] for r in found) / len(found)
        print(f"{assignment:<20}" + "".join(f"{mean[phase]:>12.4f}" for phase in PHASES)
              + f"{mean['calls']:>8.1f}{mean['requests']:>10.1f}{mean['callbacks']:>10.1f}{total:>9.4f}")
    worker = sum(r["seconds"] + r["timings"].get("records", 0.0)
                 for assignment in assignments() for r in timings(courses["ours", assignment], assignment))
    count = sum(len(timings(courses["ours", a], a)) for a in assignments())
    print(f"per notebook, amortised: {wall_per_notebook:.4f} s of wall time with {jobs} job(s); work inside the "
          f"workers {worker / count:.4f} s; the rest ({max(0.0, wall_per_notebook - worker / count / jobs):.4f} s) is "
          "the run's fixed cost (starting Python and nbgrader's gradebook, the report, the pool) shared out")


def scaling(base, sizes, seed):
    section("3. Scaling: ours, both assignments, seconds per notebook (amortised over the whole run)")
    print(f"{'students':>10}{'notebooks':>11}{'--jobs 1':>11}{'--jobs 2':>11}")
    figures = {}
    for size in sizes:
        courses = {a: make_course(base / f"scale-{size}" / a, a, size, seed + i)[0]
                   for i, a in enumerate(assignments())}
        row = {}
        for jobs in (1, 2):
            row[jobs] = sum(ours(courses[a], a, jobs) for a in assignments()) / (size * len(courses))
        figures[size] = row
        print(f"{size:>10}{size * len(courses):>11}{row[1]:>11.3f}{row[2]:>11.3f}")
    return figures


def contention(base, students, kernel_students, jobs, seed):
    section(f"4. Contention: one CPU-bound process competing ({kernel_students} students for the kernel baseline, "
            f"{students} for ours)")
    per = {}
    kernel_courses = {a: make_course(base / "contention-kernel" / a, a, kernel_students, seed + i, kernel=True)[0]
                      for i, a in enumerate(assignments())}
    our_courses = {a: make_course(base / "contention-ours" / a, a, students, seed + i)[0]
                   for i, a in enumerate(assignments())}
    with Competitor():
        per["kernel"] = sum(stock_autograde(kernel_courses[a], a) for a in assignments()) / (
            kernel_students * len(kernel_courses))
        per["ours"] = sum(ours(our_courses[a], a, jobs) for a in assignments()) / (students * len(our_courses))
    print(f"kernel {per['kernel']:.3f} s/nb, ours {per['ours']:.3f} s/nb: {per['kernel'] / per['ours']:.1f}x")
    return per


def dask(base, students, seed):
    section(f"5. Dask: a local cluster of 2 worker processes (TLS) against 2 local processes, {students} students")
    from distributed import Client, LocalCluster

    from autograder import dask_tls

    certs = base / "dask-certs"
    dask_tls.make_certificates(certs)
    security = dask_tls.security_for(certs, ("scheduler", "worker", "client"))
    courses = {a: make_course(base / "dask" / a, a, students, seed + i)[0] for i, a in enumerate(assignments())}
    local = sum(ours(courses[a], a, 2) for a in assignments())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tls://", security=security,
                      dashboard_address=None) as cluster:
        with Client(cluster, security=dask_tls.client_security(cluster.scheduler_address, certs)) as client:
            client.run(lambda: None)  # workers up before the clock starts
            remote = sum(ours(courses[a], a, 2, ("--scheduler", cluster.scheduler_address, "--dask-certs", str(certs)))
                         for a in assignments())
    n = students * len(courses)
    print(f"local processes {local / n:.3f} s/nb, Dask {remote / n:.3f} s/nb: Dask/local = {remote / local:.2f}")
    return local / n, remote / n


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50, help="class size of sections 1, 4 and 5 (default 50)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kernel-students", type=int, default=10,
                        help="class size of the kernel baseline under contention (default 10: it is slow)")
    parser.add_argument("--with-500", action="store_true", help="also scale to 500 students (1,000 notebooks)")
    parser.add_argument("--skip", action="append", default=[], choices=["scaling", "contention", "dask"],
                        help="leave out a section (repeatable)")
    parser.add_argument("--keep", help="keep the scratch courses in this folder (for inspection)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    seed = 2026
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(args.keep or scratch)
        started = time.perf_counter()
        per, courses = three_graders(base, args.students, args.jobs, seed)
        breakdown(courses, args.jobs, per["ours"])
        sizes = [50, 200] + ([500] if args.with_500 else [])
        scale = scaling(base, sizes, seed) if "scaling" not in args.skip else {}
        busy = contention(base, args.students, args.kernel_students, args.jobs, seed) if (
            "contention" not in args.skip) else {}
        cluster = dask(base, args.students, seed) if "dask" not in args.skip else None
        section("Goals")
        largest = max(scale) if scale else None
        checks = [(f"ours at least 20x the kernel baseline ({per['kernel'] / per['ours']:.1f}x)",
                   per["kernel"] / per["ours"] >= 20)]
        if largest:
            checks.append((f"at most 0.18 s per notebook with --jobs 2 at {largest} students "
                           f"({scale[largest][2]:.3f} s; a class of 500, both assignments, would take "
                           f"{scale[largest][2] * 1000 / 60:.1f} min)", scale[largest][2] <= 0.18))
        if busy:
            checks.append((f"under contention at least 10x the kernel baseline ({busy['kernel'] / busy['ours']:.1f}x)",
                           busy["kernel"] / busy["ours"] >= 10))
        if cluster:
            checks.append((f"Dask within 20% of local processes ({cluster[1] / cluster[0]:.2f})",
                           cluster[1] <= 1.2 * cluster[0]))
        for text, ok in checks:
            print(f"[{'met' if ok else 'NOT met'}] {text}")
        print(f"(benchmark wall time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    multiprocessing.freeze_support()
    main()
