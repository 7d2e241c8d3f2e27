"""Page producers, one module per page kind. Each takes the build context and returns
``context.Page`` records (text, title and the files the page brings); none writes anything.
``render.gather`` calls them in order and ``render.write`` puts the result in build/docs.

- ``docs``: the hand-written pages of docs/ (Jinja2 for results, [@key] for citations)
- ``analysis``: one page per analysis (its cells, outputs and folded code) and its notebook
- ``generated``: the pages an analysis makes with ``page(...)``
- ``arrangements``: a page per row of the arrangements table (what, who, how long, price, after)
- ``data_guidance``: every table and column, from datapackage.yaml, with each table's CSV
- ``methods``: how the site is built, and this build's provenance (provenance.json)
- ``references`` and ``results``: made last, from the complete set of pages and results
The briefing's pages come from ``evidence.briefing``.
"""
