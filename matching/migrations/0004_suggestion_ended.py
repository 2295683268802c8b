# An introduction not yet agreed ends when its vacancy leaves the market: status "ended", with why.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_run_resumes"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("withdrawn", "Vacancy withdrawn"),
                    ("closed", "Vacancy closed"),
                    ("filled", "Vacancy filled"),
                    ("changed", "Vacancy changed, back to hub review"),
                    ("referred", "Vacancy referred back to the employer"),
                ],
                help_text="Why an introduction ended (status ended).",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="suggestion",
            name="status",
            field=models.CharField(
                choices=[
                    ("suggested", "Suggested"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("accepted", "Accepted by one party"),
                    ("agreed", "Agreed"),
                    ("declined", "Declined"),
                    ("ended", "Ended"),
                ],
                db_index=True,
                default="suggested",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="suggestionevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("approve", "Approved"),
                    ("reject", "Rejected"),
                    ("accept", "Accepted"),
                    ("decline", "Declined"),
                    ("agree", "Agreed by both"),
                    ("end", "Ended: the vacancy left the market"),
                    ("keep", "Kept: agreed before the vacancy left the market"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="suggestion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "ended"), models.Q(("end_reason", ""), _negated=True)),
                    models.Q(models.Q(("status", "ended"), _negated=True), ("end_reason", "")),
                    _connector="OR",
                ),
                name="suggestion_end_reason_iff_ended",
            ),
        ),
    ]
