#pragma once
// A thin RAII layer over libpq: one connection, its results, and parameters sent separately
// from the SQL text (PQexecParams / PQexecPrepared, text format). Text crosses the wire in
// text_codec's form: Params encodes, Result decodes, so callers only see the store's strings.
// Failures throw PgError, which carries the SQLSTATE so that callers can retry or map it.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace assetd::store::postgres {

class PgError : public std::runtime_error {
 public:
  PgError(std::string message, std::string sqlstate, bool connectionLost)
      : std::runtime_error(std::move(message)),
        sqlstate_(std::move(sqlstate)),
        connectionLost_(connectionLost) {}
  // Five characters ("40001"), or empty when the server sent none.
  const std::string& sqlstate() const { return sqlstate_; }
  // The connection broke: nothing sent on it can be known to have been applied.
  bool connectionLost() const { return connectionLost_; }
  bool is(std::string_view state) const { return sqlstate_ == state; }

 private:
  std::string sqlstate_;
  bool connectionLost_;
};

// An array parameter in PostgreSQL's text form ({"a","b",NULL}), bound as one value and cast in
// the SQL ($1::text[]). Elements are added in order.
class ArrayParam {
 public:
  ArrayParam() = default;
  void text(std::string_view value);  // encoded, quoted
  void textOrNull(std::string_view value) { value.empty() ? null() : text(value); }
  void integer(std::int64_t value);
  void real(double value);
  void boolean(bool value) { element(value ? "t" : "f"); }
  void null() { element("NULL"); }
  std::string literal() const { return body_ + "}"; }
  std::size_t size() const { return count_; }

 private:
  void element(std::string_view raw);
  std::string body_ = "{";
  std::size_t count_ = 0;
};

// Parameters $1, $2, ... in the order they are added.
class Params {
 public:
  Params& text(std::string_view value);
  // Empty is NULL (the store's "absent").
  Params& textOrNull(std::string_view value) { return value.empty() ? null() : text(value); }
  Params& integer(std::int64_t value);
  Params& real(double value);
  Params& boolean(bool value) { return add(value ? "t" : "f"); }
  Params& array(const ArrayParam& value) { return add(value.literal()); }
  Params& null();
  // The next placeholder's number ("$3" is 3): for SQL built alongside its parameters.
  int next() const { return static_cast<int>(values_.size()) + 1; }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  Params& add(std::string value);
  std::vector<std::optional<std::string>> values_;
};

// Numbers and floats in the forms PostgreSQL reads back exactly (float8 text: also Infinity, NaN).
std::string intText(std::int64_t value);
std::string realText(double value);

class Result {
 public:
  // One row of a result, read by column (what store/sql/records.hpp decodes).
  class Row {
   public:
    Row(const Result& rows, int row) : rows_(rows), row_(row) {}
    bool isNull(int column) const { return rows_.isNull(row_, column); }
    std::string text(int column) const { return rows_.text(row_, column); }
    std::int64_t integer(int column) const { return rows_.integer(row_, column); }
    double real(int column) const { return rows_.real(row_, column); }
    bool boolean(int column) const { return rows_.boolean(row_, column); }

   private:
    const Result& rows_;
    int row_;
  };

  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  Row row(int r) const { return Row(*this, r); }
  int rows() const { return PQntuples(result_.get()); }
  bool isNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) == 1; }
  // NULL reads as the empty string.
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  double real(int row, int column) const;
  bool boolean(int row, int column) const;
  // Rows written by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::string_view raw(int row, int column) const;
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class Connection {
 public:
  // `url`: a postgresql:// URL or a key=value connection string.
  explicit Connection(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with parameters, planned for these values (unnamed statement).
  Result exec(std::string_view sql, const Params& params = {});
  // The same through a statement prepared once per connection and kept by its SQL text: for
  // the fixed statements of hot paths.
  Result execPrepared(const std::string& sql, const Params& params = {});
  // One or more statements without parameters (migrations, BEGIN/COMMIT).
  void script(const std::string& sql);

  // false once the connection broke; reset() reconnects.
  bool healthy() const;
  void reset();

 private:
  Result check(PGresult* result, std::string_view sql);
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

}  // namespace assetd::store::postgres
