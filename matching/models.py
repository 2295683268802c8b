# Matching runs, suggestions and decisions arrive with the matcher.
