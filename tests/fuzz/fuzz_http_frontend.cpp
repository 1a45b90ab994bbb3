// The HTTP front end: bytes as a client sends them, through Beast's request parser with the
// server's limits (http/request_head.hpp), the head turned into a Request, then the body read
// the way the server reads it: whole into a string for API routes (--max-body-bytes), or in
// pieces into a caller's buffer for streamed routes (the object endpoint), chunked or not. The
// Request then goes through the router. The limits are small here so that inputs reach them.
#include <array>
#include <cstring>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "fuzz_input.hpp"
#include "http/query.hpp"
#include "http/request_head.hpp"
#include "http/router.hpp"

using namespace assetd;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

// The connection: the input arrives `piece` bytes per read, as a socket may deliver it.
struct Wire {
  std::string_view bytes;
  std::size_t piece;
  beast::flat_buffer buffer;

  // One read_some as Beast's read algorithms do it: parse what is buffered, read more when the
  // parser needs more, end of stream when the input is used up.
  template <class Parser>
  void readSome(Parser& parser, beast::error_code& ec) {
    for (;;) {
      if (buffer.size() > 0) {
        std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec != bhttp::error::need_more) return;
        ec = {};
      }
      if (bytes.empty()) {
        if (parser.got_some())
          parser.put_eof(ec);
        else
          ec = bhttp::error::end_of_stream;
        return;
      }
      std::size_t n = std::min(piece, bytes.size());
      auto space = buffer.prepare(n);
      std::memcpy(space.data(), bytes.data(), n);
      buffer.commit(n);
      bytes.remove_prefix(n);
    }
  }
};

http::Router router() {
  http::Router r;
  auto ok = [](http::Request& req) {
    http::Params::parseQuery(req.rawQuery);
    return http::successResponse(200, "{}");
  };
  r.add("GET", "/v2/project/{}/assets", ok);
  r.add("POST", "/v2/project/{}/cloud", ok);
  r.add("GET", "/v2/getSignedUrl", ok);
  r.add("DELETE", "/v2/project/{}/assets", ok);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const http::Router routes = router();
  fuzz::Input in(data, size);
  std::uint8_t mode = in.byte();
  Wire wire{{}, 1u + in.byte(), {}};
  wire.bytes = in.rest();
  http::ServerOptions options;
  options.maxBodyBytes = 4096;
  options.maxObjectBytes = 8192;

  http::HeadParser head;
  http::limitHead(head, options);
  beast::error_code ec;
  while (!ec && !head.is_header_done()) wire.readSome(head, ec);
  if (ec) return 0;
  http::Request request = http::requestOf(head.get());

  if (mode % 2 == 0) {  // an API route: the body whole, within --max-body-bytes
    bhttp::request_parser<bhttp::string_body> parser{std::move(head)};
    parser.body_limit(options.maxBodyBytes);
    while (!ec && !parser.is_done()) wire.readSome(parser, ec);
    if (ec) return 0;
    fuzz::require(parser.get().body().size() <= options.maxBodyBytes);
    request.body = std::move(parser.get().body());
    routes.dispatch(request);
    return 0;
  }
  // A streamed route: the body in pieces of the caller's size, within the object limit.
  bhttp::request_parser<bhttp::buffer_body> parser{std::move(head)};
  parser.body_limit(options.maxObjectBytes);
  std::array<char, 256> out;
  std::size_t want = 1 + mode % out.size();
  std::uint64_t received = 0;
  while (!ec && !parser.is_done()) {
    parser.get().body().data = out.data();
    parser.get().body().size = want;
    wire.readSome(parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    received += want - parser.get().body().size;
  }
  fuzz::require(received <= options.maxObjectBytes);
  return 0;
}
