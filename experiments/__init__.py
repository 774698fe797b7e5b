"""Experiment modules: `python -m experiments.NAME --help`."""
