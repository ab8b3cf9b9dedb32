"""Final accounts (部门决算 / 单位决算): structure, the nine tables and the 说明 facts into a Budget.

The same :class:`~auditor.model.Budget` carries a 决算: ``meta.kind`` says which it is, and the frames
are the ``fa_*`` keys of :data:`auditor.model.FA_TABLE_COLUMNS` (money in fen, read from 万元).

The package itself holds no code: :func:`auditor.parse.final.read.parse_final` reads a document, so
that a rule helper importing one piece (``items.item_name``) does not import the whole reader.
"""
