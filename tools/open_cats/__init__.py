"""Procedural drawing of the course's open cat / non-cat image set.

Every image is a pure function of one integer seed (``numpy.random.default_rng``),
drawn with Pillow at 4x size and reduced to 64x64.

Modules: ``shapes`` (small drawing helpers), ``scene`` (backgrounds, distractors,
photo effects), ``draw`` (cats), ``noncats`` (everything else), ``dataset``
(which seed becomes which image of which split).
"""
