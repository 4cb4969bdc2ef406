"""Benchmarks: each prints its measurement beside a baseline measured in the same run."""
