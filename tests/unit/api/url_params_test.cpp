// The parameters of getUploadUrl and getSignedUrl.
#include "api/url_params.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "api_error_matchers.hpp"

namespace assetd::api {
namespace {

using assetd::testing::throwsApiError;

TEST(CheckFileName, AcceptsPlainNames) {
  for (std::string name :
       std::vector<std::string>{"f.png", "3f9c0e.jpg", "a b (1).tar.gz", "ünïcødé.txt", ".hidden",
                                std::string(1024, 'x')})
    EXPECT_NO_THROW(checkFileName(name)) << name;
}

TEST(CheckFileName, RefusesPathsAndControlCharacters) {
  EXPECT_TRUE(throwsApiError([] { checkFileName(""); }, "name: required"));
  EXPECT_TRUE(throwsApiError([] { checkFileName(std::string(1025, 'x')); },
                             "name: must be at most 1024 bytes"));
  for (std::string name : {"a/b", "../x", "/etc/passwd", "a\\b", "..\\x"})
    EXPECT_TRUE(throwsApiError([&] { checkFileName(name); },
                               "name: must be a plain file name, without '/' or '\\'"))
        << name;
  EXPECT_TRUE(throwsApiError([] { checkFileName(".."); }, "name: must not contain '..'"));
  EXPECT_TRUE(throwsApiError([] { checkFileName("a..b"); }, "name: must not contain '..'"));
  EXPECT_TRUE(throwsApiError([] { checkFileName("."); }, "name: must be a plain file name"));
  for (std::string name :
       {std::string("a\nb"), std::string("a\0b", 3), std::string("a\x7f"), std::string("\t")})
    EXPECT_TRUE(
        throwsApiError([&] { checkFileName(name); }, "name: must not contain control characters"));
  for (std::string name : {"\xff.png", "\xc0\xaf.png", "\xed\xa0\x80.png", "a\xe2\x82"})
    EXPECT_TRUE(throwsApiError([&] { checkFileName(name); }, "name: must be UTF-8")) << name;
}

TEST(FileType, DefaultsToAssetsAndKnowsTheSeedsSix) {
  EXPECT_EQ(fileType(std::nullopt), "assets");
  for (std::string t :
       {"assets", "segmentationModels", "brushes", "medicalBrushes", "exports", "instructions"})
    EXPECT_EQ(fileType(t), t);
  for (std::string t : {"", "Assets", "asset", "../assets"})
    EXPECT_TRUE(throwsApiError(
        [&] { fileType(t); },
        "type: must be one of assets, segmentationModels, brushes, medicalBrushes, exports, "
        "instructions"))
        << t;
}

TEST(UploadKey, IsTypeOrganizationProjectName) {
  EXPECT_EQ(uploadKey("brushes", "O1", "P1", "f.png"), "brushes/O1/P1/f.png");
}

TEST(CheckContentType, NeedsAPrintableMediaType) {
  EXPECT_NO_THROW(checkContentType("image/png"));
  EXPECT_NO_THROW(checkContentType("text/plain; charset=utf-8"));
  for (std::string bad :
       std::vector<std::string>{"", "png", "/png", "image/", " image/png", "image/png\r\nx: y",
                                "image/\xc3\xa9", std::string(257, 'a') + "/b"})
    EXPECT_TRUE(assetd::testing::throwsApiErrorStartingWith([&] { checkContentType(bad); },
                                                            "contentType: "))
        << bad;
}

}  // namespace
}  // namespace assetd::api
