"""The subscriptions app keeps to its place in DESIGN.md's dependency table (issue 11)."""

import ast
from pathlib import Path

import pytest

from apps.accounts import activity
from apps.tracking.services import track
from tests.factories import TitleFactory
from tests.subscriptions.conftest import subscribe

APP = Path(__file__).resolve().parents[2] / "apps" / "subscriptions"
MODULES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> list[tuple[ast.AST, str, bool]]:
    """(node, imported module, inside a function) for every import in the file."""
    found = []

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((child, a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.append((child, child.module or "", in_function))
            walk(child, inner)

    walk(ast.parse(path.read_text()), False)
    return found


def test_subscriptions_writes_tracking_events_but_never_reads_the_log():
    reads = [
        f"{p.relative_to(APP)}: {module}"
        for p in MODULES
        for _node, module, _inner in _imports(p)
        if module.startswith("apps.tracking") and module != "apps.tracking.services"
    ]
    assert reads == []


def test_selectors_never_import_services():
    selectors = [*sorted((APP / "selectors").glob("*.py")), APP / "zones.py"]
    back = [
        f"{p.relative_to(APP)}: {module}"
        for p in selectors
        for _node, module, _inner in _imports(p)
        if module.startswith("apps.subscriptions.services")
    ]
    assert back == []


def test_nothing_in_subscriptions_is_demo_only_or_imports_the_demo():
    offenders = [
        str(p.relative_to(APP))
        for p in MODULES
        if "def demo_" in p.read_text()
        or any(module.startswith("apps.demo") for _n, module, _i in _imports(p))
    ]
    assert offenders == []


def test_imports_inside_functions_say_why():
    unexplained = []
    for p in MODULES:
        lines = p.read_text().splitlines()
        for node, module, inner in _imports(p):
            if inner and "#" not in lines[node.end_lineno - 1]:
                unexplained.append(f"{p.relative_to(APP)}:{node.lineno} {module}")
    assert unexplained == []


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


@pytest.mark.django_db
def test_the_cancel_page_names_what_they_watch_through_the_registered_history(viewer):
    subscribe(viewer.user)
    title = TitleFactory(name="The Long Night")
    track(name="play_started", profile=viewer.profile, properties={"title_id": title.pk})
    assert "The Long Night" in viewer.get("/account/subscription/cancel/").content.decode()
    registered = activity._provider
    activity.register_play_history(None)
    try:  # without a provider (an install without tracking) the page still works, quietly
        page = viewer.get("/account/subscription/cancel/").content.decode()
    finally:
        activity.register_play_history(registered)
    assert "May we ask why? (optional)" in page and "The Long Night" not in page


def test_every_subscription_page_extends_the_shared_frame():
    templates = APP.parents[1] / "templates" / "subscriptions"
    pages = [p for p in templates.glob("*.html") if not p.name.startswith("_")]
    own_frame = [
        p.name
        for p in pages
        if p.name != "base.html"
        and not p.read_text().startswith('{% extends "subscriptions/base.html" %}')
    ]
    assert pages and own_frame == []
    repeated = [p.name for p in pages if p.name != "base.html" and "<h1>" in p.read_text()]
    assert repeated == []  # the page heading comes from the frame's `heading` block
