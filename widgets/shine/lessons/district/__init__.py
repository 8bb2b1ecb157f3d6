"""Module 2: district systems of support, the 2009 duties and the pilot districts."""
