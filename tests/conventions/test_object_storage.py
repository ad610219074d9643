"""Uploads on S3-compatible object storage: the same journey as on disk, objects private and encrypted.

moto stands in for the object store (no network): the settings built from the environment are the
ones production reads.
"""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from conventions.models import ConventionDocument
from iscg.object_storage import s3_storage
from tests.conventions.factories import PDF_BYTES
from tests.conventions.test_uploads import pdf, upload_url

ENVIRONMENT = {
    "STORAGE_S3_BUCKET": "iscg-documents",
    "STORAGE_S3_REGION": "eu-west-3",
    "STORAGE_S3_ACCESS_KEY": "test-access-key",
    "STORAGE_S3_SECRET_KEY": "test-secret-key",
    "STORAGE_S3_PREFIX": "televersements",
}


def test_without_a_bucket_uploads_stay_on_disk():
    assert s3_storage({}) is None
    assert s3_storage({"STORAGE_S3_BUCKET": ""}) is None


def test_a_store_without_server_side_encryption_can_be_used():
    config = s3_storage({**ENVIRONMENT, "STORAGE_S3_ENCRYPTION": ""})
    assert config["OPTIONS"]["object_parameters"] == {}
    assert config["OPTIONS"]["endpoint_url"] is None


@pytest.fixture
def bucket(settings):
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-3")
        client.create_bucket(Bucket="iscg-documents", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage(ENVIRONMENT)}
        yield client


def test_a_document_goes_to_the_bucket_private_and_encrypted_and_comes_back_through_the_view(
    world, client_for, bucket, django_capture_on_commit_callbacks
):
    response = client_for("coordinator_a").post(
        upload_url(world.a.convention), {"title": "Avenant financier 2026", "file": pdf("Convention Martin.pdf")}
    )
    assert response.status_code == 302
    document = ConventionDocument.objects.get(title="Avenant financier 2026")
    key = f"televersements/{document.file.name}"
    stored = bucket.head_object(Bucket="iscg-documents", Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["ContentLength"] == len(PDF_BYTES)
    assert "Martin" not in key  # the uploaded name is never kept
    grants = bucket.get_object_acl(Bucket="iscg-documents", Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only: not public

    download = client_for("funder_a").get(document.get_absolute_url())
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert client_for("funder_b").get(document.get_absolute_url()).status_code == 404

    delete = reverse(
        "conventions:document_delete",
        kwargs={"public_id": world.a.convention.public_id, "document_id": document.public_id},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("coordinator_a").post(delete).status_code == 302
    assert bucket.list_objects_v2(Bucket="iscg-documents", Prefix="televersements/").get("KeyCount") == 0
