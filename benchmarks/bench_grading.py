"""Benchmark: grading a class with stock ``nbgrader autograde`` and with ``python -m autograder grade``.

Builds a scratch course with a synthetic class (default 50 students) for every assignment
present, with a realistic mix of work: correct notebooks, notebooks with one or two known
mistakes from the catalogue, blank releases, a syntax error, and malformed JSON. Both
graders run in the same run on the same submissions; the script prints both wall times,
the time per notebook and the ratio, and checks that both agree on every correct notebook.

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
    totals = {"stock": 0.0, "ours": 0.0}
    notebooks = 0
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(args.keep or scratch)
        print(f"{'assignment':<20}{'notebooks':>10}{'stock s':>10}{'ours s':>10}{'stock s/nb':>12}{'ours s/nb':>11}"
              f"{'speed-up':>10}")
        for assignment in assignments:
            courses = {}
            class_seed = rng.random()
            for grader in ("stock", "ours"):
                course = base / grader / assignment
                course.mkdir(parents=True)
                shutil.copy(ROOT / "nbgrader_config.py", course)
                shutil.copytree(ROOT / "source" / assignment, course / "source" / assignment)
                db = f"sqlite:///{course / 'gradebook.db'}"
                run([nbgrader, "generate_assignment", assignment, "--force", f"--db={db}",
                     f"--CourseDirectory.root={course}"], course, env)
                # The same seed gives both graders the same class.
                kinds = make_class(course, assignment, args.students, random.Random(class_seed))
                courses[grader] = (course, db)
            course, db = courses["stock"]
            stock = run([nbgrader, "autograde", assignment, "--force", f"--db={db}",
                         f"--CourseDirectory.root={course}"], course, env, may_fail=True)
            course, db = courses["ours"]
            ours = run([sys.executable, "-m", "autograder", "grade", assignment, f"--jobs={args.jobs}", "--quiet",
                        f"--course={course}", f"--db={db}"], course, env)
            n = len(kinds)
            notebooks += n
            totals["stock"] += stock
            totals["ours"] += ours
            print(f"{assignment:<20}{n:>10}{stock:>10.1f}{ours:>10.1f}{stock / n:>12.2f}{ours / n:>11.2f}"
                  f"{stock / ours:>9.1f}x")
            correct = [s for s, k in kinds.items() if k == "correct"]
            stock_correct = stock_scores(courses["stock"][1], assignment, correct)
            ours_correct = stock_scores(courses["ours"][1], assignment, correct)
            disagree = {s for s in correct if abs(stock_correct[s] - ours_correct[s]) > 1e-9}
            print(f"{'':<20}correct notebooks: stock and ours agree on {len(correct) - len(disagree)} of "
                  f"{len(correct)}; ours gives 100 to {sum(v == 100 for v in ours_correct.values())}, stock to "
                  f"{sum(v == 100 for v in stock_correct.values())}")
            if disagree and args.keep:
                print(f"{'':<20}disagreements: {sorted(disagree)} in {courses['stock'][0]}")
        print(f"{'all':<20}{notebooks:>10}{totals['stock']:>10.1f}{totals['ours']:>10.1f}"
              f"{totals['stock'] / notebooks:>12.2f}{totals['ours'] / notebooks:>11.2f}"
              f"{totals['stock'] / totals['ours']:>9.1f}x")


if __name__ == "__main__":
    main()
