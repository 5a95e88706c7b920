"""Benchmarks run by hand: crawl throughput (``crawl.py``) and extraction quality (``quality.py``)."""
