"""The modules' interactive pieces (sorts, steppers, explorers, calculators), one folder per module."""
