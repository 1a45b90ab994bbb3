// One copy's download. libcurl pushes bytes while BlobStore::putStream pulls them, so the
// transfer runs on a private multi handle driven from inside read(): received bytes wait in a
// small buffer, and once it holds kHighWater bytes receiving is paused until read() has drained
// it, so memory stays bounded whatever the file's size. Every byte curl delivers is taken (the
// write callback never answers CURL_WRITEFUNC_PAUSE): curl drops data it holds for a paused
// callback when the body ends at that moment, which would silently cut a file short.
#include "jobs/source_fetch.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "jobs/copy_failure.hpp"
#include "jobs/source_target.hpp"

namespace assetd::jobs {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr long kBufferBytes = 256 * 1024;       // curl's receive buffer
constexpr std::size_t kHighWater = 256 * 1024;  // pause receiving beyond this
constexpr int kPollMillis = 100;  // how soon a stopping copier is noticed mid-transfer

bool isRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool headerIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

std::string headerValue(std::string_view line) {
  line.remove_prefix(line.find(':') + 1);
  auto first = line.find_first_not_of(" \t");
  auto last = line.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos || last < first) return "";
  return std::string(line.substr(first, last - first + 1));
}

std::string sizeText(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes";
}

class Transfer {
 public:
  Transfer(const SourceTarget& target, const FetchOptions& options, Clock::time_point deadline,
           const std::atomic<bool>& cancelled)
      : policy_(options.policy), maxBytes_(options.maxBytes), cancelled_(cancelled) {
    auto remaining = duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (remaining <= 0) throw CopyFailure(true, "timed out (--copy-timeout)");
    easy_ = curl_easy_init();
    multi_ = curl_multi_init();
    if (easy_ == nullptr || multi_ == nullptr) {
      if (easy_) curl_easy_cleanup(easy_);
      if (multi_) curl_multi_cleanup(multi_);
      throw CopyFailure(true, "cannot start a transfer");
    }

    curl_easy_setopt(easy_, CURLOPT_URL, target.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here
    curl_easy_setopt(easy_, CURLOPT_PROXY, "");           // no proxy from the environment
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "assetd");
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining));
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(remaining, 30'000));
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME,
                     std::max<long>(1, static_cast<long>(options.stallTimeout.count() / 1000)));
    curl_easy_setopt(easy_, CURLOPT_BUFFERSIZE, kBufferBytes);
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errorText_);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &Transfer::onHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Transfer::onBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    // Second half of the SSRF guard: the name resolves only to the checked addresses, and
    // every socket's address is checked again right before it connects.
    if (!target.hostIsAddress) {
      resolve_ = curl_slist_append(nullptr, pinnedResolveEntry(target).c_str());
      curl_easy_setopt(easy_, CURLOPT_RESOLVE, resolve_);
    }
    curl_easy_setopt(easy_, CURLOPT_OPENSOCKETFUNCTION, &Transfer::onOpenSocket);
    curl_easy_setopt(easy_, CURLOPT_OPENSOCKETDATA, this);
    curl_multi_add_handle(multi_, easy_);
  }

  ~Transfer() {
    if (multi_ && easy_) curl_multi_remove_handle(multi_, easy_);
    if (easy_) curl_easy_cleanup(easy_);
    if (multi_) curl_multi_cleanup(multi_);
    curl_slist_free_all(resolve_);
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Runs until the final response's headers are in (1xx responses are skipped).
  void awaitHeaders() {
    pumpUntil([this] { return headersDone_; });
    if (!headersDone_) throwTransportError();
  }

  long status() const {
    long code = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
  const std::string& location() const { return location_; }
  const std::string& contentType() const { return contentType_; }
  std::optional<std::uint64_t> contentLength() const {
    curl_off_t length = -1;
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length < 0) return std::nullopt;
    return static_cast<std::uint64_t>(length);
  }

  std::size_t read(char* buffer, std::size_t n) {
    pumpUntil([this] { return pending() > 0; });
    if (pending() == 0) {
      if (result_ != CURLE_OK) throwTransportError();
      return 0;
    }
    std::size_t take = std::min(n, pending());
    std::memcpy(buffer, piece_.data() + piecePos_, take);
    piecePos_ += take;
    return take;
  }

  // The failure this transfer threw, if it threw one (the consumer may wrap exceptions).
  const std::optional<CopyFailure>& failure() const { return failure_; }

 private:
  std::size_t pending() const { return piece_.size() - piecePos_; }

  template <class Ready>
  void pumpUntil(Ready ready) {
    while (!ready()) {
      if (cancelled_.load()) throw CopyCancelled();
      if (done_) break;
      if (paused_ && pending() == 0) {
        paused_ = false;
        curl_easy_pause(easy_, CURLPAUSE_CONT);
      }
      int running = 0;
      CURLMcode rc = curl_multi_perform(multi_, &running);
      if (rc != CURLM_OK) fail(true, std::string("transfer error: ") + curl_multi_strerror(rc));
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
        if (message->msg == CURLMSG_DONE) {
          done_ = true;
          result_ = message->data.result;
        }
      }
      if (ready() || done_) continue;
      curl_multi_poll(multi_, nullptr, 0, kPollMillis, nullptr);
    }
  }

  [[noreturn]] void fail(bool retryable, const std::string& reason) {
    failure_.emplace(retryable, reason);
    throw *failure_;
  }

  [[noreturn]] void throwTransportError() {
    if (!refusal_.empty())
      fail(false, "refused to connect: " + refusal_ + "; --copy-allow can permit such addresses");
    if (tooLarge_)
      fail(false,
           "too large: the source is larger than --copy-max-bytes (" + sizeText(maxBytes_) + ")");
    std::string detail = errorText_[0] != '\0' ? errorText_ : curl_easy_strerror(result_);
    switch (result_) {
      case CURLE_OPERATION_TIMEDOUT:
        fail(true, "timed out: " + detail);
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_ISSUER_ERROR:
        fail(false, "the source's TLS certificate is not trusted: " + detail);
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        fail(false, "cannot fetch the URL: " + detail);
      default:
        fail(true, "download failed: " + detail);
    }
  }

  static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {  // a new response (after a 1xx)
      t->headersDone_ = false;
      t->location_.clear();
      t->contentType_.clear();
    } else if (line == "\r\n" || line == "\n") {
      t->headersDone_ = t->status() >= 200;
    } else if (headerIs(line, "location")) {
      t->location_ = headerValue(line);
    } else if (headerIs(line, "content-type")) {
      t->contentType_ = headerValue(line);
    }
    return size * count;
  }

  static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const std::size_t n = size * count;
    t->received_ += n;
    if (t->received_ > t->maxBytes_) {
      t->tooLarge_ = true;
      return 0;  // aborts the transfer (CURLOPT_MAXFILESIZE would cut the body silently)
    }
    if (t->pending() == 0) {
      t->piece_.clear();
      t->piecePos_ = 0;
    }
    t->piece_.append(data, n);
    if (t->pending() >= kHighWater && !t->paused_) {
      t->paused_ = true;
      curl_easy_pause(t->easy_, CURLPAUSE_RECV);  // resumed once read() has drained the buffer
    }
    return n;
  }

  static curl_socket_t onOpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(self);
    auto ip = IpAddress::fromSockaddr(&address->addr);
    if (!ip) {
      t->refusal_ = "not an IP socket address";
      return CURL_SOCKET_BAD;
    }
    if (auto why = t->policy_.refusal(*ip)) {
      t->refusal_ = *why;
      return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  const AddressPolicy& policy_;
  const std::uint64_t maxBytes_;
  const std::atomic<bool>& cancelled_;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* resolve_ = nullptr;
  char errorText_[CURL_ERROR_SIZE] = {};

  bool headersDone_ = false;
  std::string location_;
  std::string contentType_;
  std::string piece_;
  std::size_t piecePos_ = 0;
  std::uint64_t received_ = 0;
  bool paused_ = false;
  bool done_ = false;
  CURLcode result_ = CURLE_OK;
  bool tooLarge_ = false;
  std::string refusal_;
  std::optional<CopyFailure> failure_;
};

