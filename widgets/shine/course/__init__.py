"""Exercises and grading: exercises generated from content, the nbgrader grading pipeline, the
report, and the exercise form participants answer with."""
