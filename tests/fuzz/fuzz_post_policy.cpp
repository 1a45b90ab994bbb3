// Browser form uploads: the POST policy's JSON (parsed, then checked against a small form), and
// the streaming multipart/form-data reader of the form itself, fed in pieces of a chosen size.
#include <algorithm>
#include <cstring>

#include "fuzz_input.hpp"
#include "s3/post_form.hpp"
#include "s3/post_policy.hpp"

using namespace assetd;

namespace {

void policy(std::string_view text) {
  fuzz::rejecting([&] {
    s3::post::Policy p = s3::post::parsePolicy(text);
    for (const auto& c : p.conditions)
      fuzz::require(c.kind == s3::post::Condition::Kind::ContentLengthRange || !c.field.empty());
    s3::post::Fields fields = {
        {"key", "user/a.txt"}, {"content-type", "text/plain"}, {"x-amz-meta-a", ""}};
    s3::post::checkPolicy(p, fields, "assetd", 0);
  });
}

void form(std::size_t step, std::string_view body) {
  std::size_t offset = 0;
  s3::ReadFn source = [&](char* buffer, std::size_t n) {
    std::size_t take = std::min({n, step, body.size() - offset});
    std::memcpy(buffer, body.data() + offset, take);
    offset += take;
    return take;
  };
  fuzz::rejecting([&] {
    s3::PostFormReader reader(source, "XyZ");
    auto head = reader.readHead();
    std::size_t fieldBytes = 0;
    for (const auto& [name, value] : head.fields) fieldBytes += name.size() + value.size();
    fuzz::require(fieldBytes <= s3::kMaxPostFieldBytes);
    char buffer[777];
    std::size_t file = 0;
    while (std::size_t n = reader.readFile(buffer, sizeof buffer)) file += n;
    fuzz::require(file <= body.size());
    fuzz::require(offset == body.size());  // a well-formed body is read to its end
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t mode = in.byte();
  if (mode & 1) {
    form(1 + (mode >> 1), in.rest());
  } else {
    policy(in.rest());
  }
  return 0;
}
