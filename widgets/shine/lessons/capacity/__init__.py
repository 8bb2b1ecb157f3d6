"""Module 3: the Dual Capacity-Building Framework, its conditions and the 4 Cs self-check."""
