"""Benchmarks behind the README's performance table: ``make bench`` (``python -m benchmarks``).

Each measures against a baseline taken in the same run where the issue asks for one (a blank
notebook served by the same Voila with the same settings), takes the median of several runs,
and writes ``benchmarks/results/results.json`` and ``benchmarks/results/summary.md``.
"""
