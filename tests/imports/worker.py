"""Posting a form whose tasks the worker runs: the pages queue them when the request's transaction
commits; the tests' transaction never commits, so the callbacks are run at the end of the POST
(Huey's immediate mode then runs the task), as the worker would have by the time the page is read."""

from django.test import TestCase


def post_then_worker(client, url, data=None, *, follow=False):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    if follow and response.status_code == 302:
        response = client.get(response["Location"])
    return response
