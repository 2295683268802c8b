from tests.review.conftest import market, matched  # noqa: F401 - the review suite's small market
