"""Additional checksums kept and answered again by the built-in S3 endpoint, and the details of
multipart objects: x-amz-checksum-* sent with PutObject or UploadPart come back on GET/HEAD with
x-amz-checksum-mode: ENABLED, in ListParts and in CompleteMultipartUpload's result (COMPOSITE or
FULL_OBJECT, as S3 computes them); GET/HEAD ?partNumber=N; a repeated Complete; an UploadPartCopy
range past the source's end. Each test runs against the built-in endpoint and against Swift's s3api
(the `s3_target` fixture). Expected checksums are computed here, with zlib, hashlib and bitwise
CRC-32C / CRC-64/NVME. @aws-sdk/client-s3's checksums (headers and trailers) are checked by
tests/node/object_store.test.mjs, which test_object_store.py runs."""
import base64
import hashlib
import contextlib
import subprocess
import zlib

import pytest

pytestmark = pytest.mark.builtin_store

MIB = 1024 * 1024
# What the Swift s3api these tests run against lacks (checked against it: it neither answers nor
# keeps x-amz-checksum-*, answers ?partNumber=N with 405, takes a part after Complete and a copy
# range past the source's end).
NO_CHECKSUMS = "Swift's s3api does not implement additional checksums (x-amz-checksum-* are neither kept nor answered)"
NO_PART_GET = "Swift's s3api does not implement GET/HEAD ?partNumber=N (it answers 405 MethodNotAllowed)"


_TABLES = {}


def crc_reflected(data, polynomial, width):
    """A reflected CRC with all-ones start and end, through a byte table built bit by bit."""
    table = _TABLES.get(polynomial)
    if table is None:
        table = []
        for byte in range(256):
            crc = byte
            for _ in range(8):
                crc = (crc >> 1) ^ polynomial if crc & 1 else crc >> 1
            table.append(crc)
        _TABLES[polynomial] = table
    mask = (1 << width) - 1
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def raw_checksum(algorithm, data):
    algorithm = algorithm.lower()
    if algorithm == "sha1":
        return hashlib.sha1(data).digest()
    if algorithm == "sha256":
        return hashlib.sha256(data).digest()
    if algorithm == "crc32":
        return zlib.crc32(data).to_bytes(4, "big")
    if algorithm == "crc32c":
        return crc_reflected(data, 0x82F63B78, 32).to_bytes(4, "big")
    if algorithm == "crc64nvme":
        return crc_reflected(data, 0x9A6C9329AC4BC9B5, 64).to_bytes(8, "big")
    raise ValueError(algorithm)


def checksum(algorithm, data):
    return base64.b64encode(raw_checksum(algorithm, data)).decode()


def composite(algorithm, parts):
    joined = b"".join(raw_checksum(algorithm, part) for part in parts)
    return f"{checksum(algorithm, joined)}-{len(parts)}"


