"""The benchmark (``scripts/bench``): how fast and how correct builds are, against what analysts
would otherwise use. It is a developer's tool beside the product, not part of the ``evidence``
package: it only runs ``evidence build`` and MkDocs as whole processes and reads what they wrote.

The project is copied into a temporary folder first (tracked and untracked files, not .venv,
site, build or .cache), and every command runs on that copy with its own ``scripts/`` first on the
path, so the benchmark neither waits for nor disturbs builds of the working tree.

Measures:
  (a) cold build, ours / the same analyses and pages executed by mkdocs-jupyter (``execute:
      true``), both caches cleared before every run; like for like (both without the
      per-authority analysis, which is 153 pages on our side and one on the baseline's) against
      the target, the national edition beside it
  (n) rebuild with nothing changed, ours / mkdocs-jupyter rebuilding from its own cache
  (k) one data cell changed and both rebuilt as a user would: does each page show the figure a
      fresh run of the analysis computes?
  (b) rebuild with nothing changed / a bare ``mkdocs build`` of the already-generated tree
  (c) rebuild after one table changed: which analyses ran (only those that load it) and how long
  (d) scale: the national edition and a generated stress project with ten times the analyses:
      cold and warm build time, peak memory

Modules: ``timing`` (whole-process runs and paired ratios), ``projects`` (the copies and the stress
project), ``baseline`` (the mkdocs-jupyter twin and its locked environment), ``measures`` (each
measure), ``report`` (targets and the printed table), ``__main__`` (the command line).
"""
