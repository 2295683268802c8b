"""Web pages: general pages here; each role's pages in its own module."""

from apprenticeships.views.pages import about_data, home, info_page, standard_list

__all__ = ["about_data", "home", "info_page", "standard_list"]
