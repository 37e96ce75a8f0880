import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_display_name(value: str) -> None:
    """Refuse invisible and control characters in a name other people see.

    Bidirectional overrides (U+202E and friends), zero-width joiners and other format (Cf)
    or control (Cc) characters let a name display as something it is not ("Mom" that reads
    differently in the profile picker or a watch party's member list).
    """
    bad = sorted({ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf")})
    if bad:
        raise ValidationError(
            _("Names can't contain invisible or control characters (%(codes)s)."),
            code="invisible_characters",
            params={"codes": ", ".join(f"U+{ord(ch):04X}" for ch in bad)},
        )
