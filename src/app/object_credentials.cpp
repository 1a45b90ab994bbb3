#include "app/object_credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/ids.hpp"

namespace assetd::app {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path credentialsPath(const std::string& dataDir) {
  return fs::path(dataDir) / kObjectCredentialsFile;
}

std::string uppercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Writes `text` to `path` as a 0600 file, atomically (temp file, fsync, rename).
void writePrivateFile(const fs::path& path, const std::string& text) {
  fs::path temp = path;
  temp += ".tmp-" + core::randomHex(6);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

std::string field(const json::object& object, const char* name) {
  const json::value* value = object.if_contains(name);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

void save(const std::string& dataDir, const ObjectCredentials& credentials) {
  writePrivateFile(credentialsPath(dataDir), objectCredentialsJson(credentials) + "\n");
}

}  // namespace

std::string objectCredentialsJson(const ObjectCredentials& c) {
  json::object out;
  out["accessKeyId"] = c.accessKeyId;
  out["secretAccessKey"] = c.secretAccessKey;
  out["region"] = c.region;
  out["endpoint"] = c.endpoint;
  out["bucket"] = c.bucket;
  return json::serialize(out);
}

ObjectCredentials loadObjectCredentials(const std::string& dataDir) {
  fs::create_directories(dataDir);
  fs::path path = credentialsPath(dataDir);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    ObjectCredentials fresh;
    fresh.accessKeyId = "AKAD" + uppercase(core::randomHex(8));  // 20 characters, like AWS's
    fresh.secretAccessKey = core::randomHex(20);
    save(dataDir, fresh);
    return fresh;
  }
  if ((st.st_mode & 077) != 0)
    throw std::runtime_error(path.string() + " is readable by other users; run: chmod 600 " +
                             path.string());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value parsed = json::parse(text.str(), ec);
  ObjectCredentials out;
  if (!ec && parsed.is_object()) {
    const json::object& object = parsed.as_object();
    out.accessKeyId = field(object, "accessKeyId");
    out.secretAccessKey = field(object, "secretAccessKey");
    out.endpoint = field(object, "endpoint");
    out.bucket = field(object, "bucket");
    if (std::string region = field(object, "region"); !region.empty()) out.region = region;
  }
  if (out.accessKeyId.empty() || out.secretAccessKey.empty())
    throw std::runtime_error(path.string() +
                             " is not valid: it needs accessKeyId and secretAccessKey (delete it "
                             "to have a new pair made)");
  return out;
}

void recordObjectEndpoint(const std::string& dataDir, const ObjectCredentials& announced) {
  ObjectCredentials recorded = loadObjectCredentials(dataDir);
  if (recorded.endpoint == announced.endpoint && recorded.region == announced.region &&
      recorded.bucket == announced.bucket)
    return;
  recorded.endpoint = announced.endpoint;
  recorded.region = announced.region;
  recorded.bucket = announced.bucket;
  save(dataDir, recorded);
}

ObjectCredentials effectiveObjectCredentials(const std::string& dataDir,
                                             const std::string& accessKeyOverride,
                                             const std::string& secretKeyOverride,
                                             const std::string& region) {
  if (accessKeyOverride.empty() != secretKeyOverride.empty())
    throw std::invalid_argument(
        "--s3-access-key and --s3-secret-key (ASSETD_S3_ACCESS_KEY, ASSETD_S3_SECRET_KEY) must be "
        "given together");
  ObjectCredentials out = loadObjectCredentials(dataDir);
  if (!accessKeyOverride.empty()) {
    out.accessKeyId = accessKeyOverride;
    out.secretAccessKey = secretKeyOverride;
  }
  if (!region.empty()) out.region = region;
  return out;
}

}  // namespace assetd::app
