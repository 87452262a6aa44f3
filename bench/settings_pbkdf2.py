"""The portal's settings with the hashers as they were: PBKDF2 (1,500,000 iterations) first.

Only `bench/signin.py` uses it, to measure the sign-in before and after Argon2id.
"""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.PortalArgon2PasswordHasher",
]
