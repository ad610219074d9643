"""Uploads on S3-compatible object storage (django-storages), read from the environment.

Set STORAGE_S3_BUCKET to switch the default storage from MEDIA_ROOT to the bucket: the choice as
soon as there is more than one application server. Objects are private and encrypted at rest by the
store; nobody downloads them straight from the bucket, every download goes through a view that
checks the user's scope and streams the bytes.
"""

from collections.abc import Mapping


def s3_storage(environ: Mapping[str, str]) -> dict | None:
    """The STORAGES["default"] entry for the bucket named in the environment, or None without one."""
    bucket = environ.get("STORAGE_S3_BUCKET", "")
    if not bucket:
        return None
    # Server-side encryption asked of the store; empty for a store that does not offer it.
    encryption = environ.get("STORAGE_S3_ENCRYPTION", "AES256")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("STORAGE_S3_REGION") or None,
            "access_key": environ.get("STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": environ.get("STORAGE_S3_SECRET_KEY") or None,
            "location": environ.get("STORAGE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": encryption} if encryption else {},
        },
    }
