"""/healthz: 200 while the database answers; the broker's state is reported either way."""

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from config.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "broker" in body


@pytest.mark.django_db
def test_healthz_stays_up_but_names_an_unreachable_broker(client, monkeypatch):
    # Celery prefers the environment variable to its configuration, so point both at a closed port.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] != "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
@pytest.mark.django_db
def test_healthz_answers_plain_http_probes_when_https_is_enforced(client):
    assert client.get("/healthz").status_code == 200
