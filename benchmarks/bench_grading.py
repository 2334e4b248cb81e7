"""Benchmark: grading a class three ways, on the same submissions, in one run.

* ``kernel``: stock ``nbgrader autograde`` with nbgrader's own preprocessors (each notebook
  run in a Jupyter kernel; the baseline, and what the course no longer uses: its hidden cells
  only run in the sandboxed core, so this grader's scores are not comparable);
* ``nbgrader``: ``nbgrader autograde`` as the course configures it, through the sandboxed core
  (what the formgrader's Autograde button does);
* ``ours``: ``python -m autograder grade --jobs N``.

Builds a scratch course with a synthetic class (default 50 students) for every assignment
present, with a realistic mix of work: correct notebooks, notebooks with one or two known
mistakes from the catalogue, blank releases, a syntax error, and malformed JSON. It prints the
wall times, the time per notebook and the ratios against the kernel baseline, and checks that
``nbgrader`` and ``ours`` give every submission the same score.

Usage: ``python benchmarks/bench_grading.py [--students 50] [--jobs 2]``
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sample_class import NOTEBOOKS, make_class

ROOT = Path(__file__).resolve().parent.parent


def run(command, course, env, may_fail=False):
    """Wall time of a command. Stock ``nbgrader autograde`` exits 1 when some submission could
    not be processed (it still grades the others), so the benchmark allows that for it."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    if result.returncode and not may_fail:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return time.perf_counter() - started


def stock_scores(db_url, assignment, students):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {s: gradebook.find_submission_notebook(NOTEBOOKS[assignment][:-6], assignment, s).score
                for s in students}


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
GRADERS = ("kernel", "nbgrader", "ours")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="keep the scratch course in this folder (for inspection)")
    args = parser.parse_args(argv)
    assignments = [a for a in NOTEBOOKS if (ROOT / "source" / a / NOTEBOOKS[a]).is_file()]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    nbgrader = str(bin_dir / "nbgrader")
    rng = random.Random(2026)
    totals = dict.fromkeys(GRADERS, 0.0)
    notebooks = 0
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(args.keep or scratch)
        print(f"{'assignment':<20}{'notebooks':>10}" + "".join(f"{g + ' s/nb':>15}" for g in GRADERS)
              + f"{'nbgrader speed-up':>19}{'ours speed-up':>15}")
        for assignment in assignments:
            courses, times = {}, {}
            class_seed = rng.random()
            for grader in GRADERS:
                course = base / grader / assignment
                course.mkdir(parents=True)
                shutil.copy(ROOT / "nbgrader_config.py", course)
                if grader == "kernel":
                    with open(course / "nbgrader_config.py", "a") as config:
                        config.write(KERNEL_PREPROCESSORS)
                shutil.copytree(ROOT / "source" / assignment, course / "source" / assignment)
                db = f"sqlite:///{course / 'gradebook.db'}"
                run([nbgrader, "generate_assignment", assignment, "--force", f"--db={db}"], course, env)
                # The same seed gives every grader the same class.
                kinds = make_class(course, assignment, args.students, random.Random(class_seed))
                courses[grader] = (course, db)
            for grader in ("kernel", "nbgrader"):
                course, db = courses[grader]
                times[grader] = run([nbgrader, "autograde", assignment, "--force", f"--db={db}"], course, env,
                                    may_fail=True)
            course, db = courses["ours"]
            times["ours"] = run([sys.executable, "-m", "autograder", "grade", assignment, f"--jobs={args.jobs}",
                                 "--quiet", f"--db={db}"], course, env)
            n = len(kinds)
            notebooks += n
            for grader in GRADERS:
                totals[grader] += times[grader]
            print(f"{assignment:<20}{n:>10}" + "".join(f"{times[g] / n:>15.2f}" for g in GRADERS)
                  + f"{times['kernel'] / times['nbgrader']:>18.1f}x{times['kernel'] / times['ours']:>14.1f}x")
            students = sorted(kinds)
            through_core = stock_scores(courses["nbgrader"][1], assignment, students)
            ours = stock_scores(courses["ours"][1], assignment, students)
            disagree = sorted(s for s in students if abs((through_core[s] or 0) - (ours[s] or 0)) > 1e-9)
            print(f"{'':<20}nbgrader (through the core) and ours agree on {n - len(disagree)} of {n} submissions"
                  + (f"; differ on {disagree}" if disagree else ""))
        print(f"{'all':<20}{notebooks:>10}" + "".join(f"{totals[g] / notebooks:>15.2f}" for g in GRADERS)
              + f"{totals['kernel'] / totals['nbgrader']:>18.1f}x{totals['kernel'] / totals['ours']:>14.1f}x")


if __name__ == "__main__":
    main()
