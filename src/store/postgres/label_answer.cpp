#include "store/postgres/label_answer.hpp"

#include <array>
#include <optional>

namespace assetd::store::postgres {
namespace {

constexpr std::array<std::string_view, 3> kParts = {"tools", "classifications", "relations"};

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A cursor over JSON text that is known to be valid.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  void skipSpace() {
    while (i_ < s_.size() && isSpace(s_[i_])) ++i_;
  }
  bool eat(char c) {
    skipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char peek() {
    skipSpace();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  // The string literal at the cursor, quotes included.
  std::string_view string() {
    skipSpace();
    std::size_t start = i_++;
    while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
    ++i_;
    return s_.substr(start, i_ - start);
  }
  // The value at the cursor, as written.
  std::string_view value() {
    skipSpace();
    std::size_t start = i_;
    int depth = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"') {
        string();
      } else {
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
        if (depth < 0 || (depth == 0 && c == ',')) break;
        ++i_;
      }
      if (depth == 0) {
        // A scalar ends at the next delimiter; a container or string just ended.
        if (c == '"' || c == ']' || c == '}') break;
      }
    }
    return s_.substr(start, i_ - start);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// A key as the text it names. Keys of interest are plain ASCII; an escaped key only needs
// its simple escapes undone to be compared (any \u escape makes it differ from all of them,
// unless it spells an ASCII letter).
std::string keyText(std::string_view literal) {
  std::string_view body = literal.substr(1, literal.size() - 2);
  if (body.find('\\') == std::string_view::npos) return std::string(body);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    char e = body[++i];
    if (e == 'u' && i + 4 < body.size()) {
      unsigned cp = 0;
      for (std::size_t k = 1; k <= 4; ++k) {
        char h = body[i + k];
        cp = cp * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      out += cp < 0x80 ? static_cast<char>(cp) : '\x01';  // non-ASCII: matches no part name
      i += 4;
    } else {
      out += e;  // \" \\ \/ and the letters: none can be part of a part name anyway
    }
  }
  return out;
}

std::string minified(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool inString = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (inString) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        inString = false;
      }
    } else if (!isSpace(c)) {
      inString = c == '"';
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string initialAnswer(std::string_view preLabelJson) {
  std::array<std::optional<std::string>, kParts.size()> found;
  Scanner scan(preLabelJson);
  if (!preLabelJson.empty() && scan.eat('{') && !scan.eat('}')) {
    do {
      std::string key = keyText(scan.string());
      scan.eat(':');
      bool isArray = scan.peek() == '[';
      std::string_view value = scan.value();
      for (std::size_t p = 0; p < kParts.size(); ++p)
        if (!found[p] && key == kParts[p]) found[p] = isArray ? minified(value) : "[]";
    } while (scan.eat(','));
  }
  std::string out = "{";
  for (std::size_t p = 0; p < kParts.size(); ++p) {
    if (p > 0) out += ',';
    out += '"';
    out += kParts[p];
    out += "\":";
    out += found[p] ? *found[p] : "[]";
  }
  out += '}';
  return out;
}

}  // namespace assetd::store::postgres