def pattern(size, seed=0):
    """Bytes that differ from position to position (a period of 4099, a prime) and by seed."""
    period = bytes((i * 31 + seed * 7 + (i >> 8)) & 0xFF for i in range(4099))
    return (period * (size // len(period) + 1))[:size]


@contextlib.contextmanager
def extra_headers(client, operation, headers):
    """Adds `headers` to the client's requests of `operation` (signed with them) meanwhile."""
    def add(request, **_):
        for name, value in headers.items():
            request.headers[name] = value
    event = f"before-sign.s3.{operation}"
    client.meta.events.register(event, add)
    try:
        yield
    finally:
        client.meta.events.unregister(event, add)


def headers_of(response):
    return response["ResponseMetadata"]["HTTPHeaders"]


def error_of(client, call, **kwargs):
    with pytest.raises(client.exceptions.ClientError) as error:
        call(**kwargs)
    return error.value.response


# botocore of this machine knows these four; CRC-64/NVME goes as a header below.
@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_put_checksum_is_returned_on_get_and_head(s3_target, algorithm):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    key = f"sum/put-{algorithm}.bin"
    body = pattern(100_000)
    expected = checksum(algorithm, body)
    put = s3.put_object(Bucket=bucket, Key=key, Body=body, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == expected
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected
    get = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert get[f"Checksum{algorithm}"] == expected
    assert get["Body"].read() == body
    assert headers_of(head)["x-amz-checksum-type"] == "FULL_OBJECT"
    assert headers_of(put)["x-amz-checksum-type"] == "FULL_OBJECT"
    # Only when asked for.
    plain = s3.head_object(Bucket=bucket, Key=key)
    assert f"Checksum{algorithm}" not in plain
    # A range is not the object the checksum describes.
    ranged = s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-9", ChecksumMode="ENABLED")
    assert f"Checksum{algorithm}" not in ranged and ranged["Body"].read() == body[:10]


def test_crc64nvme_put_is_returned(s3_target):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    body = b"The quick brown fox jumps over the lazy dog" * 50
    value = checksum("crc64nvme", body)
    with extra_headers(s3, "PutObject", {"x-amz-checksum-crc64nvme": value}):
        s3.put_object(Bucket=bucket, Key="sum/nvme.txt", Body=body)
    head = s3.head_object(Bucket=bucket, Key="sum/nvme.txt", ChecksumMode="ENABLED")
    assert headers_of(head)["x-amz-checksum-crc64nvme"] == value
    # A wrong one is refused and stores nothing.
    with extra_headers(s3, "PutObject", {"x-amz-checksum-crc64nvme": checksum("crc64nvme", b"other")}):
        response = error_of(s3, s3.put_object, Bucket=bucket, Key="sum/nvme-bad.txt", Body=body)
    assert response["Error"]["Code"] == "BadDigest"
    assert error_of(s3, s3.head_object, Bucket=bucket, Key="sum/nvme-bad.txt")["Error"]["Code"] == "404"


def upload_two_parts(s3, bucket, key, algorithm, **create):
    """A multipart upload of a 5 MiB and a 1000-byte part sent with `algorithm` checksums: (upload
    id, parts as Complete names them, the part bodies)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm, **create)
    bodies = [pattern(5 * MIB, 1), pattern(1000, 2)]
    parts = []
    for number, body in enumerate(bodies, start=1):
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body,
                              ChecksumAlgorithm=algorithm)
        assert sent[f"Checksum{algorithm}"] == checksum(algorithm, body)
        parts.append({"PartNumber": number, "ETag": sent["ETag"], f"Checksum{algorithm}": sent[f"Checksum{algorithm}"]})
    return upload, parts, bodies


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_multipart_composite_checksum(s3_target, algorithm):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    key = f"sum/composite-{algorithm}.bin"
    upload, parts, bodies = upload_two_parts(s3, bucket, key, algorithm)
    assert upload["ChecksumAlgorithm"] == algorithm
    assert headers_of(upload)["x-amz-checksum-type"] == "COMPOSITE"
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload["UploadId"])
    assert [p[f"Checksum{algorithm}"] for p in listed["Parts"]] == [checksum(algorithm, b) for b in bodies]
    assert listed["ChecksumAlgorithm"] == algorithm
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    expected = composite(algorithm, bodies)
    assert done[f"Checksum{algorithm}"] == expected
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected
    assert headers_of(head)["x-amz-checksum-type"] == "COMPOSITE"
    get = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert get[f"Checksum{algorithm}"] == expected
    assert get["Body"].read() == b"".join(bodies)


def test_multipart_full_object_crc(s3_target):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    key = "sum/full-object.bin"
    with extra_headers(s3, "CreateMultipartUpload", {"x-amz-checksum-type": "FULL_OBJECT"}):
        upload, parts, bodies = upload_two_parts(s3, bucket, key, "CRC32C")
    assert headers_of(upload)["x-amz-checksum-type"] == "FULL_OBJECT"
    whole = checksum("crc32c", b"".join(bodies))
    # A claim for the whole object that the parts do not make is refused; the upload stays.
    with extra_headers(s3, "CompleteMultipartUpload", {"x-amz-checksum-crc32c": checksum("crc32c", b"x")}):
        response = error_of(s3, s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                            MultipartUpload={"Parts": parts})
    assert response["Error"]["Code"] == "BadDigest"
    with extra_headers(s3, "CompleteMultipartUpload", {"x-amz-checksum-crc32c": whole}):
        done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                            MultipartUpload={"Parts": parts})
    assert done["ChecksumCRC32C"] == whole
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head["ChecksumCRC32C"] == whole
    assert headers_of(head)["x-amz-checksum-type"] == "FULL_OBJECT"


def test_multipart_crc64nvme_is_full_object(s3_target):
    """botocore of this machine cannot compute CRC-64/NVME: the parts carry it as a header."""
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    key = "sum/nvme-multipart.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC64NVME")
    assert headers_of(upload)["x-amz-checksum-type"] == "FULL_OBJECT"
    bodies = [pattern(5 * MIB, 6), pattern(4321, 7)]
    parts = []
    for number, body in enumerate(bodies, start=1):
        with extra_headers(s3, "UploadPart", {"x-amz-checksum-crc64nvme": checksum("crc64nvme", body)}):
            sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body)
        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    whole = checksum("crc64nvme", b"".join(bodies))
    assert done["ResponseMetadata"]["HTTPStatusCode"] == 200
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert headers_of(head)["x-amz-checksum-crc64nvme"] == whole
    assert headers_of(head)["x-amz-checksum-type"] == "FULL_OBJECT"


def test_checksum_rules_of_multipart_uploads(s3_target):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    key = "sum/rules.bin"
    # SHA algorithms are COMPOSITE only, CRC-64/NVME FULL_OBJECT only.
    with extra_headers(s3, "CreateMultipartUpload", {"x-amz-checksum-type": "FULL_OBJECT"}):
        response = error_of(s3, s3.create_multipart_upload, Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")
    assert response["Error"]["Code"] == "InvalidRequest"

    upload, parts, bodies = upload_two_parts(s3, bucket, key, "CRC32")
    # A part without a checksum of the upload's algorithm is refused.
    refused = error_of(s3, s3.upload_part, Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=3,
                       Body=b"x", ChecksumAlgorithm="SHA1")
    assert refused["Error"]["Code"] == "InvalidRequest"
    refused = error_of(s3, s3.upload_part, Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=3,
                       Body=b"x")
    assert refused["Error"]["Code"] == "InvalidRequest"
    # A part checksum that is not the stored one.
    wrong = [dict(parts[0]), dict(parts[1])]
    wrong[1]["ChecksumCRC32"] = checksum("crc32", b"something else")
    response = error_of(s3, s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                        MultipartUpload={"Parts": wrong})
    assert response["Error"]["Code"] == "InvalidPart"
    # COMPOSITE needs every part's checksum in the request.
    missing = [dict(parts[0]), {"PartNumber": 2, "ETag": parts[1]["ETag"]}]
    response = error_of(s3, s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                        MultipartUpload={"Parts": missing})
    assert response["Error"]["Code"] == "InvalidRequest"
    # The upload is still whole after the refusals.
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    assert done["ChecksumCRC32"] == composite("crc32", bodies)


def test_part_number_get_and_head(s3_target):
    s3_target.skip_unless(s3_target.builtin, NO_PART_GET)
    s3, bucket = s3_target.client, s3_target.bucket
    key = "sum/parts.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    bodies = [pattern(5 * MIB, 3), pattern(5 * MIB, 4), pattern(777, 5)]
    parts = []
    for number, body in enumerate(bodies, start=1):
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body)
        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    total = sum(len(b) for b in bodies)
    first = 0
    for number, body in enumerate(bodies, start=1):
        head = s3.head_object(Bucket=bucket, Key=key, PartNumber=number)
        assert head["ContentLength"] == len(body)
        assert head["PartsCount"] == 3
        assert head["ETag"] == done["ETag"]
        get = s3.get_object(Bucket=bucket, Key=key, PartNumber=number)
        assert get["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert get["ContentRange"] == f"bytes {first}-{first + len(body) - 1}/{total}"
        assert get["PartsCount"] == 3 and get["ETag"] == done["ETag"]
        assert get["Body"].read() == body
        first += len(body)
    response = error_of(s3, s3.get_object, Bucket=bucket, Key=key, PartNumber=4)
    assert response["Error"]["Code"] == "InvalidPartNumber"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 416

    # An object stored whole is its one part.
    s3.put_object(Bucket=bucket, Key="sum/whole.txt", Body=b"one part only")
    get = s3.get_object(Bucket=bucket, Key="sum/whole.txt", PartNumber=1)
    assert get["Body"].read() == b"one part only"
    response = error_of(s3, s3.get_object, Bucket=bucket, Key="sum/whole.txt", PartNumber=2)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "InvalidPart"
    # Not a part number, or beside a Range.
    for bad in (0, 10001):
        response = error_of(s3, s3.get_object, Bucket=bucket, Key=key, PartNumber=bad)
        assert response["Error"]["Code"] == "InvalidArgument", bad
    response = error_of(s3, s3.get_object, Bucket=bucket, Key=key, PartNumber=1, Range="bytes=0-1")
    assert response["Error"]["Code"] == "InvalidRequest"


def test_repeated_complete_answers_the_same(s3_target):
    s3, bucket = s3_target.client, s3_target.bucket
    key = "sum/again.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=b"only part")
    parts = {"Parts": [{"PartNumber": 1, "ETag": sent["ETag"]}]}
    first = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload=parts)
    before = s3.head_object(Bucket=bucket, Key=key)
    again = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload=parts)
    assert again["ETag"] == first["ETag"]
    assert again["Location"] == first["Location"]
    after = s3.head_object(Bucket=bucket, Key=key)
    assert after["LastModified"] == before["LastModified"] and after["ETag"] == before["ETag"]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"only part"
    s3_target.skip_unless(s3_target.builtin, "Swift's s3api takes parts of an upload after its Complete")
    # The upload is done: it takes no more parts.
    response = error_of(s3, s3.upload_part, Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=2,
                        Body=b"late")
    assert response["Error"]["Code"] == "NoSuchUpload"


def test_upload_part_copy_range_past_the_end(s3_target):
    s3_target.skip_unless(s3_target.builtin, "Swift's s3api copies a range that reaches past the source's end")
    s3, bucket = s3_target.client, s3_target.bucket
    s3.put_object(Bucket=bucket, Key="sum/source.bin", Body=pattern(1000))
    upload = s3.create_multipart_upload(Bucket=bucket, Key="sum/copied.bin")
    response = error_of(s3, s3.upload_part_copy, Bucket=bucket, Key="sum/copied.bin", UploadId=upload["UploadId"],
                        PartNumber=1, CopySource={"Bucket": bucket, "Key": "sum/source.bin"},
                        CopySourceRange="bytes=500-1000")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 416
    assert response["Error"]["Code"] == "InvalidRange"
    copied = s3.upload_part_copy(Bucket=bucket, Key="sum/copied.bin", UploadId=upload["UploadId"], PartNumber=1,
                                 CopySource={"Bucket": bucket, "Key": "sum/source.bin"},
                                 CopySourceRange="bytes=500-999")
    assert copied["CopyPartResult"]["ETag"] == f'"{hashlib.md5(pattern(1000)[500:]).hexdigest()}"'
    s3.abort_multipart_upload(Bucket=bucket, Key="sum/copied.bin", UploadId=upload["UploadId"])


def test_upload_part_copy_gets_the_uploads_checksum(s3_target):
    s3_target.skip_unless(s3_target.builtin, NO_CHECKSUMS)
    s3, bucket = s3_target.client, s3_target.bucket
    source = pattern(6 * MIB, 9)
    s3.put_object(Bucket=bucket, Key="sum/copy-source.bin", Body=source)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="sum/copy-summed.bin", ChecksumAlgorithm="SHA256")
    ranges = [(0, 5 * MIB - 1), (5 * MIB, len(source) - 1)]
    parts = []
    for number, (first, last) in enumerate(ranges, start=1):
        copied = s3.upload_part_copy(Bucket=bucket, Key="sum/copy-summed.bin", UploadId=upload["UploadId"],
                                     PartNumber=number, CopySource={"Bucket": bucket, "Key": "sum/copy-source.bin"},
                                     CopySourceRange=f"bytes={first}-{last}")["CopyPartResult"]
        assert copied["ChecksumSHA256"] == checksum("sha256", source[first:last + 1])
        parts.append({"PartNumber": number, "ETag": copied["ETag"], "ChecksumSHA256": copied["ChecksumSHA256"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="sum/copy-summed.bin", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    assert done["ChecksumSHA256"] == composite("sha256", [source[a:b + 1] for a, b in ranges])


def test_checksums_and_parts_survive_a_backup(server, tmp_path):
    """Checksums and part sizes are kept with the object's headers, so a backup carries them."""
    import apilib
    from conftest import LocalBlobs, Server, SqliteBackend, assetd_binary

    s3 = apilib.s3_client(server.url, server.admin_json("s3-credentials"))
    s3.put_object(Bucket="assetd", Key="backed/put.bin", Body=b"kept", ChecksumAlgorithm="SHA1")
    key = "backed/multi.bin"
    upload, parts, bodies = upload_two_parts(s3, "assetd", key, "CRC32")
    s3.complete_multipart_upload(Bucket="assetd", Key=key, UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts})
    dest = tmp_path / "backup"
    done = subprocess.run([str(assetd_binary()), "admin", "backup", "--data-dir", str(server.data_dir), "--to",
                           str(dest), "--objects-only"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    restored_dir = tmp_path / "restored"
    done = subprocess.run([str(assetd_binary()), "admin", "restore", "--from", str(dest), "--data-dir",
                           str(restored_dir)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    restored = Server(SqliteBackend(), restored_dir, tmp_path, blobs=LocalBlobs())
    restored.start()
    try:
        r3 = apilib.s3_client(restored.url, restored.admin_json("s3-credentials"))
        head = r3.head_object(Bucket="assetd", Key="backed/put.bin", ChecksumMode="ENABLED")
        assert head["ChecksumSHA1"] == checksum("sha1", b"kept")
        head = r3.head_object(Bucket="assetd", Key=key, ChecksumMode="ENABLED")
        assert head["ChecksumCRC32"] == composite("crc32", bodies)
        part = r3.get_object(Bucket="assetd", Key=key, PartNumber=2)
        assert part["PartsCount"] == 2 and part["Body"].read() == bodies[1]
    finally:
        restored.stop()
