#pragma once
// The multipart/form-data body of a browser form upload (S3's POST Object), read as it streams:
// the fields before the `file` part whole (they are small), then the file's bytes in pieces, so
// that a file of any size passes through a buffer of fixed size. Fields after the file are
// ignored, as S3 ignores them; a second file is an error. Part names compare case-insensitively.
// Delimiters are CRLF "--boundary" lines, as RFC 7578 and every browser write them.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/read_fn.hpp"

namespace assetd::s3 {

// S3's limit on the fields that precede the file (names and values summed).
inline constexpr std::size_t kMaxPostFieldBytes = 20 * 1024;

class PostFormReader {
 public:
  struct Head {
    std::vector<std::pair<std::string, std::string>> fields;  // names lower-cased, in order
    std::string filename;  // the file part's filename parameter, as sent ("" without one)
    std::string fileContentType;
  };

  // `source` pulls the raw body; `boundary` is the Content-Type's boundary parameter.
  PostFormReader(ReadFn source, std::string boundary,
                 std::size_t maxFieldBytes = kMaxPostFieldBytes);

  // Reads up to the start of the file's bytes. Call once, first. Throws S3Error 400:
  // MalformedPOSTRequest for a body that is not well-formed multipart/form-data (cut short
  // included), MaxPostPreDataLengthExceeded when the fields pass the limit,
  // IncorrectNumberOfFilesInPostRequest when the body ends without a file part; and what
  // `source` throws.
  Head readHead();

  // The file's next bytes; 0 at its end, once the rest of the body (the parts after the file,
  // the closing delimiter and whatever follows) is read and checked: the same errors as
  // readHead, IncorrectNumberOfFilesInPostRequest for a second file part. So a caller that
  // stores what it reads commits nothing before the whole body was well-formed.
  std::size_t readFile(char* buffer, std::size_t n);

 private:
  bool fill();
  std::size_t readPart(char* out, std::size_t n);
  // Reads a part's header lines; returns its lower-cased name, and sets filename/contentType.
  std::string readPartHeaders(std::string& filename, std::string& contentType);
  void skipPart();
  void finish();

  ReadFn source_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::size_t maxFieldBytes_;
  std::string_view pending() const;  // the bytes read but not consumed

  std::string buffer_;   // fixed size, allocated once
  std::size_t pos_ = 0;  // first unread byte of buffer_
  std::size_t end_ = 0;  // end of the bytes read into buffer_
  bool eof_ = false;
  bool partDone_ = false;  // the current part's delimiter was read
  bool closing_ = false;   // ... and it was the closing one
  bool fileDone_ = false;
};

}  // namespace assetd::s3
