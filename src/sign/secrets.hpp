#pragma once
// Secrets at rest: AES-256-GCM under the server's master key, with a fresh random 96-bit nonce
// per secret and caller-chosen associated data (e.g. the storage id), so a sealed value copied
// onto another record does not open. Safe from any thread.
#include <string>
#include <string_view>

namespace assetd::sign::secrets {

inline constexpr std::size_t kKeyBytes = 32;
// The environment variable that, when set, holds the master key.
inline constexpr const char* kMasterKeyEnv = "ASSETD_MASTER_KEY";
// The file in the data directory that holds it otherwise (created on first start, mode 0600).
inline constexpr const char* kMasterKeyFile = "master.key";

class MasterKey {
 public:
  MasterKey() = default;  // empty: sealing and opening fail with ApiError 500

  // 64 hex characters, or standard base64 of 32 bytes; surrounding whitespace is ignored.
  // Throws core::ApiError 500 naming `source` otherwise.
  static MasterKey parse(std::string_view text, const std::string& source);
  // From raw bytes; throws core::ApiError 500 unless exactly kKeyBytes.
  static MasterKey fromBytes(std::string bytes);
  static MasterKey generate();

  // The key from `envValue` when it is non-null and non-empty, else from <dataDir>/master.key,
  // which is created (0600, random) if missing. A file readable by group or others is refused.
  // Throws core::ApiError 500 with a message a person can act on.
  static MasterKey load(const std::string& dataDir, const char* envValue);

  bool empty() const { return bytes_.empty(); }
  const std::string& bytes() const { return bytes_; }

 private:
  explicit MasterKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// "v1:" + base64(nonce | ciphertext | tag): printable, for a TEXT column.
std::string seal(const MasterKey& key, std::string_view plaintext, std::string_view aad);

// The plaintext of seal()'s output. A wrong key, other associated data or any change to the
// sealed text is core::ApiError 500 ("... cannot be decrypted: wrong master key or tampered
// data"); it never returns garbage.
std::string open(const MasterKey& key, std::string_view sealed, std::string_view aad);

}  // namespace assetd::sign::secrets
