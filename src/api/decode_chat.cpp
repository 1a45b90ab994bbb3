// Decoding of POST /project/{id}/chat: form fields whose values are JSON texts, and an optional
// JSON file of conversations.
#include <charconv>
#include <cmath>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/decode.hpp"
#include "api/decode_limits.hpp"
#include "api/json_input.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

using json_input::Path;
using json_input::view;
namespace json = boost::json;

constexpr std::string_view kChatFields[] = {"conversations",  "numberOfConversations",
                                            "namingStrategy", "batches",
                                            "llmConfig",      "priority",
                                            "storageId",      "bucket",
                                            "projectId",      "file"};

void rejectUnknownFields(const http::Params& fields) {
  for (const auto& [name, value] : fields.all()) {
    bool known = false;
    for (std::string_view k : kChatFields) known = known || name == k;
    if (!known) Path::root(name).fail("unknown field");
  }
}

// Ids and bucket names are plain ASCII; anything else in a form field is a client error.
std::string readAsciiToken(const std::string& value, std::string_view name) {
  if (value.size() > limits::kMaxIdBytes)
    Path::root(name).fail("must be at most " + std::to_string(limits::kMaxIdBytes) + " bytes");
  for (char c : value)
    if (c <= ' ' || c > '~') Path::root(name).fail("must be printable ASCII without spaces");
  return value;
}

double readPriorityText(const std::string& text) {
  const Path path = Path::root("priority");
  double p = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(p))
    path.fail("must be a number");
  if (p < json_input::kMinPriority || p > json_input::kMaxPriority)
    path.fail("must be between -1000 and 1000");
  return p;
}

std::int64_t readConversationCount(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1 ||
      n > static_cast<std::int64_t>(limits::kMaxConversations))
    Path::root("numberOfConversations")
        .fail("must be an integer between 1 and " + std::to_string(limits::kMaxConversations));
  return n;
}

void readNamingStrategy(const std::string& text, ChatImport& out) {
  json_input::Document doc(text, "namingStrategy");
  const Path root = Path::root("namingStrategy");
  for (const auto& field : doc.rootObject()) {
    const std::string_view key = view(field.key());
    const Path path = root.field(key);
    if (key == "type") {
      const json::value& v = field.value();
      if (v.is_string() && v.get_string() == "sequential") {
        out.sequentialNames = true;
      } else if (!(v.is_string() && v.get_string() == "random")) {
        path.fail(R"(must be "random" or "sequential")");
      }
    } else if (key == "prefix") {
      if (!field.value().is_null())
        out.namePrefix = json_input::readString(field.value(), path, limits::kMaxNameBytes, true);
    } else {
      path.fail("unknown field");
    }
  }
}

void appendConversations(const json::array& items, const Path& path, ChatImport& out) {
  if (items.empty()) path.fail("must contain at least one conversation");
  if (items.size() > limits::kMaxConversations)
    path.fail("at most " + std::to_string(limits::kMaxConversations) +
              " conversations per request");
  out.conversationsJson.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object() && !items[i].is_array())
      path.at(i).fail("must be a JSON object or array");
    out.conversationsJson.push_back(json_input::compact(items[i]));
  }
}

// The file holds an array of conversations or an object with a "conversations" array.
void readConversationFile(const std::string& text, ChatImport& out) {
  json_input::Document doc(text, "file");
  const Path file = Path::root("file");
  if (doc.root().is_array()) return appendConversations(doc.root().get_array(), file, out);
  const json::value* list =
      doc.root().is_object() ? doc.root().get_object().if_contains("conversations") : nullptr;
  if (!list || !list->is_array())
    file.fail(R"(must be a JSON array of conversations or an object with a "conversations" array)");
  const Path conversations = file.field("conversations");
  appendConversations(list->get_array(), conversations, out);
}

void readConversationField(const std::string& text, ChatImport& out) {
  json_input::Document doc(text, "conversations");
  const Path path = Path::root("conversations");
  if (!doc.root().is_array()) path.fail("must be a JSON array of conversations");
  appendConversations(doc.root().get_array(), path, out);
}

}  // namespace

ChatImport decodeChatImport(const http::Params& fields, const std::optional<std::string>& file) {
  rejectUnknownFields(fields);
  ChatImport out;
  // A urlencoded client can only send the file's JSON as a field named "file".
  std::optional<std::string> fileField;
  const std::string* fileText = file ? &*file : nullptr;
  if (!fileText && (fileField = fields.get("file"))) fileText = &*fileField;
  const std::optional<std::string> conversations = fields.get("conversations");
  if (fileText && conversations)
    Path::root("conversations").fail("give either a file or the conversations field, not both");
  if (fileText) readConversationFile(*fileText, out);
  if (conversations) readConversationField(*conversations, out);
  if (!fileText && !conversations) {
    // The SDK sends numberOfConversations=0 beside a file, so the count is read only here.
    const std::optional<std::string> count = fields.get("numberOfConversations");
    if (!count) Path::root("conversations").fail("required");
    out.emptyConversations = readConversationCount(*count);
  }

  if (auto naming = fields.get("namingStrategy"); naming && !naming->empty())
    readNamingStrategy(*naming, out);
  if (auto batches = fields.get("batches"); batches && !batches->empty()) {
    json_input::Document doc(*batches, "batches");
    out.batchRefs =
        json_input::readStringList(doc.root(), Path::root("batches"), limits::kMaxNameBytes);
  }
  if (auto llmConfig = fields.get("llmConfig"); llmConfig && !llmConfig->empty()) {
    json_input::Document doc(*llmConfig, "llmConfig");
    out.llmConfigJson = json_input::compact(doc.rootObject());
  }
  if (auto priority = fields.get("priority")) out.priority = readPriorityText(*priority);
  if (auto storageId = fields.get("storageId"))
    out.storageId = readAsciiToken(*storageId, "storageId");
  if (auto bucket = fields.get("bucket")) out.bucket = readAsciiToken(*bucket, "bucket");
  return out;
}

}  // namespace assetd::api
