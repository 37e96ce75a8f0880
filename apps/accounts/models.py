from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.accounts.devices import label_in_words


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """An account: signs in with its e-mail address and holds up to five profiles."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    # The language e-mails and pages use for this viewer ("" = not chosen yet: the browser's).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # ISO 3166-1 alpha-2, from the browser's locale at sign-up ("" = unknown); editable.
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    # Set by subscriptions while the account's own last payment failed and is being retried:
    # every page's banner reads it from the cached user row, at no query.
    payment_overdue = models.BooleanField(_("last payment failed"), default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class MaturityLimit(models.TextChoices):
    """The highest rating a profile may see; the codes are the catalogue's Title.maturity."""

    ALL = "all", _("All ages only")
    AGE_7 = "7", _("Up to 7+")
    AGE_13 = "13", _("Up to 13+")
    AGE_16 = "16", _("Up to 16+")
    AGE_18 = "18", _("Everything (18+)")


MATURITY_ORDER = ("all", "7", "13", "16", "18")  # mildest first
KIDS_MATURITY_LIMIT = "7"  # a Kids profile never goes above 7+
AVATAR_COUNT = 12  # generated avatars 0..11 (apps.accounts.avatars)


class Profile(models.Model):
    """Who is watching. Everything personal (history, ratings, recommendations) hangs off this."""

    COLOR_COUNT = 7  # avatar colours are CSS classes .avatar--c0 .. c6 (no inline styles: CSP)

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="profiles",
    )
    name = models.CharField(_("name"), max_length=40)
    is_kids = models.BooleanField(_("kids profile"), default=False)
    color = models.PositiveSmallIntegerField(_("colour"), default=0)
    maturity = models.CharField(
        _("maturity rating"),
        max_length=4,
        choices=MaturityLimit.choices,
        default=MaturityLimit.AGE_18,
        help_text=_("The highest rating this profile sees, everywhere on the site."),
    )
    # One of the generated avatars (0..AVATAR_COUNT-1); None shows the initial on the colour.
    avatar = models.PositiveSmallIntegerField(_("avatar"), null=True, blank=True)
    # A 4-digit PIN asked when switching to the profile, hashed like a password ("" = none).
    pin_hash = models.CharField(
        _("PIN (hashed)"), max_length=128, blank=True, default="", editable=False
    )
    onboarded_at = models.DateTimeField(_("onboarding finished at"), null=True, blank=True)
    # Device kinds chosen at onboarding ("tv", "phone", ...): what the viewer plans to use.
    planned_devices = models.JSONField(_("planned devices"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        # Creation order (the first is the main profile): the id, never `created_at`, which
        # follows the demo clock and can go back.
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="profile_name_unique_per_account"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initial(self) -> str:
        return (self.name[:1] or "?").upper()

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    @property
    def maturity_limit(self) -> str:
        """The rating limit in force: the setting, capped at 7+ on a Kids profile."""
        limit = self.maturity if self.maturity in MATURITY_ORDER else MaturityLimit.AGE_18
        if self.is_kids and MATURITY_ORDER.index(limit) > MATURITY_ORDER.index("7"):
            return KIDS_MATURITY_LIMIT
        return str(limit)

    @property
    def maturity_limit_label(self) -> str:
        """The limit in force in words ("Up to 13+"), as the account page lists it."""
        return str(MaturityLimit(self.maturity_limit).label)

    @property
    def allowed_maturities(self) -> tuple[str, ...]:
        """The Title.maturity codes this profile may see (all five: no limit)."""
        return MATURITY_ORDER[: MATURITY_ORDER.index(self.maturity_limit) + 1]


class Device(models.Model):
    """A browser or device a profile has watched on, recognised by a first-party cookie."""

    class Kind(models.TextChoices):
        TV = "tv", _("TV")
        PHONE = "phone", _("Phone")
        TABLET = "tablet", _("Tablet")
        COMPUTER = "computer", _("Computer")
        CONSOLE = "console", _("Game console")

    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="devices"
    )
    key = models.CharField(_("device key"), max_length=64)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=120, blank=True)
    # Where it was last used, as far as the browser says (its locale's region; no address is
    # looked up): ISO 3166-1 alpha-2, "" when unknown.
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    first_seen = models.DateTimeField(_("first used"))
    last_seen = models.DateTimeField(_("last used"))

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "key"], name="device_unique_per_profile")
        ]

    def __str__(self) -> str:
        # The label in the page's language ("Chrome sur Linux"; QA13 read "Chrome on Linux"
        # on a French downloads page).
        label = label_in_words(self.label)
        return f"{self.get_kind_display()} ({label})" if label else self.get_kind_display()


class DeviceSession(models.Model):
    """A signed-in session and the device (browser) key it runs on: what "sign out this device"
    ends. Keyed by the device's key, not one Device row, since one browser is a Device per
    profile used on it while it is a single session."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    device_key = models.CharField(max_length=64)
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["account", "device_key"], name="devsession_account_key")]

    def __str__(self) -> str:
        return f"{self.device_key} ({self.account_id})"


class EmailChange(models.Model):
    """A requested change of the sign-in address, waiting for its link to be followed.

    One per account: a new request replaces the one before, so only the latest link works.
    `token` is a hash of the link's secret (the link itself is never stored). Following the
    link marks the row confirmed; it goes once the old address is told the change went through."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="email_change",
    )
    old_email = models.EmailField(_("address when asked"))
    new_email = models.EmailField(_("new address"))
    token = models.CharField(_("link secret (hashed)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("asked at"))
    # Set when the link is followed: the row then waits only for the old address to be told.
    confirmed_at = models.DateTimeField(_("link followed at"), null=True, blank=True)
    # The claim on the row's current e-mails (the link and the notice; once confirmed, the
    # notice that it went through), apps.core.claims' shape: reset whenever they change.
    mail_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    mail_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail address change")
        verbose_name_plural = _("e-mail address changes")

    def __str__(self) -> str:
        return f"{self.old_email} → {self.new_email}"
