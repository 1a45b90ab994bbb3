#include "s3/http_date.hpp"

#include <array>
#include <chrono>
#include <ctime>

namespace assetd::s3 {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Consumes the text a cursor is at, piece by piece; any mismatch makes it fail for good.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool ok() const { return ok_; }
  bool done() const { return ok_ && text_.empty(); }

  void literal(std::string_view expected) {
    if (ok_ && text_.starts_with(expected)) {
      text_.remove_prefix(expected.size());
    } else {
      ok_ = false;
    }
  }
  // Exactly `digits` decimal digits.
  int number(std::size_t digits) {
    int value = 0;
    if (!ok_ || text_.size() < digits) {
      ok_ = false;
      return 0;
    }
    for (std::size_t i = 0; i < digits; ++i) {
      char c = text_[i];
      if (c < '0' || c > '9') {
        ok_ = false;
        return 0;
      }
      value = value * 10 + (c - '0');
    }
    text_.remove_prefix(digits);
    return value;
  }
  // One of `names`; its index.
  template <std::size_t N>
  int oneOf(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; ok_ && i < N; ++i)
      if (text_.starts_with(names[i])) {
        text_.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    ok_ = false;
    return 0;
  }
  char peek() const { return ok_ && !text_.empty() ? text_.front() : '\0'; }

 private:
  std::string_view text_;
  bool ok_ = true;
};

bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto yearOfEra = static_cast<unsigned>(year - era * 400);
  auto monthIndex = static_cast<unsigned>(month > 2 ? month - 3 : month + 9);
  unsigned dayOfYear = (153 * monthIndex + 2) / 5 + static_cast<unsigned>(day) - 1;
  unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

struct Parts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

void timeOfDay(Cursor& in, Parts& parts) {
  parts.hour = in.number(2);
  in.literal(":");
  parts.minute = in.number(2);
  in.literal(":");
  parts.second = in.number(2);
}

std::optional<std::int64_t> toSeconds(const Parts& p) {
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  if (p.month < 0 || p.month > 11 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60)
    return std::nullopt;
  int days = kMonthDays[static_cast<std::size_t>(p.month)] + (p.month == 1 && isLeap(p.year));
  if (p.day > days) return std::nullopt;
  return daysFromCivil(p.year, p.month + 1, p.day) * 86400 + p.hour * 3600 + p.minute * 60 +
         p.second;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imfFixdate(std::string_view text) {
  Cursor in(text);
  Parts parts;
  in.oneOf(kDays);
  in.literal(", ");
  parts.day = in.number(2);
  in.literal(" ");
  parts.month = in.oneOf(kMonths);
  in.literal(" ");
  parts.year = in.number(4);
  in.literal(" ");
  timeOfDay(in, parts);
  in.literal(" GMT");
  if (!in.done()) return std::nullopt;
  return toSeconds(parts);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> rfc850(std::string_view text, int currentYear) {
  Cursor in(text);
  Parts parts;
  in.oneOf(kLongDays);
  in.literal(", ");
  parts.day = in.number(2);
  in.literal("-");
  parts.month = in.oneOf(kMonths);
  in.literal("-");
  int twoDigits = in.number(2);
  in.literal(" ");
  timeOfDay(in, parts);
  in.literal(" GMT");
  if (!in.done()) return std::nullopt;
  parts.year = currentYear - currentYear % 100 + twoDigits;
  if (parts.year > currentYear + 50) parts.year -= 100;
  return toSeconds(parts);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> asctime(std::string_view text) {
  Cursor in(text);
  Parts parts;
  in.oneOf(kDays);
  in.literal(" ");
  parts.month = in.oneOf(kMonths);
  in.literal(" ");
  if (in.peek() == ' ') {
    in.literal(" ");
    parts.day = in.number(1);
  } else {
    parts.day = in.number(2);
  }
  in.literal(" ");
  timeOfDay(in, parts);
  in.literal(" ");
  parts.year = in.number(4);
  if (!in.done()) return std::nullopt;
  return toSeconds(parts);
}

}  // namespace

std::optional<std::int64_t> parseHttpDate(std::string_view text, int currentYear) {
  std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return asctime(text);
  return comma == 3 ? imfFixdate(text) : rfc850(text, currentYear);
}

std::optional<std::int64_t> parseHttpDate(std::string_view text) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return parseHttpDate(text, tm.tm_year + 1900);
}

}  // namespace assetd::s3
