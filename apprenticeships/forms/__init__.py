"""Web forms, by resource: common (shared fields and the GOV.UK error summary), accounts, vacancies, offers."""
