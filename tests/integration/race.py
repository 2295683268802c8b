"""The thread-race harness: many API requests released together, each on its own connection."""

import threading

from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient


def at_once(requests: list[tuple[int, str, dict]]) -> list[tuple[int, dict]]:
    """POST every (user id, url, body) from its own thread, all released together; (status, body) each."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, dict] | None] = [None] * len(requests)
    errors: list[BaseException] = []

    def send(i: int, user_id: int, url: str, body: dict) -> None:
        try:
            client = APIClient()
            client.force_authenticate(User.objects.get(pk=user_id))
            barrier.wait(timeout=30)
            response = client.post(url, body, format="json")
            results[i] = (response.status_code, response.json())
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(result is not None for result in results)
    return results
