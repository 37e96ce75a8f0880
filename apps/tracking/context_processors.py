from apps.tracking.consent import consent_for


def consent(request):
    """The request's consent, for the banner and track.js's switch (no query)."""
    return {"consent": consent_for(request)}
