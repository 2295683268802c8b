from tests.web.conftest import software_developer, vacancy_form  # noqa: F401 - the vacancy form's fixtures
