from django.core.management import call_command
from django.core.management.base import BaseCommand

from apprenticeships.demo import DEMO_PASSWORD, demo_seed
from apprenticeships.models import PostcodeDistrict


class Command(BaseCommand):
    help = "Create demo organisations, vacancies, offers and users for each role from the real data (idempotent)."

    def handle(self, *args, **options) -> None:
        if not PostcodeDistrict.objects.exists():
            call_command("load_reference_data", "--no-progress", stdout=self.stdout, stderr=self.stderr)
        logins = demo_seed()  # its vacancies and offers are matched when it commits
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/sign-in/ as:"))
        for login in logins:
            self.stdout.write(
                f"  {login.role:<18} username {login.username:<9} password {DEMO_PASSWORD}  ({login.organisation})"
            )
