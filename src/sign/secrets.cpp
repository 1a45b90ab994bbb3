#include "sign/secrets.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "sign/crypto.hpp"

namespace assetd::sign::secrets {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "v1:";
constexpr std::size_t kNonceBytes = 12;  // 96 bits: GCM's native nonce size
constexpr std::size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw core::ApiError::internal("secrets: cannot allocate a cipher context");
  return ctx;
}

unsigned char* out(std::string& s, std::size_t offset = 0) {
  return reinterpret_cast<unsigned char*>(s.data()) + offset;
}
const unsigned char* in(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void requireKey(const MasterKey& key) {
  if (key.empty()) throw core::ApiError::internal("secrets: no master key is configured");
}

std::string trim(std::string_view text) {
  const char* blanks = " \t\r\n";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(blanks);
  return std::string(text.substr(first, last - first + 1));
}

std::optional<std::string> fromHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string raw;
  raw.reserve(text.size() / 2);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = digit(text[i]);
    int lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    raw.push_back(static_cast<char>(hi * 16 + lo));
  }
  return raw;
}

std::string randomBytes(std::size_t n) {
  std::string raw(n, '\0');
  if (RAND_bytes(out(raw), static_cast<int>(n)) != 1)
    throw core::ApiError::internal("secrets: the random generator failed");
  return raw;
}

std::string readKeyFile(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw core::ApiError::internal("cannot read " + path.string() + ": " + std::strerror(errno));
  if ((info.st_mode & 077) != 0) {
    std::ostringstream mode;
    mode << std::oct << (info.st_mode & 0777);
    throw core::ApiError::internal(path.string() + " is readable by others (mode 0" + mode.str() +
                                   "); run chmod 600 on it");
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) throw core::ApiError::internal("cannot read " + path.string());
  return text.str();
}

void writeAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw core::ApiError::internal("cannot write " + path.string());
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Writes a new random key next to `path` and links it into place, so that two processes
// starting at once agree on one key: the loser of the link reads the winner's file.
void createKeyFile(const fs::path& path) {
  fs::path temp = path;
  temp += ".tmp-" + crypto::hex(randomBytes(6));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw core::ApiError::internal("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    writeAll(fd, crypto::hex(MasterKey::generate().bytes()) + "\n", temp);
    if (::fsync(fd) != 0) throw core::ApiError::internal("cannot fsync " + temp.string());
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  int linked = ::link(temp.c_str(), path.c_str());
  int linkErrno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && linkErrno != EEXIST)
    throw core::ApiError::internal("cannot create " + path.string() + ": " +
                                   std::strerror(linkErrno));
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

MasterKey MasterKey::parse(std::string_view text, const std::string& source) {
  std::string trimmed = trim(text);
  std::optional<std::string> raw;
  if (trimmed.size() == 2 * kKeyBytes)
    raw = fromHex(trimmed);
  else
    raw = crypto::base64Decode(trimmed);
  if (!raw || raw->size() != kKeyBytes)
    throw core::ApiError::internal(source +
                                   ": the master key must be 64 hex characters or the base64 of "
                                   "32 bytes");
  return MasterKey(std::move(*raw));
}

MasterKey MasterKey::fromBytes(std::string bytes) {
  if (bytes.size() != kKeyBytes)
    throw core::ApiError::internal("secrets: a master key is exactly 32 bytes");
  return MasterKey(std::move(bytes));
}

MasterKey MasterKey::generate() {
  return MasterKey(randomBytes(kKeyBytes));
}

MasterKey MasterKey::load(const std::string& dataDir, const char* envValue) {
  if (envValue != nullptr && *envValue != '\0') return parse(envValue, kMasterKeyEnv);
  fs::path path = fs::path(dataDir) / kMasterKeyFile;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (!fs::exists(path, ec)) createKeyFile(path);
  return parse(readKeyFile(path), path.string());
}

std::string seal(const MasterKey& key, std::string_view plaintext, std::string_view aad) {
  requireKey(key);
  std::string nonce = randomBytes(kNonceBytes);
  std::string body(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  std::memcpy(body.data(), nonce.data(), kNonceBytes);
  auto ctx = newContext();
  int n = 0;
  bool okay =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, in(key.bytes()), in(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, in(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out(body, kNonceBytes), &n, in(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out(body, kNonceBytes + plaintext.size()), &n) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out(body, kNonceBytes + plaintext.size())) == 1;
  if (!okay) throw core::ApiError::internal("secrets: encryption failed");
  return std::string(kPrefix) + crypto::base64Encode(body);
}

std::string open(const MasterKey& key, std::string_view sealed, std::string_view aad) {
  requireKey(key);
  const auto refuse = [] {
    return core::ApiError::operatorFault(
        "stored credentials cannot be decrypted: wrong master key or tampered data");
  };
  if (!sealed.starts_with(kPrefix)) throw refuse();
  auto body = crypto::base64Decode(sealed.substr(kPrefix.size()));
  if (!body || body->size() < kNonceBytes + kTagBytes) throw refuse();
  const std::size_t length = body->size() - kNonceBytes - kTagBytes;
  std::string_view nonce(body->data(), kNonceBytes);
  std::string_view cipher(body->data() + kNonceBytes, length);
  std::string tag = body->substr(kNonceBytes + length);
  std::string plaintext(length, '\0');
  auto ctx = newContext();
  int n = 0;
  bool okay =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, in(key.bytes()), in(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, in(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out(plaintext), &n, in(cipher),
                        static_cast<int>(cipher.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      // Only the final step checks the tag: before it, nothing decrypted may be used.
      EVP_DecryptFinal_ex(ctx.get(), out(plaintext, length), &n) == 1;
  if (!okay) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    throw refuse();
  }
  return plaintext;
}

}  // namespace assetd::sign::secrets
