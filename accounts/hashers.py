"""Password hashing: Argon2id, tuned for this machine's size.

Django's Argon2 defaults (100 MiB, 8 lanes) cost about 240 ms of CPU per hash
here; PBKDF2 with Django 6.1's 1,500,000 iterations about 320 ms (0.5 s on a
busy machine), and every wrong password costs the same. 32 MiB in 3 passes on
one lane costs about 90-100 ms of CPU here, and memory-hardness makes guessing
on a GPU expensive still. Hashes made with other parameters (or by PBKDF2,
kept second in PASSWORD_HASHERS) are rehashed with these at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 32 * 1024  # KiB
    parallelism = 1
