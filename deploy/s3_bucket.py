#!/usr/bin/env python
"""Create or remove buckets on the S3 endpoint the ANEF_S3_* variables describe (for the drill).

python deploy/s3_bucket.py create NAME [NAME...]   # private: all public access blocked where supported
python deploy/s3_bucket.py remove NAME [NAME...]   # empties it, then removes it
python deploy/s3_bucket.py probe NAME [NAME...]    # objects private, encrypted as ANEF_S3_SSE says
"""

import os
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("ANEF_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("ANEF_S3_REGION") or None,
        aws_access_key_id=os.environ.get("ANEF_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("ANEF_S3_SECRET_ACCESS_KEY") or None,
        config=Config(
            signature_version=os.environ.get("ANEF_S3_SIGNATURE_VERSION", "s3v4"),
            s3={"addressing_style": os.environ.get("ANEF_S3_ADDRESSING_STYLE") or "auto"},
        ),
    )


BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def create(s3, name: str) -> None:
    region = os.environ.get("ANEF_S3_REGION")
    options = {"CreateBucketConfiguration": {"LocationConstraint": region}} if region else {}
    s3.create_bucket(Bucket=name, **options)
    try:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
    except ClientError as exc:  # not every S3-compatible server has it; a new bucket is private anyway
        print(f"{name}: public access block not supported here ({exc.response['Error']['Code']})")
    try:
        s3.put_object(Bucket=name, Key="drill-probe", Body=b"")
        s3.delete_object(Bucket=name, Key="drill-probe")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AccessDenied":
            raise
        # Ceph RGW up to Pacific (Debian 12's 16.2) refuses every PutObject, even the owner's without any
        # ACL, once BlockPublicAcls is set (ceph/ceph#30033): keep the three other guards. Objects stay
        # private: the application never sends an ACL.
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL | {"BlockPublicAcls": False})
        print(f"{name}: this server refuses uploads under BlockPublicAcls (Ceph RGW bug); set without it")
    print(f"created {name}")


def remove(s3, name: str) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if objects:
            s3.delete_objects(Bucket=name, Delete={"Objects": objects})
    s3.delete_bucket(Bucket=name)
    print(f"removed {name}")


def probe(s3, name: str) -> None:
    """Fails (SystemExit) when an object of the bucket can be read without credentials, or is not
    encrypted at rest as ANEF_S3_SSE asks."""
    key = next(iter(s3.list_objects_v2(Bucket=name, MaxKeys=1).get("Contents", [])), {}).get("Key")
    if key is None:
        raise SystemExit(f"{name}: empty, nothing to probe")
    anonymous = boto3.client(
        "s3",
        endpoint_url=os.environ.get("ANEF_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("ANEF_S3_REGION") or None,
        config=Config(
            signature_version=UNSIGNED, s3={"addressing_style": os.environ.get("ANEF_S3_ADDRESSING_STYLE") or "auto"}
        ),
    )
    try:
        anonymous.get_object(Bucket=name, Key=key)
    except ClientError as exc:
        print(f"{name}/{key}: anonymous read refused ({exc.response['Error']['Code']})")
    else:
        raise SystemExit(f"{name}/{key} can be read without credentials")
    encryption = s3.head_object(Bucket=name, Key=key).get("ServerSideEncryption")
    wanted = os.environ.get("ANEF_S3_SSE") or None
    if wanted and encryption != wanted:
        raise SystemExit(f"{name}/{key}: server-side encryption {encryption!r}, expected {wanted!r}")
    print(f"{name}/{key}: server-side encryption {encryption!r}")


def main() -> int:
    action, names = sys.argv[1], sys.argv[2:]
    s3 = client()
    for name in names:
        {"create": create, "remove": remove, "probe": probe}[action](s3, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
