"""nbgrader configuration of the course: the repository root is the course directory."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "dnn-from-scratch"
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))

# The stub keeps the classic "### START CODE HERE ###" look: the placeholders and the START/END
# markers sit outside the solution region, and `raise NotImplementedError()` keeps every released
# cell valid Python even when the solution is a whole block.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Never release caches or editor files.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# A deleted test cell is put back and graded rather than left "needs manual grade" (and a
# re-grade then never keeps a stale score for it).
c.OverwriteCells.add_missing_cells = True

# One notebook must not hang the batch.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
