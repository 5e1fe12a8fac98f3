"""asv benchmarks for cleannb (run ``asv run`` from ``benchmarks/``)."""
