#include "blob/s3_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <vector>

namespace assetd::blob::s3 {
namespace {

constexpr std::size_t kKeptBodyBytes = 1u << 20;  // error documents are small
constexpr std::size_t kIdleHandles = 32;
constexpr long kBufferBytes = 256 * 1024;

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw TransportError("object store: libcurl failed to initialize");
  });
}

struct HandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using Handle = std::unique_ptr<CURL, HandleDeleter>;

struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, ListDeleter>;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

// The state one transfer's callbacks share.
struct Exchange {
  const Call& call;
  CURL* handle;
  Reply reply;
  std::uint64_t sent = 0;
  std::exception_ptr failure;  // what a reader or sink threw, rethrown after the transfer
};

std::size_t onRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::uint64_t left = exchange->call.bodySize - exchange->sent;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, left));
  if (want == 0) return 0;
  try {
    const std::size_t got = (*exchange->call.body)(buffer, want);
    if (got == 0 || got > want)
      throw core::ApiError::badRequest(
          "body",
          "ended before the " + std::to_string(exchange->call.bodySize) + " bytes declared");
    exchange->sent += got;
    return got;
  } catch (...) {
    exchange->failure = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    exchange->reply.headers.clear();  // a new response begins (after 100 Continue, say)
  } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    exchange->reply.headers.emplace_back(lowercase(trim(line.substr(0, colon))),
                                         std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

std::size_t onWrite(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(exchange->handle, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && exchange->call.sink) {
    try {
      exchange->call.sink(status, data, n);
      exchange->reply.sunkBytes += n;
      return n;
    } catch (...) {
      exchange->failure = std::current_exception();
      return n == 0 ? 1 : 0;  // any other count aborts the transfer
    }
  }
  std::string& kept = exchange->reply.body;
  kept.append(data, std::min(n, kKeptBodyBytes - std::min(kKeptBodyBytes, kept.size())));
  return n;
}

// Without the query, which may be long; enough to say which request failed.
std::string describe(const Call& call) {
  return call.method + " " + call.url.substr(0, call.url.find('?'));
}

}  // namespace

std::optional<std::string> Reply::header(std::string_view lowercaseName) const {
  for (const auto& [name, value] : headers)
    if (name == lowercaseName) return value;
  return std::nullopt;
}

struct Transport::Pool {
  std::mutex mutex;
  std::vector<Handle> idle;  // each keeps its connections open for the next request

  Handle acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        Handle handle = std::move(idle.back());
        idle.pop_back();
        return handle;
      }
    }
    Handle handle(curl_easy_init());
    if (!handle) throw TransportError("object store: libcurl could not create a handle");
    return handle;
  }

  void release(Handle handle) {
    curl_easy_reset(handle.get());  // forgets the options, keeps the live connections
    std::lock_guard lock(mutex);
    if (idle.size() < kIdleHandles) idle.push_back(std::move(handle));
  }
};

Transport::Transport(TransportOptions options)
    : options_(options), pool_(std::make_unique<Pool>()) {
  initCurlOnce();
}

Transport::~Transport() = default;

Reply Transport::perform(const Call& call) {
  // Declared before the handle's release, which must come first when they go.
  HeaderList headers;
  char errorText[CURL_ERROR_SIZE] = {};
  Handle handle = pool_->acquire();
  CURL* h = handle.get();
  struct Release {
    Pool& pool;
    Handle& handle;
    ~Release() { pool.release(std::move(handle)); }
  } release{*pool_, handle};

  for (const auto& [name, value] : call.headers) {
    // "Name;" is how libcurl is told to send a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (!grown) throw TransportError("object store: out of memory for request headers");
    static_cast<void>(headers.release());
    headers.reset(grown);
  }

  Exchange exchange{call, h, {}, 0, nullptr};
  curl_easy_setopt(h, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);  // the signed path is the path sent
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in threaded programs
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorText);
  curl_easy_setopt(h, CURLOPT_FILETIME, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kBufferBytes);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connectTimeoutMs);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.stallTimeoutSeconds);
  if (call.wholeRequestTimeout) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options_.requestTimeoutMs);

  if (call.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (call.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (call.method == "PUT" || call.method == "POST") {
    // Upload mode for both, so that Content-Length is always sent, 0 included.
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.bodySize));
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kBufferBytes);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, onRead);
    curl_easy_setopt(h, CURLOPT_READDATA, &exchange);
    if (!call.body && call.bodySize > 0)
      throw TransportError("object store: " + describe(call) + " has no body reader");
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }

  const CURLcode code = curl_easy_perform(h);
  if (exchange.failure) std::rethrow_exception(exchange.failure);
  if (code != CURLE_OK)
    throw TransportError("object store unreachable: " + describe(call) + ": " +
                         (errorText[0] ? errorText : curl_easy_strerror(code)));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &exchange.reply.status);
  curl_off_t modified = -1;
  if (curl_easy_getinfo(h, CURLINFO_FILETIME_T, &modified) == CURLE_OK)
    exchange.reply.lastModified = modified;
  return std::move(exchange.reply);
}

}  // namespace assetd::blob::s3
