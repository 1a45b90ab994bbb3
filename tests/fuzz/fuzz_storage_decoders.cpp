// Storage integrations: the body of POST /storages in both of its forms; what it decodes to
// must survive sealing and opening (storageTarget) unchanged, and sign upload and read URLs or
// be refused as a client error. Also the opening of sealed credentials that are not what seal()
// wrote, which must fail as the contract says (500, never garbage or a crash).
#include "api/storage_access.hpp"
#include "api/storage_decode.hpp"
#include "fuzz_input.hpp"
#include "sign/secrets.hpp"
#include "sign/storage_urls.hpp"

using namespace assetd;
namespace urls = sign::storage_urls;

namespace {

const sign::secrets::MasterKey& masterKey() {
  static const auto key = sign::secrets::MasterKey::fromBytes(std::string(32, 'k'));
  return key;
}

void decode(fuzz::Input& in) {
  std::string key(in.field());
  api::DecodedStorage decoded = api::decodeStorage(in.rest());
  core::Storage stored;
  stored.id = "6748a1b2c3d4e5f601234567";
  stored.provider = decoded.storage.provider;
  stored.bucket = decoded.storage.bucket;
  stored.region = decoded.storage.region;
  stored.endpoint = decoded.storage.endpoint;
  stored.sealedCredentials = api::sealCredentials(masterKey(), stored.id, decoded.credentials);
  urls::Target target = api::storageTarget(masterKey(), stored);
  const urls::Credentials& a = decoded.credentials;
  const urls::Credentials& b = target.credentials;
  fuzz::require(a.accessKeyId == b.accessKeyId && a.secretAccessKey == b.secretAccessKey &&
                a.sessionToken == b.sessionToken && a.clientEmail == b.clientEmail &&
                a.privateKeyPem == b.privateKeyPem);
  urls::SignRequest request;
  request.object = {stored.bucket.empty() ? "bucket" : stored.bucket, key.empty() ? "k" : key};
  request.time = 1700000000;
  urls::uploadUrl(target, request);
  urls::readUrl(target, request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t which = in.byte();
  if (which % 2 == 0) {
    fuzz::rejecting([&] { decode(in); });
    return 0;
  }
  std::string_view aad = in.field();
  try {
    sign::secrets::open(masterKey(), in.rest(), aad);
  } catch (const core::ApiError& e) {
    fuzz::require(e.status() == 500);
  }
  return 0;
}
