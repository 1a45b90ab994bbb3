#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: it records every request
// and answers each with what the test's responder returns. One thread per connection, so
// pooled keep-alive connections work; answers 100 Continue when asked.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace assetd::blob::testing {

struct SeenRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // names lowercase
  std::string body;
};

// A whole response: status line, headers and body. Content-Length is added.
struct Answer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class FakeHttpService {
 public:
  using Responder = std::function<Answer(const SeenRequest&)>;
  explicit FakeHttpService(Responder responder);
  ~FakeHttpService();
  FakeHttpService(const FakeHttpService&) = delete;
  FakeHttpService& operator=(const FakeHttpService&) = delete;

  std::string endpoint() const;  // "http://127.0.0.1:<port>"
  std::vector<SeenRequest> seen() const;

 private:
  void acceptLoop();
  void serve(int fd);

  Responder responder_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace assetd::blob::testing
