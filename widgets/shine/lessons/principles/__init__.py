"""Module 1: the seven principles and the principle sort."""
