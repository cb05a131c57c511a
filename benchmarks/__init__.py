"""Foorumi's benchmarks (``make bench``): figures and ratios, never timed assertions."""
