import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcr_skills.settings")

app = Celery("lcr_skills")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
