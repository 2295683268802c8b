from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from apprenticeships import views
from apprenticeships.forms.accounts import SignInForm
from apprenticeships.views import account, employer, hub, organisations, pledges, provider, public, schools, training
from apprenticeships.views import applications as apply_views
from apprenticeships.views.funds import funds as employer_funds

urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about-data"),
    path("standards/", views.standard_list, name="standard-list"),
    path("standards/<str:reference>/", training.standard_detail, name="standard-detail"),
    # The footer's pages, as GOV.UK services have them.
    path("accessibility/", views.info_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy/", views.info_page, {"page": "privacy"}, name="privacy"),
    path("cookies/", views.info_page, {"page": "cookies"}, name="cookies"),
    path("contact/", views.info_page, {"page": "contact"}, name="contact"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # Your own password
    path("account/password/", account.password_change, name="password-change"),
    path("account/password/changed/", account.password_change_done, name="password-change-done"),
    path("account/password-reset/", account.password_reset, name="password-reset"),
    path("account/password-reset/sent/", account.password_reset_done, name="password-reset-done"),
    path("account/password-reset/<uidb64>/<token>/", account.password_reset_confirm, name="password-reset-confirm"),
    path("account/password-reset/complete/", account.password_reset_complete, name="password-reset-complete"),
    # Anyone
    path("vacancies/", public.vacancy_search, name="vacancy-search"),
    path("vacancies/<int:pk>/", public.vacancy_public, name="vacancy-public"),
    path("vacancies/<int:pk>/apply/", apply_views.vacancy_apply, name="vacancy-apply"),
    path("vacancies/<int:pk>/applied/", apply_views.vacancy_applied, name="vacancy-applied"),
    path("vacancies/alerts/", apply_views.alert_new, name="alert-new"),
    path("alerts/confirm/<str:token>/", apply_views.alert_confirm, name="alert-confirm"),
    path("alerts/unsubscribe/<str:token>/", apply_views.alert_unsubscribe, name="alert-unsubscribe"),
    path("schools/", schools.schools, name="schools"),
    path("schools/<str:code>/", schools.schools_list, name="schools-list"),
    path("schools/<str:code>/feed/", schools.SchoolLeaverFeed(), name="schools-feed"),
    path("schools/<str:code>/vacancies.csv", schools.schools_csv, name="schools-csv"),
    path("pledges/", pledges.pledge_list_public, name="pledge-list"),
    path("pledges/<int:pk>/apply/", pledges.pledge_apply, name="pledge-apply"),
    # Employers
    path("employer/vacancies/", employer.vacancy_list, name="employer-vacancies"),
    path("employer/funds/", employer_funds, name="employer-funds"),
    path("employer/pledges/", pledges.employer_pledges, name="employer-pledges"),
    path("employer/pledges/new/", pledges.pledge_new, name="employer-pledge-new"),
    path("employer/pledge-applications/", pledges.employer_pledge_applications, name="employer-pledge-applications"),
    *[
        path(
            f"pledge-applications/<int:pk>/{action}/",
            pledges.pledge_application_action,
            {"action": action},
            name=f"pledge-application-{action}",
        )
        for action in pledges.BUTTONS
    ],
    path("employer/vacancies/new/", employer.vacancy_new, name="employer-vacancy-new"),
    path("employer/vacancies/<int:pk>/", employer.vacancy_detail, name="employer-vacancy"),
    path("employer/vacancies/<int:pk>/applications/", apply_views.vacancy_applications, name="employer-applications"),
    path("employer/applications/<int:pk>/", apply_views.application_detail, name="employer-application"),
    path("employer/vacancies/<int:pk>/edit/", employer.vacancy_edit, name="employer-vacancy-edit"),
    path("employer/vacancies/<int:pk>/delete/", employer.vacancy_remove, name="employer-vacancy-delete"),
    path(
        "employer/vacancies/<int:pk>/withdraw/confirm/",
        employer.vacancy_withdraw_confirm,
        name="employer-vacancy-withdraw-confirm",
    ),
    re_path(
        rf"^employer/vacancies/(?P<pk>[0-9]+)/(?P<action>{'|'.join(employer.EMPLOYER_ACTIONS)})/$",
        employer.vacancy_action,
        name="employer-vacancy-action",
    ),
    # Employers finding training
    path("employer/training/", training.find_training, name="employer-find-training"),
    path("employer/shortlist/", training.shortlist, name="employer-shortlist"),
    path("employer/shortlist/<int:pk>/add/", training.shortlist_add_view, name="employer-shortlist-add"),
    path("employer/shortlist/<int:pk>/remove/", training.shortlist_remove_view, name="employer-shortlist-remove"),
    # Training providers
    path("provider/offers/", provider.offer_list, name="provider-offers"),
    path("provider/offers/new/", provider.offer_new, name="provider-offer-new"),
    path("provider/offers/upload/", provider.offer_upload, name="provider-offer-upload"),
    path("provider/offers/template.csv", provider.offer_template, name="provider-offer-template"),
    path("provider/offers/<int:pk>/edit/", provider.offer_edit, name="provider-offer-edit"),
    path("provider/offers/<int:pk>/delete/", provider.offer_remove, name="provider-offer-delete"),
    # Invitations: accepting one (anyone with the link); an organisation's admin's people page
    path("invitations/<str:token>/", organisations.invitation_accept, name="invitation-accept"),
    path("organisation/people/", organisations.organisation_people, name="organisation-people"),
    path(
        "organisation/invitations/<int:pk>/resend/",
        organisations.invitation_action,
        {"action": "resend"},
        name="invitation-resend",
    ),
    path(
        "organisation/invitations/<int:pk>/cancel/",
        organisations.invitation_action,
        {"action": "cancel"},
        name="invitation-cancel",
    ),
    # Hub staff
    path("hub/organisations/", organisations.organisation_list, name="hub-organisations"),
    path("hub/employers/<int:pk>/", organisations.organisation_detail, {"kind": "employer"}, name="hub-employer"),
    path(
        "hub/employers/<int:pk>/contact/",
        organisations.organisation_contact,
        {"kind": "employer"},
        name="hub-employer-contact",
    ),
    path(
        "hub/employers/<int:pk>/invite/",
        organisations.organisation_invite,
        {"kind": "employer"},
        name="hub-employer-invite",
    ),
    path("hub/providers/<int:pk>/", organisations.organisation_detail, {"kind": "provider"}, name="hub-provider"),
    path(
        "hub/providers/<int:pk>/contact/",
        organisations.organisation_contact,
        {"kind": "provider"},
        name="hub-provider-contact",
    ),
    path(
        "hub/providers/<int:pk>/invite/",
        organisations.organisation_invite,
        {"kind": "provider"},
        name="hub-provider-invite",
    ),
    path("hub/tasks/", organisations.hub_task_list, name="hub-tasks"),
    path("hub/tasks/<int:pk>/done/", organisations.hub_task_action, {"action": "done"}, name="hub-task-done"),
    path("hub/tasks/<int:pk>/undo/", organisations.hub_task_action, {"action": "undo"}, name="hub-task-undo"),
    path("hub/qa/", hub.qa_queue, name="hub-qa-queue"),
    path("hub/pledges/", pledges.hub_pledges, name="hub-pledges"),
    path("hub/qa/<int:pk>/", hub.qa_review, name="hub-qa-review"),
    path("hub/qa/<int:pk>/approve/", hub.qa_approve, name="hub-qa-approve"),
    path("hub/qa/<int:pk>/refer/", hub.qa_refer, name="hub-qa-refer"),
]
