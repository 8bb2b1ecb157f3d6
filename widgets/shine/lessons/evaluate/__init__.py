"""Module 7: activity evaluation, program review, the Mini Visit agenda and the share-out card."""
