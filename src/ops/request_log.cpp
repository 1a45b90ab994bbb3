#include "ops/request_log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <random>

#include "core/json_text.hpp"
#include "core/time.hpp"

namespace assetd::ops {

namespace {

thread_local RequestLog* current = nullptr;
// The fields of the access record being logged on this thread (json format only).
thread_local const std::string* accessFields = nullptr;
std::atomic<LogFormat> format{LogFormat::text};

// "[<request id>] " in text lines of a request with an id.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    if (!current || current->requestId.empty()) return;
    dest.push_back('[');
    dest.append(current->requestId.data(), current->requestId.data() + current->requestId.size());
    dest.append(std::string_view("] "));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "{\"time\":\"";
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    line += core::isoMillis(ms.count());
    line += "\",\"level\":";
    auto level = spdlog::level::to_string_view(msg.level);
    core::appendJsonString(line, std::string_view(level.data(), level.size()));
    if (current && !current->requestId.empty()) {
      line += ",\"requestId\":";
      core::appendJsonString(line, current->requestId);
    }
    if (accessFields) line += *accessFields;
    line += ",\"msg\":";
    core::appendJsonString(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

RequestLog* currentRequest() {
  return current;
}

RequestScope::RequestScope(RequestLog* log) : previous_(current) {
  current = log;
}

RequestScope::~RequestScope() {
  current = previous_;
}

bool saneRequestId(std::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  for (char c : value)
    if (c <= ' ' || c > '~') return false;
  return true;
}

std::string newRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = random();
    for (int i = 0; i < 16; ++i) id[half * 16 + i] = kHex[(bits >> (i * 4)) & 15];
  }
  return id;
}

void configureLogging(LogFormat chosen) {
  format = chosen;
  if (chosen == LogFormat::json) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
    return;
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %*%v");
  spdlog::set_formatter(std::move(formatter));
}

LogFormat logFormat() {
  return format.load(std::memory_order_relaxed);
}

void logAccess(const AccessRecord& record) {
  if (logFormat() != LogFormat::json) return;
  std::string fields = ",\"method\":";
  core::appendJsonString(fields, record.method);
  fields += ",\"route\":";
  core::appendJsonString(fields, record.route);
  fields += ",\"status\":" + std::to_string(record.status);
  fields += ",\"durationMs\":";
  core::appendJsonNumber(
      fields, static_cast<double>(static_cast<std::int64_t>(record.seconds * 1e6)) / 1e3);
  fields += ",\"bytesIn\":" + std::to_string(record.bytesIn);
  fields += ",\"bytesOut\":" + std::to_string(record.bytesOut);
  if (current && !current->keyId.empty()) {
    fields += ",\"keyId\":";
    core::appendJsonString(fields, current->keyId);
  }
  accessFields = &fields;
  spdlog::info("request");
  accessFields = nullptr;
}

}  // namespace assetd::ops
