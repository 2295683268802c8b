from tests.matching.conftest import small_market  # noqa: F401 - the matching tests' small market, shared
