#include "s3/object_checksum.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::s3 {
namespace {

constexpr std::string_view kChecksumPrefix = "x-amz-checksum-";
constexpr std::string_view kTypeName = "x-amz-checksum-type";
constexpr std::string_view kAlgorithmName = "x-amz-checksum-algorithm";
constexpr std::string_view kPartsName = "x-amz-mp-parts";

// ASCII case: headers carry algorithm names either way.
std::string cased(std::string_view text, bool upper) {
  std::string out(text);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
  }
  return out;
}

bool isAlgorithm(std::string_view name) {
  return name == "crc32" || name == "crc32c" || name == "crc64nvme" || name == "sha1" ||
         name == "sha256";
}

bool isCrc(std::string_view name) {
  return name == "crc32" || name == "crc32c" || name == "crc64nvme";
}

// The raw size of a checksum of the algorithm.
std::size_t digestSize(std::string_view algorithm) {
  if (algorithm == "crc64nvme") return 8;
  if (algorithm == "sha1") return 20;
  if (algorithm == "sha256") return 32;
  return 4;
}

std::optional<ChecksumType> typeNamed(std::string_view name) {
  if (name == "FULL_OBJECT") return ChecksumType::FullObject;
  if (name == "COMPOSITE") return ChecksumType::Composite;
  return std::nullopt;
}

// The recorded checksum's value entry: "x-amz-checksum-<algorithm>".
bool isValueEntry(std::string_view name) {
  return name.starts_with(kChecksumPrefix) && isAlgorithm(name.substr(kChecksumPrefix.size()));
}

void removeEntries(StoredHeaders& headers, bool (*matches)(std::string_view)) {
  std::erase_if(headers, [&](const auto& header) { return matches(header.first); });
}

std::optional<std::uint64_t> decodeCrc(std::string_view algorithm, std::string_view base64) {
  auto raw = sign::crypto::base64Decode(base64);
  if (!raw || raw->size() != digestSize(algorithm)) return std::nullopt;
  std::uint64_t value = 0;
  for (unsigned char c : *raw) value = (value << 8) | c;
  return value;
}

