"""What a screen reader or a keyboard relies on, in the markup the server sends: a skip link to
<main>, the page's language, a name for every card control that starts with what the eye
reads, results said in the page's live region, form errors tied to their fields.

(axe-core audits the pages by hand, see the README's "Accessibility"; it is not run here.)"""

from html.parser import HTMLParser

import pytest

from apps.browse.models import MyListEntry
from apps.core import clock
from apps.ratings.models import Rating
from tests.factories import ProfileFactory, TitleFactory, signed_in

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, pred):
        return [n for n in self.walk() if pred(n)]

    def text(self):
        """Visible text with img alts, as an accessible name is computed from content."""
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif child.attrs.get("aria-hidden") == "true" or "hidden" in child.attrs:
                continue
            elif child.tag == "img":
                out.append(child.attrs.get("alt") or "")
            elif child.tag not in ("svg", "source"):
                out.append(child.text())
        return " ".join(" ".join(out).split())

    def name(self):
        return self.attrs.get("aria-label") or self.text()


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#root", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, attrs, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def tree(response):
    return Tree(response.content.decode()).root


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_skip_link_leads_to_main_and_the_page_says_its_language(client, lang):
    viewer = signed_in(ProfileFactory(), client)
    page = tree(viewer.get("/search/", HTTP_ACCEPT_LANGUAGE=lang))
    (html,) = page.find_all(lambda n: n.tag == "html")
    assert html.attrs["lang"] == lang
    (body,) = page.find_all(lambda n: n.tag == "body")
    first_link = body.find_all(lambda n: n.tag == "a")[0]
    assert "skip-link" in first_link.classes() and first_link.attrs["href"] == "#main"
    assert first_link.text() == {"en": "Skip to content", "fr": "Aller au contenu"}[lang]
    (main,) = page.find_all(lambda n: n.attrs.get("id") == "main")
    assert main.tag == "main" and main.attrs.get("tabindex") == "-1"  # focusable by the link
    (status,) = page.find_all(lambda n: n.attrs.get("id") == "a11y-status")
    assert status.attrs["role"] == "status" and status.attrs["aria-live"] == "polite"


@pytest.mark.django_db
def test_every_card_control_has_a_name_that_starts_with_what_the_card_shows(client):
    TitleFactory(name="Lantern Bay")
    TitleFactory(name="Lantern Keeper")
    viewer = signed_in(ProfileFactory(), client)
    MyListEntry.objects.create(
        profile=viewer.profile, title=TitleFactory(name="Lantern Moor"), added_at=clock.now()
    )
    page = tree(viewer.get("/search/?q=lantern"))
    cards = page.find_all(lambda n: n.tag == "article" and "card" in n.classes())
    assert len(cards) == 3
    for card in cards:
        (link,) = card.find_all(lambda n: "card__link" in n.classes())
        title = card.find_all(lambda n: "card__name" in n.classes())[0].text()
        # No aria-label hiding the visible text (WCAG 2.5.3): the name is the card's content.
        assert "aria-label" not in link.attrs
        assert link.name().startswith(title), link.name()
        buttons = card.find_all(lambda n: n.tag == "button")
        assert len(buttons) == 4  # My list and three thumbs
        for button in buttons:
            assert button.name().strip(" +✓"), button.attrs
        (my_list,) = [b for b in buttons if "my-list-btn" in b.classes()]
        on = title == "Lantern Moor"
        assert my_list.attrs["aria-pressed"] == ("true" if on else "false")
        assert my_list.text().endswith(
            f"Remove {title} from My list" if on else f"Add {title} to My list"
        )
        (group,) = card.find_all(lambda n: n.attrs.get("role") == "group")
        assert group.attrs["aria-label"] == f"Rate {title}"


def _oob_status(response) -> str:
    (region,) = tree(response).find_all(lambda n: n.attrs.get("id") == "a11y-status")
    assert region.attrs["hx-swap-oob"] == "innerHTML"  # into the region already in the page
    return region.text()


