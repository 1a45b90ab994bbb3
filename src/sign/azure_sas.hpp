#pragma once
// Azure Blob Storage service SAS signed with the storage account key (HMAC-SHA256). Covers the
// string-to-sign layouts of signed versions 2013-08-15 and later. Pure functions, safe from any
// thread.
#include <cstdint>
#include <string>

namespace assetd::sign::azure {

// The SAS fields, named by their query parameter. Empty means absent. Times are the exact text
// that is signed and sent (see sasTime()).
struct SasFields {
  std::string permissions;             // sp: letters of "racwdxyltfmeopi", any order
  std::string start;                   // st
  std::string expiry;                  // se: required unless an identifier names a stored policy
  std::string identifier;              // si
  std::string ip;                      // sip: "168.1.5.65" or "168.1.5.60-168.1.5.70"
  std::string protocol;                // spr: "https" or "https,http"
  std::string version = "2022-11-02";  // sv
  std::string resource = "b";   // sr: b, c (container), d (directory), bs (snapshot), bv (version)
  std::string snapshotTime;     // the blob snapshot or version the SAS is for
  std::string encryptionScope;  // ses (signed from version 2020-12-06)
  std::string cacheControl;     // rscc
  std::string contentDisposition;  // rscd
  std::string contentEncoding;     // rsce
  std::string contentLanguage;     // rscl
  std::string contentType;         // rsct
  std::string directoryDepth;      // sdd: sent with sr=d, not signed
};

// 1506787200 -> "2017-09-30T16:00:00Z".
std::string sasTime(std::int64_t unixSeconds);

// "/blob/<account>/<container>[/<blob>]" (versions before 2015-02-21 lack the "/blob" prefix).
// Names are not percent-encoded here.
std::string canonicalizedResource(const std::string& account, const std::string& container,
                                  const std::string& blob, const std::string& version);

// The newline-joined string-to-sign of `fields.version`'s layout. Throws core::ApiError 400
// naming the field for an unsupported version, unknown permissions, a missing expiry, etc.
std::string stringToSign(const SasFields& fields, const std::string& canonicalizedResource);

// Base64 HMAC-SHA256 of the string to sign, keyed by the base64-decoded account key. Throws
// core::ApiError 400 if the key is not base64.
std::string signature(const std::string& stringToSign, const std::string& accountKeyBase64);

// The SAS query string (no '?'): parameters sorted by name, values percent-encoded.
std::string token(const SasFields& fields, const std::string& signature);

struct BlobSasInput {
  // The service URL: "https://<account>.blob.core.windows.net", or a path-style emulator
  // endpoint such as "http://127.0.0.1:10000/devstoreaccount1".
  std::string endpoint;
  std::string accountName;
  std::string accountKey;  // base64
  std::string container;
  std::string blob;  // empty for a container SAS (sr=c)
  SasFields fields;
};

struct SignedSas {
  std::string url;  // endpoint/container[/blob]?token
  std::string token;
  std::string stringToSign;
  std::string signature;
};

// Throws core::ApiError 400 naming the field for invalid input.
SignedSas signBlobUrl(const BlobSasInput& input);

}  // namespace assetd::sign::azure
