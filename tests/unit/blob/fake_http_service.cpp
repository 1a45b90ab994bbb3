#include "fake_http_service.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace assetd::blob::testing {
namespace {

bool sendAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A HEAD answer has no body; its Content-Length may be given to describe the object.
std::string render(const Answer& answer, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(answer.status) + " Scripted\r\n";
  bool lengthGiven = false;
  for (const auto& [name, value] : answer.headers) {
    out += name + ": " + value + "\r\n";
    lengthGiven = lengthGiven || lowercase(name) == "content-length";
  }
  if (!lengthGiven) out += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n";
  out += "\r\n";
  return head ? out : out + answer.body;
}

}  // namespace

FakeHttpService::FakeHttpService(Responder responder) : responder_(std::move(responder)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("fake service: cannot listen");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FakeHttpService::~FakeHttpService() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  ::close(listener_);
  {
    std::lock_guard lock(mutex_);
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
  for (int fd : connections_) ::close(fd);  // only now, so no number is reused while serving
}

std::string FakeHttpService::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<SeenRequest> FakeHttpService::seen() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void FakeHttpService::acceptLoop() {
  while (!stopping_) {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    std::lock_guard lock(mutex_);
    connections_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeHttpService::serve(int fd) {
  std::string buffer;
  char chunk[65536];
  auto fill = [&]() {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  for (;;) {
    std::size_t headEnd;
    while ((headEnd = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return;
    SeenRequest request;
    const std::string head = buffer.substr(0, headEnd);
    buffer.erase(0, headEnd + 4);
    std::size_t lineEnd = head.find("\r\n");
    const std::string requestLine = head.substr(0, lineEnd);
    request.method = requestLine.substr(0, requestLine.find(' '));
    const std::size_t targetStart = requestLine.find(' ') + 1;
    request.target = requestLine.substr(targetStart, requestLine.rfind(' ') - targetStart);
    while (lineEnd != std::string::npos && lineEnd < head.size()) {
      const std::size_t next = head.find("\r\n", lineEnd + 2);
      const std::string line = head.substr(
          lineEnd + 2, next == std::string::npos ? std::string::npos : next - lineEnd - 2);
      if (const std::size_t colon = line.find(':'); colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers[lowercase(line.substr(0, colon))] = value;
      }
      lineEnd = next;
    }
    if (lowercase(request.headers["expect"]) == "100-continue" &&
        !sendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n"))
      return;
    const std::size_t length = request.headers.count("content-length")
                                   ? std::stoull(request.headers["content-length"])
                                   : 0;
    while (buffer.size() < length)
      if (!fill()) return;
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    const Answer answer = responder_(request);
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(request);
    }
    if (!sendAll(fd, render(answer, request.method == "HEAD"))) return;
  }
}

}  // namespace assetd::blob::testing
