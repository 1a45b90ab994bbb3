#include "http/multipart.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace assetd::http {
namespace {

using namespace std::string_literals;

// The message of the ApiError that `parse` throws, which must be a 400.
template <typename F>
std::string errorOf(F&& parse) {
  try {
    parse();
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  ADD_FAILURE() << "no ApiError";
  return "";
}

std::string malformed(std::string_view body, std::string_view boundary = "XyZ") {
  return errorOf([&] { parseMultipart(body, boundary); });
}

TEST(MultipartBoundary, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipartBoundary(R"(multipart/form-data; boundary="a b;c")"), "a b;c");
  EXPECT_EQ(multipartBoundary("multipart/form-data;boundary=x;charset=utf-8"), "x");
  EXPECT_EQ(multipartBoundary("multipart/form-data; charset=utf-8; boundary=y"), "y");
}

TEST(MultipartBoundary, IgnoresCaseOfTypeAndParameterName) {
  EXPECT_EQ(multipartBoundary("Multipart/Form-Data; BOUNDARY=Ab"), "Ab");
  EXPECT_EQ(multipartBoundary("multipart/form-data; Boundary=\"q\""), "q");
}

TEST(MultipartBoundary, NulloptWhenNotFormDataOrNoBoundary) {
  EXPECT_EQ(multipartBoundary("application/json"), std::nullopt);
  EXPECT_EQ(multipartBoundary("multipart/mixed; boundary=x"), std::nullopt);
  EXPECT_EQ(multipartBoundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(multipartBoundary("multipart/form-data; charset=utf-8"), std::nullopt);
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(multipartBoundary(R"(multipart/form-data; boundary="")"), std::nullopt);
  EXPECT_EQ(multipartBoundary(R"(multipart/form-data; boundary="open)"), std::nullopt);
  EXPECT_EQ(multipartBoundary(""), std::nullopt);
}

// What python-requests sends for the SDK's chat upload with a file.
TEST(ParseMultipart, ReadsFieldsAndFilesSentByRequests) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"projectId\"\r\n\r\n"
      "P1\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"chat.json\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "[{\"a\":1}]\r\n"
      "--XyZ--\r\n";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "projectId");
  EXPECT_EQ(parts[0].filename, std::nullopt);
  EXPECT_EQ(parts[0].contentType, "");
  EXPECT_EQ(parts[0].body, "P1");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(parts[1].filename, "chat.json");
  EXPECT_EQ(parts[1].contentType, "application/json");
  EXPECT_EQ(parts[1].body, "[{\"a\":1}]");
}

TEST(ParseMultipart, IgnoresPreambleAndEpilogue) {
  const std::string body =
      "This is a preamble --XyZ not a delimiter\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=a\r\n\r\n"
      "1\r\n"
      "--XyZ--\r\n"
      "epilogue\r\n--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "a");
  EXPECT_EQ(parts[0].body, "1");
}

TEST(ParseMultipart, ToleratesBareLineFeeds) {
  const std::string body =
      "--XyZ\n"
      "Content-Disposition: form-data; name=\"a\"\n\n"
      "line1\nline2\n"
      "--XyZ\n"
      "content-disposition: form-data; name=\"b\"\n\n"
      "\n"
      "--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].body, "line1\nline2");
  EXPECT_EQ(parts[1].body, "");
}

TEST(ParseMultipart, BodiesAreBinarySafe) {
  std::string payload;
  for (int i = 0; i < 256; ++i) payload.push_back(static_cast<char>(i));
  payload += "\r\n--XyZa\r\n--Xy\r\n\r\n-- XyZ\r\n\0\0"s;
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"b\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      payload + "\r\n--XyZ--\r\n";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].body, payload);
}

TEST(ParseMultipart, KeepsLineBreaksOfTheBodyExceptTheDelimiters) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\nx\r\n\r\n\r\n--XyZ--";
  EXPECT_EQ(parseMultipart(body, "XyZ").at(0).body, "\r\nx\r\n\r\n");
}

TEST(ParseMultipart, AcceptsAnEmptyBodyRightAfterTheHeaders) {
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].body, "");
}

TEST(ParseMultipart, ReadsQuotedNamesWithEscapes) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"say \\\"hi\\\"; now\"; "
      "filename=\"C:\\dir\\a \\\\ b.txt\"\r\n\r\n"
      "x\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "say \"hi\"; now");
  EXPECT_EQ(parts[0].filename, "C:\\dir\\a \\ b.txt");
}

TEST(ParseMultipart, HeaderNamesAndParametersIgnoreCase) {
  const std::string body =
      "--XyZ\r\n"
      "CONTENT-DISPOSITION:form-data;NAME=\"n\";FileName=\"f.txt\"\r\n"
      "content-type:  text/plain  \r\n"
      "X-Other: ignored\r\n\r\n"
      "x\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "n");
  EXPECT_EQ(parts[0].filename, "f.txt");
  EXPECT_EQ(parts[0].contentType, "text/plain");
}

