// The streaming multipart/form-data reader of browser form uploads: fields before the file,
// the file's bytes in pieces whatever the source's chunking, and S3's errors for bad forms.
#include "s3/post_form.hpp"
#include "s3_error_code.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "s3/s3_error.hpp"

namespace assetd::s3 {
namespace {

using testing::codeOf;

// A source handing out `body` at most `step` bytes at a time.
ReadFn sourceOf(std::string body, std::size_t step) {
  auto offset = std::make_shared<std::size_t>(0);
  auto text = std::make_shared<std::string>(std::move(body));
  return [text, offset, step](char* buffer, std::size_t n) {
    std::size_t take = std::min({n, step, text->size() - *offset});
    std::memcpy(buffer, text->data() + *offset, take);
    *offset += take;
    return take;
  };
}

std::string part(const std::string& disposition, const std::string& body,
                 const std::string& extraHeaders = "") {
  return "--XyZ\r\nContent-Disposition: form-data; " + disposition + "\r\n" + extraHeaders +
         "\r\n" + body + "\r\n";
}

struct Read {
  PostFormReader::Head head;
  std::string file;
};

Read readAll(const std::string& body, std::size_t step = 1 << 20, std::size_t bufferSize = 7) {
  PostFormReader form(sourceOf(body, step), "XyZ");
  Read out;
  out.head = form.readHead();
  std::string buffer(bufferSize, '\0');
  while (std::size_t n = form.readFile(buffer.data(), buffer.size())) out.file.append(buffer, 0, n);
  return out;
}

TEST(PostForm, FieldsThenFile) {
  std::string body = part(R"(name="Key")", "user/${filename}") +
                     part(R"(name="x-amz-meta-note")", "two\r\nlines") +
                     part(R"(name="file"; filename="a b.txt")", "hello\r\n--XyZ-not-a-delimiter",
                          "Content-Type: text/plain\r\n") +
                     "--XyZ--\r\n";
  for (std::size_t step : {1, 2, 3, 5, 16, 1 << 20}) {
    Read r = readAll(body, step);
    ASSERT_EQ(r.head.fields.size(), 2u);
    EXPECT_EQ(r.head.fields[0].first, "key");
    EXPECT_EQ(r.head.fields[0].second, "user/${filename}");
    EXPECT_EQ(r.head.fields[1].second, "two\r\nlines");
    EXPECT_EQ(r.head.filename, "a b.txt");
    EXPECT_EQ(r.head.fileContentType, "text/plain");
    EXPECT_EQ(r.file, "hello\r\n--XyZ-not-a-delimiter") << step;
  }
}

TEST(PostForm, PreambleEmptyFileAndEpilogue) {
  std::string body = "ignored preamble\r\n" + part(R"(name="key")", "k") +
                     part(R"(name="file"; filename="")", "") + "--XyZ--\r\nepilogue";
  Read r = readAll(body, 3);
  EXPECT_EQ(r.head.fields.size(), 1u);
  EXPECT_EQ(r.file, "");
}

TEST(PostForm, FieldsAfterTheFileAreIgnored) {
  std::string body = part(R"(name="file")", "data") + part(R"(name="key")", "late") + "--XyZ--";
  Read r = readAll(body);
  EXPECT_TRUE(r.head.fields.empty());
  EXPECT_EQ(r.file, "data");
}

TEST(PostForm, DelimiterWithTrailingBlanks) {
  std::string body =
      "--XyZ \t\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ--";
  EXPECT_EQ(readAll(body, 1).file, "x");
}

TEST(PostForm, LargeFileInPieces) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data += static_cast<char>(i % 251);
  data += "\r\n--XyZ";  // a delimiter without its line break is content...
  data += "x";
  std::string body = part(R"(name="file")", data) + "--XyZ--\r\n";
  Read r = readAll(body, 70000, 1 << 20);
  EXPECT_EQ(r.file, data);
}

TEST(PostForm, WrongNumberOfFiles) {
  EXPECT_EQ(codeOf([] { readAll(part(R"(name="key")", "k") + "--XyZ--"); }),
            "IncorrectNumberOfFilesInPostRequest");
  EXPECT_EQ(codeOf([] { readAll("--XyZ--"); }), "IncorrectNumberOfFilesInPostRequest");
  EXPECT_EQ(codeOf([] {
              readAll(part(R"(name="file")", "a") + part(R"(name="FILE")", "b") + "--XyZ--");
            }),
            "IncorrectNumberOfFilesInPostRequest");
}

TEST(PostForm, Malformed) {
  for (const std::string& body : std::vector<std::string>{
           std::string(""), std::string("no delimiter at all"),
           part(R"(name="key")", "k"),                                     // no closing delimiter
           part(R"(name="file")", "cut short"),                            // file without its end
           "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",  // no name
           "--XyZ\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nx\r\n--XyZ--",
           "--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--",
           "--XyZ\r\nContent-Disposition: form-data; name=\"unterminated\r\n\r\nx\r\n--XyZ--",
           "--XyZ\r\nContent-Disposition: form-data; name=\"file\"",   // headers cut short
           "--XyZ\r\n" + std::string(10000, 'h') + "\r\n\r\n--XyZ--",  // header line too long
       })
    EXPECT_EQ(codeOf([&] { readAll(body); }), "MalformedPOSTRequest") << body;
  EXPECT_EQ(codeOf([] { PostFormReader(sourceOf("", 1), ""); }), "MalformedPOSTRequest");
}

TEST(PostForm, FieldsBeforeTheFileAreLimited) {
  std::string body = part(R"(name="a")", std::string(kMaxPostFieldBytes, 'x')) +
                     part(R"(name="file")", "x") + "--XyZ--";
  EXPECT_EQ(codeOf([&] { readAll(body); }), "MaxPostPreDataLengthExceeded");
}

TEST(PostForm, SourceErrorsPassThrough) {
  PostFormReader form([](char*, std::size_t) -> std::size_t { throw std::runtime_error("gone"); },
                      "XyZ");
  EXPECT_THROW(form.readHead(), std::runtime_error);
}

}  // namespace
}  // namespace assetd::s3
