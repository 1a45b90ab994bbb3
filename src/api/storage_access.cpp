#include "api/storage_access.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "api/storage_decode.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

namespace json = boost::json;

// Field names of the sealed JSON; empty fields are left out.
constexpr std::pair<const char*, std::string sign::storage_urls::Credentials::*> kFields[] = {
    {"accessKeyId", &sign::storage_urls::Credentials::accessKeyId},
    {"secretAccessKey", &sign::storage_urls::Credentials::secretAccessKey},
    {"sessionToken", &sign::storage_urls::Credentials::sessionToken},
    {"clientEmail", &sign::storage_urls::Credentials::clientEmail},
    {"privateKeyPem", &sign::storage_urls::Credentials::privateKeyPem},
};

}  // namespace

std::string sealCredentials(const sign::secrets::MasterKey& key, const std::string& storageId,
                            const sign::storage_urls::Credentials& credentials) {
  json::object o;
  for (const auto& [name, member] : kFields)
    if (!(credentials.*member).empty()) o[name] = credentials.*member;
  return sign::secrets::seal(key, json::serialize(o), storageId);
}

sign::storage_urls::Target storageTarget(const sign::secrets::MasterKey& key,
                                         const core::Storage& storage) {
  sign::storage_urls::Target target;
  target.provider = providerOf(storage.provider);
  target.endpoint = storage.endpoint;
  target.region = storage.region;
  std::string plain = sign::secrets::open(key, storage.sealedCredentials, storage.id);
  json::error_code ec;
  json::value parsed = json::parse(plain, ec);
  if (ec || !parsed.is_object())
    throw core::ApiError::internal("stored credentials of storage " + storage.id +
                                   " are not readable");
  for (const auto& [name, member] : kFields)
    if (const auto* v = parsed.get_object().if_contains(name); v != nullptr && v->is_string())
      target.credentials.*member = std::string(v->get_string());
  return target;
}

sign::storage_urls::Target ownStoreTarget(const ObjectStoreAccess& objects) {
  if (objects.accessKeyId.empty() || objects.secretAccessKey.empty())
    throw core::ApiError::internal("the server's object store has no signing credentials");
  sign::storage_urls::Target target;
  target.provider = sign::storage_urls::Provider::Aws;
  target.endpoint = objects.publicUrl;
  while (!target.endpoint.empty() && target.endpoint.back() == '/') target.endpoint.pop_back();
  target.region = objects.region;
  target.credentials.accessKeyId = objects.accessKeyId;
  target.credentials.secretAccessKey = objects.secretAccessKey;
  target.credentials.sessionToken = objects.sessionToken;
  target.pathStyleOnly = true;
  return target;
}

}  // namespace assetd::api
