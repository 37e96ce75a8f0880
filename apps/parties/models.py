"""Watch parties: a host's party on one title, its members, chat lines and voice messages.

The group's playback state lives on the Party row (status, position, the server time it held,
a version); it changes only in services.party_command under the row's lock.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.parties import sync


class Party(models.Model):
    class Status(models.TextChoices):
        IDLE = sync.IDLE, _("Not started")
        WAITING = sync.WAITING, _("Waiting for someone")
        PAUSED = sync.PAUSED, _("Paused")
        PLAYING = sync.PLAYING, _("Playing")

    host = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="hosted_parties",
    )
    title = models.ForeignKey(
        "catalogue.Title", verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    # For a series: the episode everyone watches now (`next` moves it on).
    episode = models.ForeignKey(
        "catalogue.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(_("invitation token"), max_length=64, unique=True)
    host_only_control = models.BooleanField(_("only the host controls playback"), default=False)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("invite expires"))
    revoked_at = models.DateTimeField(_("invite revoked"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The group state (sync.GroupState), server wall-clock seconds in `state_clock`.
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.IDLE
    )
    position = models.FloatField(_("position (seconds)"), default=0.0)
    state_clock = models.FloatField(_("state clock (server seconds)"), default=0.0)
    version = models.PositiveIntegerField(_("version"), default=0)
    waiting_on = models.JSONField(_("waiting for"), default=list, blank=True)
    resume = models.CharField(_("state after waiting"), max_length=8, default=sync.PAUSED)
    chat_deleted_at = models.DateTimeField(_("chat deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("watch party")
        verbose_name_plural = _("watch parties")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ended_at"], name="party_ended")]

    def __str__(self) -> str:
        return f"{self.title} ({self.host})"

    @property
    def group_state(self) -> sync.GroupState:
        return sync.GroupState(
            status=self.status,
            position=self.position,
            at=self.state_clock,
            version=self.version,
            episode_id=self.episode_id,
            waiting_on=tuple(self.waiting_on or ()),
            resume=self.resume,
        )

    def set_group_state(self, state: sync.GroupState) -> None:
        self.status = state.status
        self.position = state.position
        self.state_clock = state.at
        self.version = state.version
        self.episode_id = state.episode_id
        self.waiting_on = list(state.waiting_on)
        self.resume = state.resume


class OldInvite(models.Model):
    """An invite token the host replaced ("Revoke the invite link"): it admits nobody new, but
    says why, and a member's open player may still reconnect with it."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="old_invites")
    token = models.CharField(max_length=64, unique=True)
    replaced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"old invite of {self.party_id}"


class Member(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="members")
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="party_memberships"
    )
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the host"), null=True, blank=True)
    last_seq = models.BigIntegerField(default=-1)  # the last accepted command's number
    connections = models.PositiveSmallIntegerField(default=0)  # open sockets (presence)
    stepped_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["party", "profile"], name="party_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.profile} in {self.party_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None and self.left_at is None


class VoiceMessage(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="voice_messages")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    audio = models.FileField(upload_to="parties/voice/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    seconds = models.FloatField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"voice {self.pk} in {self.party_id}"


class ChatMessage(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        SYSTEM = "system", _("System line")
        VOICE = "voice", _("Voice message")

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="messages")
    member = models.ForeignKey(Member, null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    body = models.CharField(max_length=500, blank=True)
    # For a system line: what happened ("joined", "paused", ...); the client words it.
    event = models.CharField(max_length=16, blank=True)
    voice = models.OneToOneField(
        VoiceMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="message"
    )
    position = models.FloatField(default=0.0)  # the film's position when it was sent
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["party", "created_at"], name="party_chat_recent"),
            models.Index(
                fields=["member", "created_at"],
                name="party_chat_rate",
                condition=Q(kind="text"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} in {self.party_id}"
