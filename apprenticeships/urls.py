from django.contrib.auth import views as auth_views
from django.urls import path

from apprenticeships import views
from apprenticeships.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about-data"),
    path("standards/", views.standard_list, name="standard-list"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
