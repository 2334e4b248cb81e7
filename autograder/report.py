"""The class report: score histogram per graded function and the most frequent failure causes.

Causes are counted by id, in one vocabulary shared with the tests: the ids the tests report
(:data:`coursekit.public_tests.CAUSES`: ``transposed``, ``missing-factor``,
``exception:ValueError``, ...) plus a few of the grader's own (:data:`GRADER_CAUSES`). A
function result that carries ``causes`` (the grader takes them from
``TestFailure.results``) is counted from them, so rewording a message never changes the
report. A result without them (from an older grader, or a message that no test produced) is
read from its messages: the known messages map to the same ids, and any other "Likely
cause" sentence is counted as it is written.
"""

import re
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from coursekit import public_tests  # noqa: E402

#: Causes that the grader, not a test, finds: id -> what it means.
GRADER_CAUSES = {
    "unreadable-notebook": "the notebook could not be read",
    "notebook-missing": "notebook missing",
    "public-only": "right on the public examples only (every hidden case fails)",
    "could-not-run": "the submission's code could not run",
    "test-error": "the test itself could not run (a grader problem)",
    "matches-released-helper": "same code as a released helper's function (score unchanged; for the instructor)",
}
CAUSE = re.compile(r"Likely cause: (.+?)(?:\.(?:\n|$)|$)", re.M)
MESSAGE_CAUSES = (
    (re.compile(r"is not implemented yet"), "not-implemented"),
    (re.compile(r"timed out"), "timeout"),
    (re.compile(r"was killed|stopped on|exited \(code|has stopped"), "process-died"),
    (re.compile(r"not valid notebook JSON|not a readable notebook|not a text file|JSON without|symbolic link"),
     "unreadable-notebook"),
    (re.compile(r"notebook is missing"), "notebook-missing"),
    (re.compile(r"public tests pass but every hidden test fails"), "public-only"),
    (re.compile(r"could not run the submission's code"), "could-not-run"),
    (re.compile(r"the test could not run"), "test-error"),
    (re.compile(r"raised (\w+)"), public_tests.EXCEPTION_PREFIX + "{}"),
)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def markdown_text(text):
    """Student-controlled text (a folder name, a message) made inert in Markdown and HTML, on one line."""
    text = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))


def describe(cause):
    """What a cause id means, in a few words (a cause that is not an id is its own description)."""
    return GRADER_CAUSES.get(cause) or public_tests.describe_cause(cause)


def causes_of(message):
    """Cause ids (or, failing that, the "Likely cause" sentences) of one failure message.

    For results that carry no ``causes``; the grader can also use it to give an id to a
    message of its own (an unreadable notebook, a sandbox that would not start).
    """
    found = [c.strip() for c in CAUSE.findall(message)]
    for pattern, cause in MESSAGE_CAUSES:
        match = pattern.search(message)
        if match and not found:
            found.append(cause.format(*match.groups()))
    return found or ["wrong-values"]


def function_causes(function):
    """The causes of one function result: its ``causes`` when it has them, else read from its messages."""
    causes = getattr(function, "causes", None)
    if causes:
        return set(causes)
    return {cause for message in function.messages for cause in causes_of(message)}


def _cause_cell(cause):
    """A cause id in code style; a sentence read from an old message (not an id) as a dash."""
    return f"`{cause}`" if cause in GRADER_CAUSES or public_tests.is_cause(cause) else "-"


def failure_causes(results):
    """Counter of (function, cause) -> number of students whose result shows it."""
    counter = Counter()
    for result in results:
        for function in result.functions:
            counter.update((function.name, cause) for cause in function_causes(function))
    return counter


def _isolation(results):
    """How the class's code was isolated, loudly when not by bubblewrap (see autograder.sandbox)."""
    modes = sorted({getattr(r, "isolation", "") or "unknown" for r in results})
    text = ", ".join(modes) or "none graded"
    if any(mode != "bubblewrap" for mode in modes):
        text += " (WARNING: without bubblewrap, submissions could read the course's files and each other's work)"
    return text


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
    for ax, function in zip(axes.flat[:len(names)], assignment.functions, strict=True):
        scores = [f.score for r in results for f in r.functions if f.name == function.name]
        ax.hist(scores, bins=10, range=(0, function.points), color="#4c72b0")
        ax.set_title(function.name, fontsize=9)
        ax.set_xlabel(f"points (of {function.points:g})", fontsize=8)
    fig.suptitle(f"{assignment.id}: score per graded function ({len(results)} submissions)")
    # Fixed margins (in inches, turned into fractions) instead of tight_layout, which measures every
    # label and took half of the report's time.
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=0.45 / width, right=1 - 0.15 / width, bottom=0.5 / height, top=1 - 0.65 / height,
                        wspace=0.35, hspace=0.75)
    fig.savefig(folder / "scores.png", dpi=110)
    plt.close(fig)

    causes = failure_causes(results).most_common(top)
    fig, ax = plt.subplots(figsize=(9, 0.4 * max(len(causes), 1) + 1.2))
    # Labels are plain text: a "$" in a cause read from a message must not start matplotlib's mathtext.
    labels = [f"{name}: {cause}".replace("$", r"\$") for (name, cause), _ in causes]
    ax.barh(labels[::-1], [n for _, n in causes][::-1], color="#c44e52")
    ax.set_xlabel("students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # students are counted in whole numbers
    ax.set_title("Most frequent failure causes")
    ax.tick_params(axis="y", labelsize=7)
    # Room on the left for the longest label (7-point text: about 0.055 inch per character).
    width, height = fig.get_size_inches()
    longest = max((len(label) for label in labels), default=0)
    fig.subplots_adjust(left=min(0.75, (0.2 + 0.055 * longest) / width), right=1 - 0.2 / width,
                        bottom=0.55 / height, top=1 - 0.4 / height)
    fig.savefig(folder / "causes.png", dpi=110)
    plt.close(fig)

    totals = sorted(r.score for r in results)
    mean = sum(totals) / len(totals) if totals else 0
    lines = [f"# {assignment.id}: grading report", "",
             f"{len(results)} submissions, mean {mean:.1f} / {assignment.max_score:g}, "
             f"median {totals[len(totals) // 2] if totals else 0:g}.", "",
             f"Isolation of the submissions' code: {markdown_text(_isolation(results))}.", "",
             "| graded function | points | mean | full marks |", "| --- | --- | --- | --- |"]
    for function in assignment.functions:
        scores = [f.score for r in results for f in r.functions if f.name == function.name]
        full = sum(s == function.points for s in scores)
        lines.append(f"| `{function.name}` | {function.points:g} | {sum(scores) / max(len(scores), 1):.1f} | "
                     f"{full} of {len(scores)} |")
    lines += ["", "![scores](scores.png)", "", "## Most frequent failure causes", "",
              "| graded function | cause | what it means | students |", "| --- | --- | --- | --- |"]
    lines += [f"| `{name}` | {_cause_cell(cause)} | {markdown_text(describe(cause))} | {count} |"
              for (name, cause), count in causes]
    problems = [r for r in results if r.error]
    if problems:
        lines += ["", "## Submissions that could not be read", ""]
        lines += [f"- {markdown_text(r.student)}: {markdown_text(r.error)}" for r in problems]
    lines += ["", "![causes](causes.png)", ""]
    text = "\n".join(lines)
    (folder / "report.md").write_text(text)
    return text
