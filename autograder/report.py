"""The class report: score histogram per graded function and the most frequent failure causes."""

import re
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CAUSE = re.compile(r"Likely cause: (.+?)(?:\.(?:\n|$)|$)", re.M)
OTHER_CAUSES = (
    (re.compile(r"is not implemented yet"), "not implemented yet"),
    (re.compile(r"timed out"), "timed out (infinite loop or too slow)"),
    (re.compile(r"was killed|stopped on|exited \(code"), "process died (memory, CPU time or exit)"),
    (re.compile(r"not valid notebook JSON|not a readable notebook|not a text file|JSON without"), "unreadable notebook"),
    (re.compile(r"notebook is missing"), "notebook missing"),
    (re.compile(r"raised NameError: name '(\w+)' is not defined"), "function or name not defined"),
    (re.compile(r"raised (\w+)"), None),
)


def causes_of(message):
    """Short labels of the causes named in one failure message."""
    found = [c.strip() for c in CAUSE.findall(message)]
    for pattern, label in OTHER_CAUSES:
        match = pattern.search(message)
        if match and not found:
            found.append(label or f"raised {match.group(1)}")
    return found or ["wrong values"]


def failure_causes(results):
    """Counter of cause -> number of (student, function) pairs that show it."""
    counter = Counter()
    for result in results:
        for function in result.functions:
            labels = {cause for message in function.messages for cause in causes_of(message)}
            counter.update(f"{function.name}: {label}" for label in labels)
    return counter


def write_report(folder, assignment, results, top=15):
    """Write report.md, scores.png and causes.png into ``folder``; return the Markdown text."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = assignment.names
    columns = min(len(names), 5)
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    for ax, function in zip(axes.flat, assignment.functions):
        scores = [f.score for r in results for f in r.functions if f.name == function.name]
        ax.hist(scores, bins=10, range=(0, function.points), color="#4c72b0")
        ax.set_title(function.name, fontsize=9)
        ax.set_xlabel(f"points (of {function.points:g})", fontsize=8)
    fig.suptitle(f"{assignment.id}: score per graded function ({len(results)} submissions)")
    fig.tight_layout()
    fig.savefig(folder / "scores.png", dpi=110)
    plt.close(fig)

    causes = failure_causes(results).most_common(top)
    fig, ax = plt.subplots(figsize=(9, 0.4 * max(len(causes), 1) + 1.2))
    ax.barh([c for c, _ in causes][::-1], [n for _, n in causes][::-1], color="#c44e52")
    ax.set_xlabel("students")
    ax.set_title("Most frequent failure causes")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(folder / "causes.png", dpi=110)
    plt.close(fig)

    totals = sorted(r.score for r in results)
    mean = sum(totals) / len(totals) if totals else 0
    lines = [f"# {assignment.id}: grading report", "",
             f"{len(results)} submissions, mean {mean:.1f} / {assignment.max_score:g}, "
             f"median {totals[len(totals) // 2] if totals else 0:g}.", "",
             "| graded function | points | mean | full marks |", "| --- | --- | --- | --- |"]
    for function in assignment.functions:
        scores = [f.score for r in results for f in r.functions if f.name == function.name]
        full = sum(s == function.points for s in scores)
        lines.append(f"| `{function.name}` | {function.points:g} | {sum(scores) / max(len(scores), 1):.1f} | "
                     f"{full} of {len(scores)} |")
    lines += ["", "![scores](scores.png)", "", "## Most frequent failure causes", "",
              "| graded function: cause | students |", "| --- | --- |"]
    lines += [f"| {cause} | {count} |" for cause, count in causes]
    problems = [r for r in results if r.error]
    if problems:
        lines += ["", "## Submissions that could not be read", ""]
        lines += [f"- `{r.student}`: {r.error}" for r in problems]
    lines += ["", "![causes](causes.png)", ""]
    text = "\n".join(lines)
    (folder / "report.md").write_text(text)
    return text