[[noreturn]] void throwStatus(long status) {
  std::string reason = "the source answered HTTP " + std::to_string(status);
  if (status == 401 || status == 403)
    reason +=
        " (copies are fetched without credentials; a URL that needs a storage"
        " integration's credentials cannot be copied)";
  bool retryable = status >= 500 || status == 408 || status == 429;
  throw CopyFailure(retryable, reason);
}

}  // namespace

void fetchSource(const std::string& url, const FetchOptions& options,
                 const std::atomic<bool>& cancelled,
                 const std::function<void(const SourceBody&)>& consume) {
  static const CURLcode initialized = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (initialized != CURLE_OK) throw CopyFailure(true, "libcurl failed to initialize");
  const Clock::time_point deadline = Clock::now() + options.timeout;
  std::string current = url;
  for (int hop = 0;; ++hop) {
    SourceTarget target = checkSourceTarget(current, options.policy);
    Transfer transfer(target, options, deadline, cancelled);
    transfer.awaitHeaders();
    const long status = transfer.status();
    if (isRedirect(status)) {
      if (transfer.location().empty())
        throw CopyFailure(
            false, "the source answered HTTP " + std::to_string(status) + " without a Location");
      if (hop >= options.maxRedirects)
        throw CopyFailure(false,
                          "more than " + std::to_string(options.maxRedirects) + " redirects");
      current = redirectTarget(current, transfer.location());
      continue;
    }
    if (status < 200 || status > 299) throwStatus(status);

    auto size = transfer.contentLength();
    if (size && *size > options.maxBytes)
      throw CopyFailure(false, "too large: the source has " + sizeText(*size) +
                                   ", more than --copy-max-bytes (" + sizeText(options.maxBytes) +
                                   ")");
    blob::ReadFn read = [&transfer](char* buffer, std::size_t n) {
      return transfer.read(buffer, n);
    };
    try {
      consume(SourceBody{read, size, transfer.contentType()});
    } catch (...) {
      if (transfer.failure()) throw *transfer.failure();
      if (cancelled.load()) throw CopyCancelled();
      throw;
    }
    return;
  }
}

}  // namespace assetd::jobs
