"""Password hashing: Argon2id with OWASP's recommended parameters (docs/security.md).

Django's own Argon2 hasher uses 100 MiB and 8 lanes; OWASP's Password Storage Cheat Sheet recommends
19 MiB, 2 iterations, 1 lane for Argon2id. The algorithm name stays ``argon2``: hashes made with other
parameters are still checked, and Django re-hashes them with these at the user's next sign-in
(``must_update`` compares the parameters).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
