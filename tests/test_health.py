"""/healthz: 200 while the database answers; the broker's state is reported either way."""

import os
import runpy

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import override_settings

from config.celery import app as celery_app
from tests.brokers import publishing_to


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, broker_url):
    with publishing_to(broker_url):  # the machine's Redis
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_stays_up_but_names_an_unreachable_broker(client):
    with publishing_to("redis://127.0.0.1:1/0"):  # a closed port
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] != "ok"


@pytest.mark.django_db
def test_healthz_names_a_filesystem_broker_that_cannot_take_a_message(
    client, monkeypatch, tmp_path
):
    folder = str(tmp_path)
    options = celery_app.conf.get("broker_transport_options")
    celery_app.conf.update(broker_transport_options={"data_folder_out": folder})
    # The tests run as root, whom file modes do not stop: the folder is made unwritable here.
    monkeypatch.setattr(os, "access", lambda path, mode: str(path) != folder)
    try:
        with publishing_to("filesystem://localhost/"):
            body = client.get("/healthz").json()
    finally:
        celery_app.conf.update(broker_transport_options=options)
    assert body["broker"] == f"message folder not writable: {folder}"
    assert body["status"] == "ok"  # the database answers; writes do not wait on the broker


@pytest.mark.django_db
def test_healthz_names_the_database_engine_and_its_version(client):
    engine = client.get("/healthz").json()["engine"]
    assert engine.startswith("PostgreSQL ")
    version = engine.split()[1]
    assert version.split(".")[0].isdigit()


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError"


@pytest.fixture
def production_https(monkeypatch) -> dict:
    """The HTTPS settings config/settings.py gives production (DEBUG off, nothing overridden);
    the tests' environment turns the redirect off, so read them afresh without that."""
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    monkeypatch.setenv("DEBUG", "false")  # whatever a local .env says
    production = runpy.run_path(str(settings.BASE_DIR / "config" / "settings.py"))
    return {
        "SECURE_SSL_REDIRECT": production["SECURE_SSL_REDIRECT"],
        "SECURE_REDIRECT_EXEMPT": production["SECURE_REDIRECT_EXEMPT"],
    }


@pytest.mark.django_db
def test_healthz_answers_plain_http_probes_when_https_is_enforced(client, production_https):
    assert production_https["SECURE_SSL_REDIRECT"] is True
    with override_settings(**production_https):
        assert client.get("/healthz").status_code == 200
        for path in ("/", "/requests/", "/api/v1/", "/accounts/login/", "/healthz/"):
            response = client.get(path)
            assert response.status_code == 301, path
            assert response["Location"] == f"https://testserver{path}", path
