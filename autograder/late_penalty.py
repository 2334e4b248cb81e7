"""A late-submission penalty for nbgrader: a share of the score per started day late.

Why this exists: nbgrader's built-in ``LateSubmissionPlugin`` knows only "no penalty" and "zero
for any late submission"; courses usually take off a share per day. nbgrader applies it while
autograding (its ``AssignLatePenalties`` preprocessor, already in the course's autograde
pipeline) from the submission's timestamp and the assignment's due date, stores it in the
gradebook, and both ``nbgrader export`` and :mod:`autograder.lms_export` subtract it. Configure::

    c.AssignLatePenalties.plugin_class = "autograder.late_penalty.ShareOfScorePerDay"
    c.ShareOfScorePerDay.share_per_day = 0.1   # 10 % of the score per started day, 0 after 10 days
"""

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class ShareOfScorePerDay(LateSubmissionPlugin):
    """Penalty = score x share_per_day x started days late, at most the score."""

    share_per_day = Float(0.1, help="Share of the score taken off per started day late (0.1 = 10 %).").tag(
        config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if total_seconds_late <= 0:
            return 0.0
        days = math.ceil(total_seconds_late / 86400)
        penalty = min(score, score * self.share_per_day * days)
        self.log.info("%s submitted %.1f hour(s) late: %d started day(s), penalty %g of %g points",
                      student_id, total_seconds_late / 3600, days, penalty, score)
        return penalty
