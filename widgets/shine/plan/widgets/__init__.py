"""The plan builder and its parts (team, goals, activities, checklist), and the plan exercise."""
