#include "s3/post_form.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include "http/header_parameters.hpp"
#include "s3/s3_error.hpp"

namespace assetd::s3 {
namespace {

constexpr std::size_t kChunk = 256 * 1024;
constexpr std::size_t kMaxHeaderBytes = 8 * 1024;  // one part's header lines
constexpr std::size_t kMaxBoundary = 70;           // RFC 2046
constexpr std::size_t kMaxPadding = 256;           // blanks after a delimiter

[[noreturn]] void malformed() {
  throw S3Error(400, "MalformedPOSTRequest",
                "The body of your POST request is not well-formed multipart/form-data.");
}

[[noreturn]] void wrongFileCount() {
  throw S3Error(400, "IncorrectNumberOfFilesInPostRequest",
                "POST requires exactly one file upload per request.");
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

PostFormReader::PostFormReader(ReadFn source, std::string boundary, std::size_t maxFieldBytes)
    : source_(std::move(source)), delimiter_("\r\n--" + boundary), maxFieldBytes_(maxFieldBytes) {
  if (boundary.empty() || boundary.size() > kMaxBoundary) malformed();
  // The first delimiter need not follow a line break: start as if one preceded the body.
  buffer_.resize(kChunk + kMaxHeaderBytes + 2 * (kMaxBoundary + kMaxPadding));
  buffer_[0] = '\r';
  buffer_[1] = '\n';
  end_ = 2;
}

bool PostFormReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {  // only a short tail is left when more is needed: moving it is cheap
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buffer_.size()) malformed();  // a lookahead longer than any the format needs
  std::size_t got = source_(buffer_.data() + end_, buffer_.size() - end_);
  end_ += got;
  if (got == 0) eof_ = true;
  return got > 0;
}

std::string_view PostFormReader::pending() const {
  return {buffer_.data() + pos_, end_ - pos_};
}

std::size_t PostFormReader::readPart(char* out, std::size_t n) {
  if (partDone_) return 0;
  for (;;) {
    std::string_view unread = pending();
    std::size_t at = unread.find(delimiter_);
    if (at == 0) {
      // A delimiter line: "--" closes the body; blanks and CRLF start the next part. Anything
      // else after the boundary makes it content.
      std::size_t after = delimiter_.size();
      while (unread.size() < after + 2 && fill()) unread = pending();
      if (unread.size() < after + 2) malformed();
      if (unread.substr(after, 2) == "--") {
        pos_ += after + 2;
        partDone_ = closing_ = true;
        return 0;
      }
      std::size_t end = after;
      for (;;) {
        while (end < unread.size() && (unread[end] == ' ' || unread[end] == '\t') &&
               end - after < kMaxPadding)
          ++end;
        if (end < unread.size() || end - after >= kMaxPadding || !fill()) break;
        unread = pending();
      }
      while (unread.size() < end + 2 && fill()) unread = pending();
      if (unread.substr(end, 2) == "\r\n") {
        pos_ += end + 2;
        partDone_ = true;
        return 0;
      }
      at = unread.find(delimiter_, 1);  // content that looked like a delimiter
    }
    std::size_t safe = at;
    if (at == std::string_view::npos)
      safe = unread.size() >= delimiter_.size() ? unread.size() - (delimiter_.size() - 1) : 0;
    if (safe > 0) {
      std::size_t take = std::min(safe, n);
      std::memcpy(out, unread.data(), take);
      pos_ += take;
      return take;
    }
    if (!fill()) malformed();  // the body ends inside a part
  }
}

std::string PostFormReader::readPartHeaders(std::string& filename, std::string& contentType) {
  partDone_ = false;
  std::optional<std::string> name;
  std::size_t headerBytes = 0;
  for (;;) {
    std::string_view unread = pending();
    std::size_t end = unread.find("\r\n");
    if (end == std::string_view::npos) {
      if (unread.size() > kMaxHeaderBytes || !fill()) malformed();
      continue;
    }
    std::string_view line = unread.substr(0, end);
    headerBytes += end + 2;
    if (headerBytes > kMaxHeaderBytes) malformed();
    if (line.empty()) {
      pos_ += 2;
      break;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) malformed();
    std::string header = lowercase(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (header == "content-disposition") {
      std::size_t semicolon = value.find(';');
      if (lowercase(trim(value.substr(0, semicolon))) != "form-data" ||
          semicolon == std::string_view::npos)
        malformed();
      auto params = http::parseHeaderParameters(value.substr(semicolon + 1));
      if (!params) malformed();  // an unterminated quoted string
      for (auto& [param, text] : *params) {
        if (param == "name") name = lowercase(text);
        if (param == "filename") filename = std::move(text);
      }
    } else if (header == "content-type") {
      contentType = value;
    }
    pos_ += end + 2;
  }
  if (!name) malformed();
  return *name;
}

void PostFormReader::skipPart() {
  char scratch[16 * 1024];
  while (readPart(scratch, sizeof scratch) > 0) {
  }
}

PostFormReader::Head PostFormReader::readHead() {
  Head head;
  skipPart();  // the preamble, normally empty
  std::size_t fieldBytes = 0;
  while (!closing_) {
    std::string filename;
    std::string contentType;
    std::string name = readPartHeaders(filename, contentType);
    if (name == "file") {
      head.filename = std::move(filename);
      head.fileContentType = std::move(contentType);
      return head;
    }
    fieldBytes += name.size();
    std::string value;
    char piece[4096];
    while (std::size_t got = readPart(piece, sizeof piece)) {
      fieldBytes += got;
      if (fieldBytes > maxFieldBytes_)
        throw S3Error(400, "MaxPostPreDataLengthExceeded",
                      "Your POST request fields preceding the upload file were too large.");
      value.append(piece, got);
    }
    if (fieldBytes > maxFieldBytes_)
      throw S3Error(400, "MaxPostPreDataLengthExceeded",
                    "Your POST request fields preceding the upload file were too large.");
    head.fields.emplace_back(std::move(name), std::move(value));
  }
  wrongFileCount();
}

std::size_t PostFormReader::readFile(char* buffer, std::size_t n) {
  if (fileDone_ || n == 0) return 0;
  if (std::size_t got = readPart(buffer, n)) return got;
  fileDone_ = true;
  finish();
  return 0;
}

void PostFormReader::finish() {
  while (!closing_) {
    std::string filename;
    std::string contentType;
    if (readPartHeaders(filename, contentType) == "file") wrongFileCount();
    skipPart();
  }
  // The epilogue, normally empty, is read so the connection can serve the next request.
  pos_ = end_;
  while (fill()) pos_ = end_;
}

}  // namespace assetd::s3
