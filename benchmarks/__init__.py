"""Benchmarks: `make bench` runs benchmarks.run; figures go to README.md."""
