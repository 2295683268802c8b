"""The matcher's numerical core: candidates, features, scoring and allocation.

Plain numpy / scipy / scikit-learn on arrays; nothing here imports Django except `dataset.py`,
which loads a market from the database into the arrays the rest works on.
"""
