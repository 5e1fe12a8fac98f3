"""The command line's helpers, above the public modules (they call them).

- ``io``: readers and writers of the command line's files, its tables and
  progress bars;
- ``find_issues``: the job of ``cleannb find-issues``;
- ``warmup``: compiling ahead of time (``cleannb.warmup``, ``cleannb warmup``).
"""