@pytest.mark.django_db
def test_my_list_and_thumbs_answers_say_what_happened_in_the_live_region(viewer_client):
    title = TitleFactory(name="Salt & <Roads>")
    url = f"/my-list/{title.pk}/"
    added = viewer_client.post(url, {"action": "add"}, HTTP_HX_REQUEST="true")
    assert _oob_status(added) == "Added “Salt & <Roads>” to My list."
    assert "<Roads>" not in added.content.decode()  # escaped, not markup
    removed = viewer_client.post(url, {"action": "remove"}, HTTP_HX_REQUEST="true")
    assert _oob_status(removed) == "Removed “Salt & <Roads>” from My list."  # app.js: Ctrl+Z
    assert not MyListEntry.objects.filter(title=title).exists()

    rate = f"/ratings/{title.pk}/"
    liked = viewer_client.post(rate, {"value": "like"}, HTTP_HX_REQUEST="true")
    assert _oob_status(liked) == "Rated “Salt & <Roads>”: I like this."
    cleared = viewer_client.post(rate, {"value": "none"}, HTTP_HX_REQUEST="true")
    assert _oob_status(cleared) == "Cleared your rating of “Salt & <Roads>”."
    assert not Rating.objects.filter(title=title).exists()


@pytest.mark.django_db
def test_a_refused_action_says_nothing_in_the_live_region(viewer_client):
    title = TitleFactory()
    response = viewer_client.post(
        f"/my-list/{title.pk}/", {"action": "maybe"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "a11y-status" not in response.content.decode()
    assert not MyListEntry.objects.exists()


def _described_errors(page, field_id) -> list[str]:
    (field,) = page.find_all(lambda n: n.attrs.get("id") == field_id)
    assert field.attrs.get("aria-invalid") == "true"
    ids = field.attrs["aria-describedby"].split()
    described = page.find_all(lambda n: n.attrs.get("id") in ids)
    return [n.text() for n in described]


@pytest.mark.django_db
def test_form_errors_are_tied_to_their_fields(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "password": "a-long-pass-phrase", "profile_name": "R"},
    )
    said = _described_errors(tree(response), "id_email")
    assert any("Enter a valid email address." in text for text in said), said


def _autofocused(root) -> list[str]:
    return [n.attrs.get("id") or n.tag for n in root.find_all(lambda n: "autofocus" in n.attrs)]


@pytest.mark.django_db
def test_a_refused_signup_puts_focus_on_the_first_wrong_field(client):
    """Reloaded after the POST, the page would start reading from the top and an alert drawn at
    load is not announced: focus goes to the first wrong field, which says what is wrong (QA11)."""
    response = client.post(
        "/accounts/signup/",
        {"email": "nobody@example.test", "password": "123", "profile_name": ""},
    )
    root = tree(response)
    assert _autofocused(root) == ["id_password"]  # before "profile name", also refused
    assert (
        "id_password_error"
        in root.find_all(lambda n: n.attrs.get("id") == "id_password")[0].attrs["aria-describedby"]
    )
    assert _autofocused(tree(client.get("/accounts/signup/"))) == []  # not on a fresh form


@pytest.mark.django_db
def test_a_refused_sign_in_puts_focus_on_what_went_wrong(client):
    ProfileFactory(account__email="rob@example.test")
    response = client.post(
        "/accounts/login/", {"username": "rob@example.test", "password": "not-the-password"}
    )
    root = tree(response)
    errors = root.find_all(lambda n: "form-errors" in n.classes())
    assert len(errors) == 1 and "autofocus" in errors[0].attrs
    assert errors[0].attrs["tabindex"] == "-1"
    assert "password of your account" in errors[0].text()
    # The first autofocus in the page wins: the message, before the e-mail box's own.
    assert _autofocused(root)[0] != "id_username"


@pytest.mark.django_db
def test_a_search_too_long_is_tied_to_the_search_box(viewer_client):
    response = viewer_client.get("/search/", {"q": "x" * 101})
    assert response.status_code == 400
    said = _described_errors(tree(response), "search-q")
    assert "Search terms are at most 100 characters." in said


@pytest.mark.django_db
def test_a_visitor_meets_the_consent_choice_right_after_the_skip_link(client):
    page = tree(client.get("/help/"))
    (body,) = page.find_all(lambda n: n.tag == "body")
    controls = body.find_all(lambda n: n.tag in ("a", "button", "select", "input", "summary"))
    controls = [c for c in controls if c.attrs.get("type") != "hidden"]
    assert "skip-link" in controls[0].classes()
    (banner,) = page.find_all(lambda n: "data-consent-banner" in n.attrs)
    in_banner = {id(n) for n in banner.walk()}
    after_skip = [id(c) in in_banner for c in controls[1:5]]
    assert after_skip == [True, True, True, True]  # its link, then its three choices
