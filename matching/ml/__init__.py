"""The matcher's numerical core: candidates, features, scoring and allocation.

Plain numpy / scipy / scikit-learn on arrays, and nothing from Django or the apps: the market it
works on is read from the database by matching.services.market.
"""
