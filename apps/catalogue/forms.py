"""Forms for curating the catalogue."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.catalogue.images import ACCEPTED_FORMATS, MIN_SIDE, validate_artwork_upload
from apps.catalogue.models import ArtworkVariant, Title
from apps.core import json_input

ACCEPT_ATTR = ",".join(f"image/{fmt.lower()}" for fmt in ACCEPTED_FORMATS)


class GenreChoiceField(forms.ModelChoiceField):
    """The emphasized genre, its empty choice saying it must be chosen (QA12)."""

    def __init__(self, *args, **kwargs):
        kwargs["empty_label"] = _("Choose a genre (required)")
        super().__init__(*args, **kwargs)


class ArtworkVariantForm(forms.ModelForm):
    """An artwork variant with its image upload checked by content, size and pixel count.

    A plain FileField, not forms.ImageField: that one turns every failure (including a
    decompression bomb) into one generic message before ours can say what is wrong.
    """

    original = forms.FileField(
        label=_("Image"),
        help_text=format_lazy(
            _(
                "JPEG, PNG or WebP, at least {min}×{min} pixels. Cards (2:3) and the hero (16:9) "
                "are cropped from its centre."
            ),
            min=MIN_SIDE,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )

    class Meta:
        model = ArtworkVariant
        field_classes = {"genre": GenreChoiceField}
        fields = [
            "title",
            "label",
            "tone",
            "focus",
            "genre",
            "original",
            "is_active",
            "kids_suitable",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # QA12: two variants saved without one met two bare "This field is required." in a
        # wide inline table; the choice now says what it is for and that it is needed.
        genre = self.fields["genre"]
        genre.help_text = _(
            "Required: the genre this image plays up. The artwork report learns which style "
            "each genre's fans choose."
        )
        genre.error_messages["required"] = _(
            "Choose the genre this image plays up (for example the title's main genre)."
        )

    def clean_original(self):
        upload = self.cleaned_data.get("original")
        # Only a new upload is checked; an unchanged field holds the stored file.
        if isinstance(upload, UploadedFile):
            validate_artwork_upload(upload)
        return upload

    @property
    def new_upload(self) -> UploadedFile | None:
        """The uploaded file if this submission brings one (for the service to store)."""
        upload = self.cleaned_data.get("original")
        if "original" in self.changed_data and isinstance(upload, UploadedFile):
            return upload
        return None


class NameListField(forms.CharField):
    """A list of short texts (a title's moods, its cast) typed as one line, comma-separated:
    "Tense, Dark humour". The admin showed the stored JSON (`[]`, `["Tense"]`); pasted JSON of
    texts is still understood. Blanks and repeats are dropped, the order is kept."""

    default_error_messages = {
        "invalid": _(
            "Write the names separated by commas, e.g. “%(example)s”, without brackets or "
            "quotes (“%(item)s” is not a name)."
        ),
        "too_long": _("“%(item)s” is longer than %(max)d characters: is a comma missing?"),
    }
    MAX_ITEM = 80

    def __init__(self, *, example: str, **kwargs):
        self.example = example
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 80}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        if isinstance(value, str) and value.startswith("["):  # the model's JSON as loaded
            try:
                return self.prepare_value(json_input.loads(value))
            except ValueError:
                return value
        return value

    def to_python(self, value) -> list[str]:
        text = (super().to_python(value) or "").strip()
        if text.startswith("["):
            try:
                items = json_input.loads(text)
            except ValueError:
                items = None
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise self._invalid(text)
        else:
            items = text.split(",")
        names: list[str] = []
        for item in (" ".join(i.split()) for i in items):
            if not item:
                continue
            if any(char in item for char in '[]{}"'):
                raise self._invalid(item)
            if len(item) > self.MAX_ITEM:
                raise forms.ValidationError(
                    self.error_messages["too_long"],
                    code="too_long",
                    params={"item": item, "max": self.MAX_ITEM},
                )
            if item.casefold() not in {n.casefold() for n in names}:
                names.append(item)
        return names

    def _invalid(self, item: str) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid"],
            code="invalid",
            params={"example": self.example, "item": item},
        )

    def has_changed(self, initial, data) -> bool:
        try:
            return list(initial or []) != self.to_python(data)
        except forms.ValidationError:
            return True


class TitleForm(forms.ModelForm):
    """A title with its moods and cast as comma-separated lines."""

    tags = NameListField(
        label=_("Tags and moods"),
        example="atmospheric, chilling, bingeable",  # moods are typed in English
        help_text=_("Separated by commas. The title page lists them and search finds them."),
    )
    cast = NameListField(
        label=_("Cast"),
        example="Ada Lovelace, Alan Turing",
        help_text=_("The leading cast in billing order, separated by commas."),
    )

    class Meta:
        model = Title
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields shown
