#pragma once
// Helpers shared by the SigV4 signer and verifier; not part of the public interface.
#include <string>
#include <string_view>

#include "sign/sigv4.hpp"

namespace assetd::sign::sigv4::detail {

std::string lowercase(std::string_view text);

// X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Security-Token, -Signature.
bool isAuthQueryParameter(std::string_view name);

// A payload hash a request may sign: 64 lowercase hex digits, UNSIGNED-PAYLOAD or STREAMING-*.
bool isValidPayloadHash(std::string_view hash);

// Lowercase header names a signer leaves unsigned because intermediaries may change them.
bool isUnsignedHeader(std::string_view name);

// Throws core::ApiError 400 naming the header for an empty name, a name with blanks, ':' or
// control characters, or a value with a line break or other control character: any of them
// would make the signed text ambiguous.
void checkHeaders(const Headers& headers);

}  // namespace assetd::sign::sigv4::detail
