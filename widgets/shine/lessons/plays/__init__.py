"""Module 5: the plays, the home-visit coverage calculator and the community asset map."""
