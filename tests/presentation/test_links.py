"""Paths kept per process are the paths Django reverses, under whatever prefix the site is
served from."""

from __future__ import annotations

from django.urls import clear_script_prefix, reverse, set_script_prefix

from requests_tracker.presentation.links import path_to


def test_a_kept_path_is_the_reversed_one_under_the_script_prefix() -> None:
    assert path_to("web:county_detail", "06037") == reverse("web:county_detail", args=["06037"])
    try:
        set_script_prefix("/tracker/")
        assert path_to("web:county_detail", "06037") == "/tracker/counties/06037/"
        assert path_to("web:request_detail", 7) == reverse("web:request_detail", args=[7])
    finally:
        clear_script_prefix()
    assert path_to("web:county_detail", "06037") == "/counties/06037/"