std::string encodeCrc(std::string_view algorithm, std::uint64_t value) {
  std::string raw(digestSize(algorithm), '\0');
  for (std::size_t i = raw.size(); i-- > 0;) {
    raw[i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return sign::crypto::base64Encode(raw);
}

// GF(2) polynomial arithmetic modulo a CRC's polynomial, in the reflected bit order of its
// tables (as zlib's crc32_combine): bit width-1 is x^0.
struct CrcField {
  std::uint64_t polynomial;  // reflected, without x^width
  int width;

  std::uint64_t multiply(std::uint64_t a, std::uint64_t b) const {
    std::uint64_t m = std::uint64_t{1} << (width - 1);
    std::uint64_t product = 0;
    while (m != 0) {
      if (a & m) product ^= b;
      m >>= 1;
      b = (b & 1) ? (b >> 1) ^ polynomial : b >> 1;
    }
    return product;
  }

  // x^(8 * bytes) modulo the polynomial.
  std::uint64_t shiftForBytes(std::uint64_t bytes) const {
    std::uint64_t power = std::uint64_t{1} << (width - 2);       // x^1
    std::uint64_t result = std::uint64_t{1} << (width - 1);      // x^0
    for (int i = 0; i < 3; ++i) power = multiply(power, power);  // x^8
    while (bytes != 0) {
      if (bytes & 1) result = multiply(power, result);
      bytes >>= 1;
      power = multiply(power, power);
    }
    return result;
  }
};

CrcField fieldOf(std::string_view algorithm) {
  if (algorithm == "crc32") return {0xEDB88320u, 32};
  if (algorithm == "crc32c") return {0x82F63B78u, 32};
  if (algorithm == "crc64nvme") return {0x9A6C9329AC4BC9B5ull, 64};
  throw std::invalid_argument("not a CRC algorithm: " + std::string(algorithm));
}

}  // namespace

std::string_view checksumTypeName(ChecksumType type) {
  return type == ChecksumType::FullObject ? "FULL_OBJECT" : "COMPOSITE";
}

std::string checksumHeaderName(std::string_view algorithm) {
  return std::string(kChecksumPrefix) + std::string(algorithm);
}

std::string checksumElementName(std::string_view algorithm) {
  return "Checksum" + cased(algorithm, true);
}

std::optional<UploadChecksum> uploadChecksumOf(
    const std::vector<std::pair<std::string, std::string>>& requestHeaders) {
  std::optional<std::string> algorithm;
  std::optional<std::string> type;
  for (const auto& [name, value] : requestHeaders) {
    if (name == kAlgorithmName) algorithm = cased(value, false);
    if (name == kTypeName) type = value;
  }
  if (!algorithm) {
    if (type)
      throw S3Error(400, "InvalidRequest",
                    "The x-amz-checksum-type header can only be used with the "
                    "x-amz-checksum-algorithm header.");
    return std::nullopt;
  }
  if (!isAlgorithm(*algorithm))
    throw S3Error(400, "InvalidRequest",
                  "Checksum algorithm provided is unsupported. Please try again with any of the "
                  "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  UploadChecksum out{
      *algorithm, *algorithm == "crc64nvme" ? ChecksumType::FullObject : ChecksumType::Composite};
  if (type) {
    auto named = typeNamed(cased(*type, true));
    if (!named)
      throw S3Error(400, "InvalidRequest", "Value for x-amz-checksum-type header is invalid.");
    out.type = *named;
  }
  if (out.type == ChecksumType::Composite && out.algorithm == "crc64nvme")
    throw S3Error(400, "InvalidRequest",
                  "The COMPOSITE checksum type cannot be used with the crc64nvme checksum "
                  "algorithm.");
  if (out.type == ChecksumType::FullObject && !isCrc(out.algorithm))
    throw S3Error(400, "InvalidRequest",
                  "The FULL_OBJECT checksum type cannot be used with the " + out.algorithm +
                      " checksum algorithm.");
  return out;
}

std::optional<std::string> compositeChecksum(std::string_view algorithm,
                                             const std::vector<std::string>& partValues) {
  if (!isAlgorithm(algorithm)) return std::nullopt;
  std::string concatenated;
  for (const std::string& value : partValues) {
    auto raw = sign::crypto::base64Decode(value);
    if (!raw || raw->size() != digestSize(algorithm)) return std::nullopt;
    concatenated += *raw;
  }
  std::string digest;
  if (algorithm == "sha1" || algorithm == "sha256") {
    StreamDigest sha(algorithm == "sha1" ? StreamDigest::Kind::Sha1 : StreamDigest::Kind::Sha256);
    sha.update(concatenated);
    digest = sign::crypto::base64Encode(sha.finish());
  } else {
    const char* data = concatenated.data();
    std::size_t n = concatenated.size();
    std::uint64_t crc = algorithm == "crc32"    ? crc32(0, data, n)
                        : algorithm == "crc32c" ? crc32c(0, data, n)
                                                : crc64nvme(0, data, n);
    digest = encodeCrc(algorithm, crc);
  }
  return digest + "-" + std::to_string(partValues.size());
}

std::optional<std::string> fullObjectCrc(
    std::string_view algorithm, const std::vector<std::pair<std::string, std::uint64_t>>& parts) {
  if (!isCrc(algorithm)) return std::nullopt;
  std::uint64_t crc = 0;
  for (const auto& [value, size] : parts) {
    auto partCrc = decodeCrc(algorithm, value);
    if (!partCrc) return std::nullopt;
    crc = combineCrc(algorithm, crc, *partCrc, size);
  }
  return encodeCrc(algorithm, crc);
}

std::uint64_t combineCrc(std::string_view algorithm, std::uint64_t crcA, std::uint64_t crcB,
                         std::uint64_t lengthB) {
  CrcField field = fieldOf(algorithm);
  // The CRCs start from and end with all ones; those cancel out (zlib's crc32_combine).
  return field.multiply(field.shiftForBytes(lengthB), crcA) ^ crcB;
}

std::optional<ObjectChecksum> recordedChecksum(const StoredHeaders& headers) {
  std::optional<ObjectChecksum> out;
  ChecksumType type = ChecksumType::FullObject;
  for (const auto& [name, value] : headers) {
    if (isValueEntry(name))
      out = ObjectChecksum{name.substr(kChecksumPrefix.size()), value, ChecksumType::FullObject};
    if (name == kTypeName) type = typeNamed(value).value_or(ChecksumType::FullObject);
  }
  if (out) out->type = type;
  return out;
}

void recordChecksum(StoredHeaders& headers, const ObjectChecksum& checksum) {
  removeEntries(headers,
                [](std::string_view name) { return isValueEntry(name) || name == kTypeName; });
  headers.emplace_back(checksumHeaderName(checksum.algorithm), checksum.value);
  headers.emplace_back(kTypeName, checksumTypeName(checksum.type));
}

std::vector<std::uint64_t> recordedPartSizes(const StoredHeaders& headers) {
  std::vector<std::uint64_t> sizes;
  for (const auto& [name, value] : headers) {
    if (name != kPartsName) continue;
    // "<count>*<size>" runs separated by commas.
    std::string_view rest = value;
    sizes.clear();
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view run = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      std::size_t star = run.find('*');
      std::uint64_t count = 0;
      std::uint64_t size = 0;
      if (star == std::string_view::npos) return {};
      auto [countEnd, countError] = std::from_chars(run.data(), run.data() + star, count);
      auto [sizeEnd, sizeError] =
          std::from_chars(run.data() + star + 1, run.data() + run.size(), size);
      if (countError != std::errc() || sizeError != std::errc() || countEnd != run.data() + star ||
          sizeEnd != run.data() + run.size() || count == 0 || sizes.size() + count > 10000)
        return {};
      sizes.insert(sizes.end(), count, size);
    }
  }
  return sizes;
}

