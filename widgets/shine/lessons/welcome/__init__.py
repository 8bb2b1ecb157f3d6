"""Module 0: the course map and the definition card."""
