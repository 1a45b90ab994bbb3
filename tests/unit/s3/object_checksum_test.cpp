// The checksums kept with objects: COMPOSITE and FULL_OBJECT values of multipart uploads (the
// expected values were computed apart from this code, with Python's zlib, hashlib and bitwise
// CRC-32C / CRC-64/NVME), the rules of CreateMultipartUpload's headers, and how checksums and
// part sizes are recorded among the kept headers.
#include "s3/object_checksum.hpp"
#include "s3_error_code.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "s3/stream_digest.hpp"

namespace assetd::s3 {
namespace {

using testing::codeOf;

// The parts "The quick brown fox ", "jumps over ", "the lazy dog".
struct Vector {
  const char* algorithm;
  std::vector<std::string> parts;  // each part's checksum
  const char* composite;
  const char* full;  // the checksum of the whole body
};

const std::vector<Vector>& vectors() {
  static const std::vector<Vector> table = {
      {"crc32", {"iLB14g==", "L4EkxA==", "KRBX4w=="}, "xU/lUQ==-3", "QU+jOQ=="},
      {"crc32c", {"RmdbuQ==", "yltTwA==", "rE67xg=="}, "jbcjnA==-3", "ImIEBA=="},
      {"crc64nvme",
       {"e+WXsHOhtoM=", "wZj0wP46/xQ=", "QLhF/tMVteg="},
       "5O0l9pD+RPI=-3",
       "12xUBUlUwUM="},
      {"sha1",
       {"PjQ2oHPnLFMAzcps5cMh5J38QS4=", "UI0bpkyszOQj3URYJUBsJmnymfE=",
        "u6wPzXHZ9zmmpzd1TlJOn4Rsmc4="},
       "35CNe/xk6dFHFPTTHUlYdG67E18=-3",
       nullptr},
      {"sha256",
       {"sp1m5W7ZDM6bAWXEP+3sYStgoHGXTYvkUT4YWA1Vtb0=",
        "Z4DlJrsmYa+i63wlRfXeBauw4n6dC4UPduR6HCkschY=",
        "5vbP1U3JaQxDn/Xw16ozdlqqcztI20X4IlwSXDLr8ks="},
       "zaqbqwxblBztGfNY1qTEjrTPj3X1KS6Vofi9Umh9oHU=-3",
       nullptr},
  };
  return table;
}

const std::vector<std::uint64_t> kPartSizes = {20, 11, 12};

TEST(ObjectChecksum, CompositeIsTheChecksumOfThePartChecksums) {
  for (const Vector& v : vectors())
    EXPECT_EQ(compositeChecksum(v.algorithm, v.parts), v.composite) << v.algorithm;
  EXPECT_FALSE(compositeChecksum("crc32", {"not base64"}));
  EXPECT_FALSE(compositeChecksum("crc32", {"e+WXsHOhtoM="}));  // 8 bytes: not a CRC-32
}

TEST(ObjectChecksum, FullObjectCrcCombinesThePartCrcs) {
  for (const Vector& v : vectors()) {
    std::vector<std::pair<std::string, std::uint64_t>> parts;
    for (std::size_t i = 0; i < v.parts.size(); ++i) parts.emplace_back(v.parts[i], kPartSizes[i]);
    if (v.full)
      EXPECT_EQ(fullObjectCrc(v.algorithm, parts), v.full) << v.algorithm;
    else
      EXPECT_FALSE(fullObjectCrc(v.algorithm, parts)) << v.algorithm;
  }
}

TEST(ObjectChecksum, CombineMatchesTheCrcOfTheConcatenation) {
  std::string a(100000, '\0');
  std::string b(70001, '\0');
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(i * 7 + 3);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>(i * 13 + 1);
  std::string ab = a + b;
  EXPECT_EQ(
      combineCrc("crc32", crc32(0, a.data(), a.size()), crc32(0, b.data(), b.size()), b.size()),
      crc32(0, ab.data(), ab.size()));
  EXPECT_EQ(
      combineCrc("crc32c", crc32c(0, a.data(), a.size()), crc32c(0, b.data(), b.size()), b.size()),
      crc32c(0, ab.data(), ab.size()));
  EXPECT_EQ(combineCrc("crc64nvme", crc64nvme(0, a.data(), a.size()),
                       crc64nvme(0, b.data(), b.size()), b.size()),
            crc64nvme(0, ab.data(), ab.size()));
  // An empty second part changes nothing; an empty first one leaves the second.
  EXPECT_EQ(combineCrc("crc32", 0x12345678u, 0, 0), 0x12345678u);
  EXPECT_EQ(combineCrc("crc32", 0, 0xCAFEu, 5), 0xCAFEu);
}

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(ObjectChecksum, UploadChecksumFollowsS3sRules) {
  EXPECT_FALSE(uploadChecksumOf({{"host", "h"}}));
  auto crc = uploadChecksumOf({{"x-amz-checksum-algorithm", "CRC32"}});
  ASSERT_TRUE(crc);
  EXPECT_EQ(crc->algorithm, "crc32");
  EXPECT_EQ(crc->type, ChecksumType::Composite);
  auto nvme = uploadChecksumOf({{"x-amz-checksum-algorithm", "CRC64NVME"}});
  EXPECT_EQ(nvme->type, ChecksumType::FullObject);
  auto full = uploadChecksumOf(
      {{"x-amz-checksum-algorithm", "CRC32C"}, {"x-amz-checksum-type", "FULL_OBJECT"}});
  EXPECT_EQ(full->type, ChecksumType::FullObject);
  for (const Headers& bad :
       {Headers{{"x-amz-checksum-type", "COMPOSITE"}}, Headers{{"x-amz-checksum-algorithm", "MD5"}},
        Headers{{"x-amz-checksum-algorithm", "CRC32"}, {"x-amz-checksum-type", "PARTIAL"}},
        Headers{{"x-amz-checksum-algorithm", "CRC64NVME"}, {"x-amz-checksum-type", "COMPOSITE"}},
        Headers{{"x-amz-checksum-algorithm", "SHA256"}, {"x-amz-checksum-type", "FULL_OBJECT"}}})
    EXPECT_EQ(codeOf([&] { uploadChecksumOf(bad); }), "InvalidRequest") << bad.back().second;
}

TEST(ObjectChecksum, RecordedAmongTheKeptHeadersAndNotAnswered) {
  StoredHeaders headers = {{"x-amz-meta-a", "1"}};
  recordChecksum(headers, {"sha1", "35CNe/xk6dFHFPTTHUlYdG67E18=-3", ChecksumType::Composite});
  recordPartSizes(headers, {5242880, 5242880, 5242880, 17});
  // Read back through the sidecar's text form.
  auto decoded = decodeStoredHeaders(encodeStoredHeaders(headers));
  ASSERT_TRUE(decoded);
  auto checksum = recordedChecksum(*decoded);
  ASSERT_TRUE(checksum);
  EXPECT_EQ(checksum->algorithm, "sha1");
  EXPECT_EQ(checksum->value, "35CNe/xk6dFHFPTTHUlYdG67E18=-3");
  EXPECT_EQ(checksum->type, ChecksumType::Composite);
  EXPECT_EQ(recordedPartSizes(*decoded),
            (std::vector<std::uint64_t>{5242880, 5242880, 5242880, 17}));
  EXPECT_EQ(answeredHeaders(*decoded), (StoredHeaders{{"x-amz-meta-a", "1"}}));
  // A copy keeps a whole-object checksum only.
  EXPECT_EQ(copiedHeaders(*decoded), (StoredHeaders{{"x-amz-meta-a", "1"}}));
  recordChecksum(headers, {"crc32", "QU+jOQ==", ChecksumType::FullObject});
  EXPECT_EQ(recordedChecksum(copiedHeaders(headers))->value, "QU+jOQ==");
  EXPECT_TRUE(recordedPartSizes(copiedHeaders(headers)).empty());
  // Old sidecars have none of it.
  EXPECT_FALSE(recordedChecksum({{"x-amz-meta-a", "1"}}));
  EXPECT_TRUE(recordedPartSizes({{"x-amz-meta-a", "1"}}).empty());
  // Never taken from a request.
  EXPECT_TRUE(
      storedHeadersOf({{"x-amz-checksum-crc32", "QU+jOQ=="}, {"x-amz-mp-parts", "1*5"}}).empty());
}

TEST(ObjectChecksum, UploadChecksumRecordedInTheInfo) {
  StoredHeaders info;
  recordUploadChecksum(info, {"crc32c", ChecksumType::FullObject});
  auto read = recordedUploadChecksum(*decodeStoredHeaders(encodeStoredHeaders(info)));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->algorithm, "crc32c");
  EXPECT_EQ(read->type, ChecksumType::FullObject);
  EXPECT_FALSE(recordedChecksum(info));
}

}  // namespace
}  // namespace assetd::s3