void recordPartSizes(StoredHeaders& headers, const std::vector<std::uint64_t>& sizes) {
  removeEntries(headers, [](std::string_view name) { return name == kPartsName; });
  std::string text;
  for (std::size_t i = 0; i < sizes.size();) {
    std::size_t j = i;
    while (j < sizes.size() && sizes[j] == sizes[i]) ++j;
    if (!text.empty()) text += ",";
    text += std::to_string(j - i) + "*" + std::to_string(sizes[i]);
    i = j;
  }
  headers.emplace_back(kPartsName, text);
}

std::optional<UploadChecksum> recordedUploadChecksum(const StoredHeaders& headers) {
  std::optional<UploadChecksum> out;
  ChecksumType type = ChecksumType::Composite;
  for (const auto& [name, value] : headers) {
    if (name == kAlgorithmName && isAlgorithm(value)) out = UploadChecksum{value, type};
    if (name == kTypeName) type = typeNamed(value).value_or(ChecksumType::Composite);
  }
  if (out) out->type = type;
  return out;
}

void recordUploadChecksum(StoredHeaders& headers, const UploadChecksum& checksum) {
  headers.emplace_back(kAlgorithmName, checksum.algorithm);
  headers.emplace_back(kTypeName, checksumTypeName(checksum.type));
}

StoredHeaders answeredHeaders(const StoredHeaders& headers) {
  StoredHeaders out;
  for (const auto& header : headers)
    if (!isRecordedOnly(header.first)) out.push_back(header);
  return out;
}

StoredHeaders copiedHeaders(const StoredHeaders& headers) {
  StoredHeaders out = answeredHeaders(headers);
  auto checksum = recordedChecksum(headers);
  if (checksum && checksum->type == ChecksumType::FullObject) recordChecksum(out, *checksum);
  return out;
}

}  // namespace assetd::s3