TEST(ParseMultipart, AcceptsAnEmptyFilenameAndEmptyName) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"\"; filename=\"\"\r\n\r\nx\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "");
  EXPECT_EQ(parts[0].filename, "");
}

TEST(ParseMultipart, AllowsBlanksAfterTheDelimiter) {
  const std::string body =
      "--XyZ  \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ \r\n"
      "Content-Disposition: form-data; name=b\r\n\r\n2\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].body, "2");
}

TEST(ParseMultipart, NoPartsAtAll) {
  EXPECT_TRUE(parseMultipart("--XyZ--\r\n", "XyZ").empty());
}

TEST(ParseMultipart, BoundaryOfSeventyCharactersIsAccepted) {
  const std::string boundary(70, 'b');
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + boundary +
                           "--";
  EXPECT_EQ(parseMultipart(body, boundary).size(), 1u);
}

TEST(ParseMultipartRejects, BoundaryOverSeventyCharacters) {
  const std::string boundary(71, 'b');
  EXPECT_EQ(malformed("--" + boundary + "--", boundary),
            "body: malformed multipart: boundary longer than 70 characters");
}

TEST(ParseMultipartRejects, EmptyBoundary) {
  EXPECT_EQ(malformed("----", ""), "body: malformed multipart: empty boundary");
}

TEST(ParseMultipartRejects, NoOpeningBoundary) {
  EXPECT_EQ(malformed(""), "body: malformed multipart: no opening boundary");
  EXPECT_EQ(malformed("just text"), "body: malformed multipart: no opening boundary");
  EXPECT_EQ(malformed("x--XyZ\r\n"), "body: malformed multipart: no opening boundary");
  EXPECT_EQ(malformed("--XyZabc\r\n"), "body: malformed multipart: no opening boundary");
}

TEST(ParseMultipartRejects, NoClosingBoundary) {
  const std::string head = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n";
  EXPECT_EQ(malformed(head + "truncated"), "body: malformed multipart: no closing boundary");
  EXPECT_EQ(malformed(head + "x\r\n--XyZ"), "body: malformed multipart: no closing boundary");
  EXPECT_EQ(malformed(head + "x\r\n--XyZ-"), "body: malformed multipart: no closing boundary");
  EXPECT_EQ(malformed(head + "x--XyZ--"), "body: malformed multipart: no closing boundary");
}

TEST(ParseMultipartRejects, MissingBlankLineAfterHeaders) {
  EXPECT_EQ(malformed("--XyZ\r\nContent-Disposition: form-data; name=a"),
            "body: malformed multipart: part 1: missing blank line after headers");
  EXPECT_EQ(malformed("--XyZ\r\n"),
            "body: malformed multipart: part 1: missing blank line after headers");
  EXPECT_EQ(malformed("--XyZ\r\nContent-Disposition: form-data; name=a\r\n--XyZ--\r\n"),
            "body: malformed multipart: part 1: missing blank line after headers");
}

TEST(ParseMultipartRejects, MissingName) {
  EXPECT_EQ(malformed("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"),
            "body: malformed multipart: part 1: Content-Disposition has no name");
  EXPECT_EQ(malformed("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--"),
            "body: malformed multipart: part 1: Content-Disposition has no name");
  EXPECT_EQ(malformed("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ\r\n"
                      "Content-Disposition: form-data; filename=\"f\"\r\n\r\ny\r\n--XyZ--"),
            "body: malformed multipart: part 2: Content-Disposition has no name");
}

TEST(ParseMultipartRejects, HeaderLineWithoutColon) {
  EXPECT_EQ(malformed("--XyZ\r\nnonsense\r\n\r\nx\r\n--XyZ--"),
            "body: malformed multipart: part 1: header line without ':'");
}

TEST(ParseMultipartRejects, UnterminatedQuote) {
  EXPECT_EQ(malformed("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--"),
            "body: malformed multipart: part 1: unterminated quoted string in "
            "Content-Disposition");
}

TEST(ParseMultipart, LargeBodyRoundTrips) {
  std::string payload(8 << 20, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131 % 251);
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n" +
                           payload + "\r\n--XyZ--\r\n";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(parts[0].body == payload);
}

// Near-miss delimiters everywhere: each is skipped once, and the parse still finishes.
TEST(ParseMultipart, HostileNearMissesAreContent) {
  std::string payload;
  for (int i = 0; i < 200000; ++i) payload += "\n--XyZz";
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\n" + payload + "\r\n--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].body, payload);
}

TEST(ParseMultipart, ManySmallParts) {
  std::string body;
  for (int i = 0; i < 10000; ++i)
    body += "--XyZ\r\nContent-Disposition: form-data; name=p" + std::to_string(i) + "\r\n\r\nv\r\n";
  body += "--XyZ--";
  const auto parts = parseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 10000u);
  EXPECT_EQ(parts[9999].name, "p9999");
}

}  // namespace
}  // namespace assetd::http
