"""The password hasher: Argon2id at OWASP's minimum that keeps sign-in fast on small machines."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB of memory, 2 passes and 1 lane (OWASP Password Storage Cheat Sheet's
    first configuration). Django's defaults (100 MiB, 8 lanes) take several times longer on a
    two-core machine for no gain there; a hash made with other parameters (or with PBKDF2, as
    before) is rewritten with these at the owner's next sign-in."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
