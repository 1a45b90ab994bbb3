#include "store/postgres/connection.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "store/postgres/text_codec.hpp"
#include "store/sql/db_metrics.hpp"

namespace assetd::store::postgres {

std::string intText(std::int64_t value) {
  return std::to_string(value);
}

std::string realText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// --- ArrayParam ---

void ArrayParam::element(std::string_view raw) {
  if (count_++ > 0) body_ += ',';
  body_ += raw;
}

void ArrayParam::text(std::string_view value) {
  std::string quoted = "\"";
  for (char c : encodeText(value)) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  element(quoted);
}

void ArrayParam::integer(std::int64_t value) {
  element(intText(value));
}
void ArrayParam::real(double value) {
  element(realText(value));
}

// --- Params ---

Params& Params::add(std::string value) {
  values_.emplace_back(std::move(value));
  return *this;
}

Params& Params::text(std::string_view value) {
  return add(encodeText(value));
}
Params& Params::integer(std::int64_t value) {
  return add(intText(value));
}
Params& Params::real(double value) {
  return add(realText(value));
}

Params& Params::null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

// --- Result ---

std::string_view Result::raw(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::string Result::text(int row, int column) const {
  return decodeText(raw(row, column));
}

std::int64_t Result::integer(int row, int column) const {
  std::string_view s = raw(row, column);
  std::int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

double Result::real(int row, int column) const {
  std::string_view s = raw(row, column);
  double value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

bool Result::boolean(int row, int column) const {
  std::string_view s = raw(row, column);
  return !s.empty() && s[0] == 't';
}

std::int64_t Result::affected() const {
  std::string_view s = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

// --- Connection ---

Connection::Connection(const std::string& url) {
  // The URL is expanded first; the settings after it override whatever it says about them.
  const char* keys[] = {"dbname", "client_encoding", "application_name", nullptr};
  const char* values[] = {url.c_str(), "UTF8", "assetd", nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) throw PgError("postgres: out of memory", "", true);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "postgres: cannot connect: " + std::string(PQerrorMessage(conn_));
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(message, "08001", true);
  }
  // Notices ("already exists, skipping") are not errors and must not reach the server's output.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

void Connection::reset() {
  prepared_.clear();
  PQreset(conn_);
}

Result Connection::check(PGresult* result, std::string_view sql) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(result);
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  if (result) PQclear(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string head(sql.substr(0, 120));
  static metrics::Counter& errors = sql::statementErrors("postgresql");
  errors.inc();
  throw PgError("postgres: " + message + " (in: " + head + ")", sqlstate, !healthy());
}

namespace {

std::vector<const char*> pointers(const Params& params) {
  std::vector<const char*> out;
  out.reserve(params.values().size());
  for (const auto& v : params.values()) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

}  // namespace

Result Connection::exec(std::string_view sql, const Params& params) {
  std::string text(sql);
  auto values = pointers(params);
  return check(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0),
               sql);
}

Result Connection::execPrepared(const std::string& sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "assetd_" + std::to_string(prepared_.size() + 1);
    check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  auto values = pointers(params);
  return check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0),
               sql);
}

void Connection::script(const std::string& sql) {
  check(PQexec(conn_, sql.c_str()), sql);
}

}  // namespace assetd::store::postgres
