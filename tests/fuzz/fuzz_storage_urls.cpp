// Which object a URL names in a storage integration (AWS S3 or an S3-compatible endpoint, GCS,
// Azure, the server's own path-style store), and the URL splitting under it. An object a URL
// names must be named again by that object's own URL.
#include "fuzz_input.hpp"
#include "sign/storage_urls.hpp"
#include "sign/url_codec.hpp"

using namespace assetd;
namespace urls = sign::storage_urls;

namespace {

urls::Target target(urls::Provider provider, std::string endpoint, bool pathStyleOnly = false) {
  urls::Target t;
  t.provider = provider;
  t.endpoint = std::move(endpoint);
  t.region = "eu-west-1";
  t.pathStyleOnly = pathStyleOnly;
  return t;
}

const urls::Target kTargets[] = {
    target(urls::Provider::Aws, ""),
    target(urls::Provider::Aws, "https://minio.example.com:9000"),
    target(urls::Provider::Aws, "http://127.0.0.1:8080", true),
    target(urls::Provider::Aws, "https://objects.example.com/s3"),
    target(urls::Provider::Gcp, ""),
    target(urls::Provider::Gcp, "http://127.0.0.1:4443"),
    target(urls::Provider::Azure, ""),
    target(urls::Provider::Azure, "http://127.0.0.1:10000/devstoreaccount1"),
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const urls::Target& t = kTargets[in.byte() % std::size(kTargets)];
  std::string_view knownBucket = in.field();
  std::string_view url = in.rest();
  fuzz::rejecting([&] { sign::parseUrl(url); });
  if (auto ref = urls::parseObjectUrl(t, url, knownBucket)) {
    auto again = urls::parseObjectUrl(t, urls::objectUrl(t, *ref));
    fuzz::require(again && again->bucket == ref->bucket && again->key == ref->key);
  }
  return 0;
}
