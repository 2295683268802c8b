from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apprenticeships.models.base import TimeStampedModel
from apprenticeships.models.organisations import MAX_ANNUAL_PAY_BILL_GBP, Employer
from lcr_skills.formats import long_date, money


class PayBillDeclaration(TimeStampedModel):
    """An employer's annual pay bill as declared on a date; a change is a new record, never an edit.

    Levy funds accrue monthly from the declaration in force (apprenticeships.funding.account);
    hub staff may mark a declaration verified.
    """

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="pay_bill_declarations")
    annual_pay_bill = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_ANNUAL_PAY_BILL_GBP)],
    )
    declared_on = models.DateField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["employer", "declared_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_pay_bill__gte=0), name="pay_bill_declaration_not_negative"
            ),
            # As the employer's own figure (apprenticeships/models/organisations.py), which follows the latest.
            models.CheckConstraint(
                condition=models.Q(annual_pay_bill__lte=MAX_ANNUAL_PAY_BILL_GBP),
                name="pay_bill_declaration_at_most_100bn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer}: {money(self.annual_pay_bill)} from {long_date(self.declared_on)}"
