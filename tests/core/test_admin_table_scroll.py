"""On a phone the admin reports' wide tables scroll sideways in a region the keyboard can reach
and scroll, named apart from the rest of the page (QA14 #7: the scrolling box was #content or
the table itself, which held nothing focusable: axe scrollable-region-focusable at 390 px)."""

import re

from tests.core.test_admin_report_permissions import campaign, experiment  # noqa: F401

WRAPPED = re.compile(
    r'<div class="table-scroll" tabindex="0" role="region" aria-label="([^"]+)">\s*<table'
)


def wrapped_table_names(html: str) -> list[str]:
    """The names of the scroll regions, checked to hold every table of the report."""
    html = html.split('id="content-main"')[1]  # not the admin's sidebar
    names = WRAPPED.findall(html)
    assert len(names) == html.count("<table"), "a table outside a keyboard scroll region"
    assert len(set(names)) == len(names), f"two regions share a name: {names}"
    return names


def test_the_campaign_report_tables_scroll_in_named_regions(admin_client, campaign):  # noqa: F811
    html = admin_client.get(f"/admin/engagement/campaign/{campaign.pk}/report/").content.decode()
    assert wrapped_table_names(html) == ["Results by variant"]


def test_the_experiment_report_table_scrolls_in_a_named_region(admin_client, experiment):  # noqa: F811
    admin_client.cookies["django_language"] = "fr"
    url = f"/admin/experiments/experiment/{experiment.pk}/report/"
    assert wrapped_table_names(admin_client.get(url).content.decode()) == ["Résultats par variante"]
