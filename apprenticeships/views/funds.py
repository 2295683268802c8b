"""An employer's funds page: its Growth and Skills Levy account, month by month, and a projection."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apprenticeships.funding.account import AT_RISK_MONTHS
from apprenticeships.funding.rules import rules_on
from apprenticeships.models import Role
from apprenticeships.permissions import role_required, user_organisation
from apprenticeships.services.levy import levy_position
from lcr_skills import charts
from lcr_skills.charts import Series


@role_required(Role.EMPLOYER)
def funds(request: HttpRequest) -> HttpResponse:
    employer = user_organisation(request.user)
    position = levy_position(employer)
    account = position.account
    projection = account.projection()
    chart = charts.line_chart(
        chart_id="chart-funds",
        title="Your levy account over the next 24 months",
        desc="Pounds a month: the balance, funds in, payments for training and funds expiring. The table below "
        "gives every figure.",
        labels=[f"{m.month:%B %Y}" for m in projection],
        series=[
            Series("Balance", [m.balance for m in projection]),
            Series("Funds in", [m.funds_in for m in projection]),
            Series("Paid for training", [m.paid for m in projection]),
            Series("Expiring", [m.expired for m in projection]),
        ],
        fmt=charts.money,
    )
    context = {
        "employer": employer,
        "position": position,
        "rules": rules_on(account.today),
        "months": [m for m in account.past_and_present() if m.funds_in or m.expired or m.paid][-24:],
        "projection": projection,
        "commitments": list(account.coverage.values()),
        "expiring": account.expiring_within(AT_RISK_MONTHS),
        "horizon": AT_RISK_MONTHS,
        "chart": chart,
    }
    return render(request, "apprenticeships/employer/funds.html", context)
