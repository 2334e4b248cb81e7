"""``python -m autograder``: see :mod:`autograder.cli`."""

import sys

# jsonschema (through nbformat) imports its optional IRI format checker when it is installed, and
# that module compiles 38 grammars at import: 1.6 s of every start of the command. Notebooks are
# never validated against IRI formats here, so it is not loaded (jsonschema then skips that check).
sys.modules.setdefault("rfc3987_syntax", None)

from autograder.cli import main  # noqa: E402

sys.exit(main())
