"""Benchmark scripts, run as files (python bench/bench_inventory.py), and the modules they share.

A package so that another script can reuse the inventory's seeding:
`from bench.inventory_seed import seed`.
"""
