"""Module 4: six types, six standards, the impact ladder and the team self-assessment."""
