"""Forms for curating the catalogue."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.catalogue.images import ACCEPTED_FORMATS, MIN_SIDE, validate_artwork_upload
from apps.catalogue.models import ArtworkVariant

ACCEPT_ATTR = ",".join(f"image/{fmt.lower()}" for fmt in ACCEPTED_FORMATS)


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
