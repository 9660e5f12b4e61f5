"""Benchmarks run by `make bench`: tables on stdout, rows in bench/results.json."""
