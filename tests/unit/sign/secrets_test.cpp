#include "sign/secrets.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.hpp"
#include "sign/crypto.hpp"

namespace assetd::sign::secrets {
namespace {

namespace fs = std::filesystem;

std::string unhex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  return out;
}

// The status and message of the ApiError that `f` throws; {0, ""} when it throws none.
template <class F>
std::pair<int, std::string> failure(F&& f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "assetd-secrets-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

const MasterKey kKey = MasterKey::parse(std::string(64, 'a'), "test");

TEST(Secrets, RoundTrip) {
  for (std::string plain : {std::string(), std::string("secret"), std::string(5000, 'x'),
                            std::string("\x00\xff binary", 9)}) {
    std::string sealed = seal(kKey, plain, "storage-1");
    EXPECT_TRUE(sealed.starts_with("v1:"));
    EXPECT_EQ(open(kKey, sealed, "storage-1"), plain);
  }
}

TEST(Secrets, SealedTextHidesThePlaintextAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string sealed = seal(kKey, "wJalrXUtnFEMI/K7MDENG", "id");
    EXPECT_EQ(sealed.find("wJalrXUtnFEMI"), std::string::npos);
    EXPECT_EQ(sealed.find(crypto::base64Encode("wJalrXUtnFEMI/K7MDENG")), std::string::npos);
    seen.insert(sealed);
  }
  EXPECT_EQ(seen.size(), 50u);  // a fresh nonce each time
}

// The GCM specification's test case 16 (AES-256, 96-bit IV, with associated data), laid out as
// seal() lays out its output: the format is plain AES-256-GCM and interoperable.
TEST(Secrets, OpensThePublishedGcmTestCase16) {
  auto key = MasterKey::fromBytes(
      unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  std::string nonce = unhex("cafebabefacedbaddecaf888");
  std::string cipher = unhex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f662");
  std::string tag = unhex("76fc6ece0f4e1768cddf8853bb2d551b");
  std::string aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::string sealed = "v1:" + crypto::base64Encode(nonce + cipher + tag);
  EXPECT_EQ(crypto::hex(open(key, sealed, aad)),
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e"
            "2449a6b525b16aedf5aa0de657ba637b39");
}

TEST(Secrets, AnyChangedByteIsRefused) {
  std::string sealed = seal(kKey, "secret value", "id");
  auto raw = *crypto::base64Decode(sealed.substr(3));
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string tampered = raw;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto [status, message] =
        failure([&] { open(kKey, "v1:" + crypto::base64Encode(tampered), "id"); });
    EXPECT_EQ(status, 500) << "byte " << i;
    EXPECT_NE(message.find("wrong master key or tampered data"), std::string::npos) << message;
  }
}

TEST(Secrets, TruncatedOrMalformedTextIsRefused) {
  std::string sealed = seal(kKey, "secret value", "id");
  for (std::string bad :
       {std::string(), std::string("v1:"), std::string("secret value"),
        sealed.substr(0, sealed.size() - 4), "v2:" + sealed.substr(3), std::string("v1:!!!!")})
    EXPECT_EQ(failure([&] { open(kKey, bad, "id"); }).first, 500) << bad;
}

TEST(Secrets, WrongKeyIsRefused) {
  std::string sealed = seal(kKey, "secret", "id");
  auto other = MasterKey::generate();
  auto [status, message] = failure([&] { open(other, sealed, "id"); });
  EXPECT_EQ(status, 500);
  EXPECT_NE(message.find("wrong master key"), std::string::npos);
}

TEST(Secrets, OtherAssociatedDataIsRefused) {
  std::string sealed = seal(kKey, "secret", "storage-1");
  EXPECT_EQ(failure([&] { open(kKey, sealed, "storage-2"); }).first, 500);
  EXPECT_EQ(failure([&] { open(kKey, sealed, ""); }).first, 500);
}

TEST(Secrets, EmptyKeyCannotSealOrOpen) {
  MasterKey none;
  EXPECT_EQ(failure([&] { seal(none, "x", "id"); }).first, 500);
  EXPECT_EQ(failure([&] { open(none, seal(kKey, "x", "id"), "id"); }).first, 500);
}

TEST(MasterKeyParse, AcceptsHexAndBase64Of32Bytes) {
  std::string raw(32, '\x5a');
  EXPECT_EQ(MasterKey::parse(crypto::hex(raw), "env").bytes(), raw);
  EXPECT_EQ(MasterKey::parse(" " + crypto::hex(raw) + "\n", "env").bytes(), raw);
  EXPECT_EQ(MasterKey::parse(crypto::base64Encode(raw), "env").bytes(), raw);
  std::string upper = crypto::hex(raw);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(MasterKey::parse(upper, "env").bytes(), raw);
}

TEST(MasterKeyParse, RefusesOtherLengthsAndAlphabets) {
  for (std::string bad : {std::string(), std::string(62, 'a'), std::string(66, 'a'),
                          std::string(63, 'a') + "g", crypto::base64Encode(std::string(31, 'x')),
                          crypto::base64Encode(std::string(33, 'x')), std::string("not a key")}) {
    auto [status, message] = failure([&] { MasterKey::parse(bad, "ASSETD_MASTER_KEY"); });
    EXPECT_EQ(status, 500) << bad;
    EXPECT_NE(message.find("ASSETD_MASTER_KEY"), std::string::npos) << message;
  }
}

TEST(MasterKeyLoad, TheEnvironmentWins) {
  TempDir dir;
  std::string hex(64, 'b');
  EXPECT_EQ(MasterKey::load(dir.path.string(), hex.c_str()).bytes(), unhex(hex));
  EXPECT_FALSE(fs::exists(dir.path / kMasterKeyFile));
  EXPECT_EQ(failure([&] { MasterKey::load(dir.path.string(), "short"); }).first, 500);
}

TEST(MasterKeyLoad, CreatesAPrivateFileOnceAndReadsItBack) {
  TempDir dir;
  auto first = MasterKey::load(dir.path.string(), nullptr);
  auto file = dir.path / kMasterKeyFile;
  ASSERT_TRUE(fs::exists(file));
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(first.bytes().size(), kKeyBytes);
  auto second = MasterKey::load(dir.path.string(), "");  // empty counts as unset
  EXPECT_EQ(second.bytes(), first.bytes());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()), 1);
  // A value sealed under the file's key opens after a reload.
  EXPECT_EQ(open(second, seal(first, "s", "id"), "id"), "s");
}

TEST(MasterKeyLoad, RefusesAFileOthersCanRead) {
  TempDir dir;
  MasterKey::load(dir.path.string(), nullptr);
  auto file = dir.path / kMasterKeyFile;
  ::chmod(file.c_str(), 0644);
  auto [status, message] = failure([&] { MasterKey::load(dir.path.string(), nullptr); });
  EXPECT_EQ(status, 500);
  EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
}

TEST(MasterKeyLoad, RefusesACorruptFile) {
  TempDir dir;
  auto file = dir.path / kMasterKeyFile;
  {
    std::ofstream out(file);
    out << "garbage\n";
  }
  ::chmod(file.c_str(), 0600);
  auto [status, message] = failure([&] { MasterKey::load(dir.path.string(), nullptr); });
  EXPECT_EQ(status, 500);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
}

}  // namespace
}  // namespace assetd::sign::secrets
