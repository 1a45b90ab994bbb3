#include <gtest/gtest.h>

#include "jobs/object_key.hpp"

namespace assetd::jobs {
namespace {

TEST(CopyFileName, TakesTheLastPathSegment) {
  EXPECT_EQ(copyFileName("https://example.com/a/b/photo.jpg"), "photo.jpg");
  EXPECT_EQ(copyFileName("https://example.com/a/b/photo.jpg?X-Amz-Signature=1#top"), "photo.jpg");
  EXPECT_EQ(copyFileName("http://example.com:8080/scan-01_v2.nii.gz"), "scan-01_v2.nii.gz");
}

TEST(CopyFileName, DecodesThenReplacesWhatIsNotSafe) {
  EXPECT_EQ(copyFileName("https://example.com/my%20file.png"), "my_file.png");
  EXPECT_EQ(copyFileName("https://example.com/a%2F..%2Fb"), "a_.._b");
  EXPECT_EQ(copyFileName("https://example.com/caf%C3%A9.txt"), "caf__.txt");
  EXPECT_EQ(copyFileName("https://example.com/x%00y"), "x_y");
  EXPECT_EQ(copyFileName("https://example.com/100%"), "100_");
}

TEST(CopyFileName, NeverDotSegmentsOrEmpty) {
  EXPECT_EQ(copyFileName("https://example.com/"), "file");
  EXPECT_EQ(copyFileName("https://example.com"), "file");
  EXPECT_EQ(copyFileName("https://example.com/dir/.."), "_.");
  EXPECT_EQ(copyFileName("https://example.com/."), "_");
  EXPECT_EQ(copyFileName("https://example.com/.hidden"), "_hidden");
  EXPECT_EQ(copyFileName("https://example.com/?q=1"), "file");
}

TEST(CopyFileName, IsBounded) {
  std::string longName(5000, 'a');
  EXPECT_EQ(copyFileName("https://example.com/" + longName).size(), 200u);
}

TEST(CopyObjectKey, NamesOrganizationProjectAndAsset) {
  core::CopyJob job{.assetId = "A1",
                    .organization = "O1",
                    .project = "P1",
                    .sourceUrl = "https://example.com/dir/img.png",
                    .leaseToken = ""};
  EXPECT_EQ(copyObjectKey(job), "assets/O1/P1/A1/img.png");
}

}  // namespace
}  // namespace assetd::jobs
