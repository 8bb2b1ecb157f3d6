"""Module 6: team seats, the shape of a plan and higher-impact swaps (the builder is in
``shine.plan``)."""
