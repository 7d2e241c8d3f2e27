"""Evidence: analyses of how English councils buy residential care, built into a cited site.

An analysis sees only three functions: ``load`` a table by name, ``publish`` a named result and
``show`` a table or chart with a caption (and, for analyses that write many pages, ``page``
to send what is shown to a generated page). Everything else (running, caching, rendering, citing,
building the site) is the pipeline's job.
"""

from evidence.api import load, page, publish, show

__all__ = ["load", "page", "publish", "show"]
