// A minimal HTTP/1.1 client for the object benchmark, so that the client is not what limits a
// PUT or GET on loopback: it moves the body through 1 MiB buffers with plain read/send and
// recv/write, as dd moves it with bs=1M.
//
//   object_client put URL FILE   PUTs FILE (Content-Length, no Expect) and reads the answer
//   object_client get URL OUT    GETs URL into OUT (a file, or /dev/null)
//
// Prints one JSON line: {"status":200,"bytes":N,"seconds":S,"bodySeconds":B} where `seconds`
// runs from connecting to the end of the response and `bodySeconds` is the time the body took
// to go out (PUT) or to arrive (GET). Plain http:// URLs only.
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

constexpr std::size_t kBuffer = std::size_t{1} << 20;
using Clock = std::chrono::steady_clock;

struct Url {
  std::string host, port, target;
};

Url parse(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("only http:// URLs");
  std::size_t slash = url.find('/', scheme.size());
  std::string authority = url.substr(scheme.size(), slash - scheme.size());
  Url out;
  out.target = slash == std::string::npos ? "/" : url.substr(slash);
  std::size_t colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  return out;
}

int connectTo(const Url& url) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found) != 0)
    throw std::runtime_error("cannot resolve " + url.host);
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0)
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  ::freeaddrinfo(found);
  return fd;
}

void sendAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    data += sent;
    n -= static_cast<std::size_t>(sent);
  }
}

void writeAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd, data, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw std::runtime_error(std::string("write: ") + std::strerror(errno));
    data += written;
    n -= static_cast<std::size_t>(written);
  }
}

// Reads the response head into `buffer`; returns the status, the Content-Length (or -1), and
// how many body bytes came along with the head (left at the start of `buffer`).
struct Head {
  int status = 0;
  long long length = -1;
  std::size_t bodyBytes = 0;
};

Head readHead(int fd, char* buffer) {
  std::size_t have = 0;
  for (;;) {
    ssize_t got = ::recv(fd, buffer + have, kBuffer - have, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("connection closed before the response head");
    have += static_cast<std::size_t>(got);
    std::string text(buffer, have);
    std::size_t end = text.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    Head head;
    head.status = std::stoi(text.substr(9, 3));
    for (std::size_t line = text.find("\r\n") + 2; line < end;) {
      std::size_t next = text.find("\r\n", line);
      std::string header = text.substr(line, next - line);
      for (std::size_t i = 0; i < header.size() && header[i] != ':'; ++i)
        header[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(header[i])));
      if (header.rfind("content-length:", 0) == 0) head.length = std::stoll(header.substr(15));
      line = next + 2;
    }
    head.bodyBytes = have - (end + 4);
    std::memmove(buffer, buffer + end + 4, head.bodyBytes);
    return head;
  }
}

// Reads the rest of a body of `length` bytes (`already` of them are in `buffer`) into `out`.
long long readBody(int fd, char* buffer, long long length, std::size_t already, int out) {
  long long total = static_cast<long long>(already);
  if (already > 0) writeAll(out, buffer, already);
  while (length < 0 || total < length) {
    ssize_t got = ::recv(fd, buffer, kBuffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    if (got == 0) break;
    writeAll(out, buffer, static_cast<std::size_t>(got));
    total += got;
  }
  return total;
}

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int run(const std::string& verb, const std::string& rawUrl, const std::string& path) {
  Url url = parse(rawUrl);
  auto buffer = std::make_unique<char[]>(kBuffer);
  int devnull = ::open("/dev/null", O_WRONLY);
  auto start = Clock::now();
  int fd = connectTo(url);
  long long bytes = 0;
  double bodySeconds = 0;
  Head head;
  if (verb == "put") {
    int file = ::open(path.c_str(), O_RDONLY);
    if (file < 0) throw std::runtime_error("cannot open " + path);
    long long size = ::lseek(file, 0, SEEK_END);
    ::lseek(file, 0, SEEK_SET);
    std::string request = "PUT " + url.target + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port +
                          "\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    sendAll(fd, request.data(), request.size());
    auto bodyStart = Clock::now();
    for (;;) {
      ssize_t got = ::read(file, buffer.get(), kBuffer);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
      if (got == 0) break;
      sendAll(fd, buffer.get(), static_cast<std::size_t>(got));
      bytes += got;
    }
    bodySeconds = since(bodyStart);
    ::close(file);
    head = readHead(fd, buffer.get());
    readBody(fd, buffer.get(), head.length, head.bodyBytes, devnull);
  } else if (verb == "get") {
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) throw std::runtime_error("cannot open " + path);
    std::string request =
        "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port + "\r\n\r\n";
    sendAll(fd, request.data(), request.size());
    head = readHead(fd, buffer.get());
    auto bodyStart = Clock::now();
    bytes = readBody(fd, buffer.get(), head.length, head.bodyBytes, out);
    bodySeconds = since(bodyStart);
    ::close(out);
  } else {
    throw std::runtime_error("unknown verb " + verb);
  }
  double seconds = since(start);
  ::close(fd);
  std::printf("{\"status\":%d,\"bytes\":%lld,\"seconds\":%.6f,\"bodySeconds\":%.6f}\n", head.status,
              bytes, seconds, bodySeconds);
  return head.status >= 200 && head.status < 300 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: object_client put|get URL FILE\n");
    return 2;
  }
  try {
    return run(argv[1], argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "object_client: %s\n", e.what());
    return 2;
  }
}
