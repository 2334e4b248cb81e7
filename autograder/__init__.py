"""Grading tools for the course (instructor side; never released to students)."""
