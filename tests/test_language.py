"""Bahasa Indonesia first, whatever the browser asks for; English only by the switch."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_indonesian(client: Client) -> None:
    page = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "id"
    assert 'lang="id"' in page.content.decode()


@pytest.mark.django_db
def test_the_language_switch_gives_english_and_back(client: Client, settings: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert client.get("/akun/masuk/").headers["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "id", "next": "/akun/masuk/"})
    assert client.get("/akun/masuk/").headers["Content-Language"] == "id"
