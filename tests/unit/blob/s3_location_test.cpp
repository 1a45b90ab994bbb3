// parseS3Location: the --blob s3://… value, its defaults and every way it can be wrong.
#include <gtest/gtest.h>

#include "blob/s3_blob_store.hpp"
#include "core/error.hpp"

namespace assetd::blob {
namespace {

// The message of the 400 that parsing `location` throws, or "" when it does not.
std::string rejection(std::string_view location) {
  try {
    parseS3Location(location);
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400) << e.what();
    return e.what();
  }
  return "";
}

TEST(S3Location, ReadsEveryParameter) {
  const S3Config config = parseS3Location(
      "s3://assetd-objects?endpoint=http://127.0.0.1:18080&region=eu-west-2&path_style=true"
      "&sign_payload=true&multipart_threshold=6291456&part_size=5242880");
  EXPECT_EQ(config.bucket, "assetd-objects");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:18080");
  EXPECT_EQ(config.region, "eu-west-2");
  EXPECT_TRUE(config.pathStyle);
  EXPECT_TRUE(config.signPayload);
  EXPECT_EQ(config.multipartThreshold, 6291456u);
  EXPECT_EQ(config.partSize, 5242880u);
  EXPECT_TRUE(config.credentials.accessKeyId.empty());
  EXPECT_FALSE(config.ensureBucket);
}

TEST(S3Location, WithoutEndpointMeansAwsVirtualHosted) {
  const S3Config config = parseS3Location("s3://my-bucket");
  EXPECT_EQ(config.endpoint, "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(config.region, "us-east-1");
  EXPECT_FALSE(config.pathStyle);
  EXPECT_FALSE(config.signPayload);
  EXPECT_EQ(config.multipartThreshold, 64u << 20);
  EXPECT_EQ(config.partSize, 16u << 20);

  EXPECT_EQ(parseS3Location("s3://my-bucket?region=eu-central-1").endpoint,
            "https://s3.eu-central-1.amazonaws.com");
}

TEST(S3Location, AnEndpointDefaultsToPathStyleUnlessTold) {
  EXPECT_TRUE(parseS3Location("s3://my-bucket?endpoint=https://minio.example:9000").pathStyle);
  EXPECT_FALSE(parseS3Location("s3://my-bucket?endpoint=https://storage.example&path_style=false")
                   .pathStyle);
  EXPECT_FALSE(parseS3Location("s3://my-bucket?path_style=0").pathStyle);
}

TEST(S3Location, EndpointMayBePercentEncodedAndLosesTrailingSlashes) {
  EXPECT_EQ(parseS3Location("s3://my-bucket?endpoint=http%3A%2F%2Fhost%3A9000%2F").endpoint,
            "http://host:9000");
  EXPECT_EQ(parseS3Location("s3://my-bucket?endpoint=http://host:9000/s3//").endpoint,
            "http://host:9000/s3");
}

TEST(S3Location, RejectsWhatIsNotAnS3Location) {
  EXPECT_EQ(rejection("local"),
            "blob: must be 'local' or s3://BUCKET?endpoint=...&region=...&path_style=...");
  EXPECT_EQ(rejection("gs://bucket"),
            "blob: must be 'local' or s3://BUCKET?endpoint=...&region=...&path_style=...");
}

TEST(S3Location, RejectsBadBucketNames) {
  for (const char* location :
       {"s3://", "s3://?region=us-east-1", "s3://ab", "s3://My-Bucket", "s3://-bucket",
        "s3://bucket-", "s3://bucket/key", "s3://bucket_name"}) {
    EXPECT_TRUE(rejection(location).starts_with("blob.bucket: ")) << location;
  }
  EXPECT_EQ(rejection("s3://a" + std::string(63, 'b')).substr(0, 13), "blob.bucket: ");
  EXPECT_EQ(rejection("s3://" + std::string(63, 'b')), "");
}

TEST(S3Location, RejectsBadParameters) {
  EXPECT_EQ(rejection("s3://bucket?regoin=x"),
            "blob.regoin: unknown parameter (known: endpoint, region, path_style, sign_payload, "
            "multipart_threshold, part_size)");
  EXPECT_EQ(rejection("s3://bucket?path_style=yes"), "blob.path_style: must be true or false");
  EXPECT_EQ(rejection("s3://bucket?sign_payload="), "blob.sign_payload: must be true or false");
  EXPECT_EQ(rejection("s3://bucket?region="),
            "blob.region: must be a region name such as us-east-1");
  EXPECT_EQ(rejection("s3://bucket?region=us/east"),
            "blob.region: must be a region name such as us-east-1");
  EXPECT_EQ(rejection("s3://bucket?endpoint=ftp://host"),
            "blob.endpoint: must be an http:// or https:// URL");
  EXPECT_TRUE(rejection("s3://bucket?endpoint=not-a-url").starts_with("blob.endpoint: "));
  EXPECT_EQ(rejection("s3://bucket?part_size=1048576"),
            "blob.part_size: must be a byte count from 5242880 to 5368709120");
  EXPECT_EQ(rejection("s3://bucket?multipart_threshold=0"),
            "blob.multipart_threshold: must be a byte count from 1 to 5368709120");
  EXPECT_EQ(rejection("s3://bucket?multipart_threshold=12MiB"),
            "blob.multipart_threshold: must be a byte count from 1 to 5368709120");
}

TEST(S3Location, DottedBucketsNeedPathStyleOverHttps) {
  EXPECT_EQ(rejection("s3://my.bucket"),
            "blob.path_style: a bucket name with '.' needs path_style=true over https");
  EXPECT_EQ(rejection("s3://my.bucket?path_style=true"), "");
}

}  // namespace
}  // namespace assetd::blob
