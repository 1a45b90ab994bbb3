#include "s3/post_policy.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/time.hpp"
#include "s3/s3_error.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

namespace assetd::s3::post {
namespace {

namespace json = boost::json;

[[noreturn]] void invalid(const std::string& why) {
  throw S3Error(400, "InvalidPolicyDocument", "Invalid Policy: " + why);
}

[[noreturn]] void denied(const std::string& why) {
  throw S3Error(403, "AccessDenied", "Invalid according to Policy: " + why);
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A JSON string literal of `text`, for condition texts in error messages.
std::string quoted(std::string_view text) {
  return json::serialize(json::value(json::string_view(text.data(), text.size())));
}

std::uint64_t lengthBound(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  if (v.is_string()) {
    const json::string& s = v.get_string();
    if (!s.empty() && s.size() <= 19) {
      std::uint64_t n = 0;
      bool digits = true;
      for (char c : s) {
        if (c < '0' || c > '9') digits = false;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (digits) return n;
    }
  }
  invalid("Invalid content-length-range bound: " + json::serialize(v));
}

Condition arrayCondition(const json::array& a) {
  if (a.empty() || !a[0].is_string()) invalid("Invalid Condition: " + json::serialize(a));
  std::string op = lowercase(std::string_view(a[0].get_string()));
  Condition c;
  c.text = json::serialize(a);
  if (op == "content-length-range") {
    if (a.size() != 3) invalid("Invalid Condition: " + c.text);
    c.kind = Condition::Kind::ContentLengthRange;
    c.min = lengthBound(a[1]);
    c.max = lengthBound(a[2]);
    return c;
  }
  if (op != "eq" && op != "starts-with") invalid("Invalid Condition: " + c.text);
  if (a.size() != 3 || !a[1].is_string() || !a[2].is_string())
    invalid("Invalid Condition: " + c.text);
  std::string_view field = a[1].get_string();
  if (field.size() < 2 || field.front() != '$')
    invalid("Invalid Condition: the field must be named with a '$': " + c.text);
  c.kind = op == "eq" ? Condition::Kind::Eq : Condition::Kind::StartsWith;
  c.field = lowercase(field.substr(1));
  c.value = std::string_view(a[2].get_string());
  return c;
}

const std::string* fieldValue(const Fields& fields, std::string_view name) {
  for (const auto& [field, value] : fields)
    if (field == name) return &value;
  return nullptr;
}

bool startsWith(std::string_view field, std::string_view value, std::string_view prefix) {
  if (field != "content-type") return value.starts_with(prefix);
  // A Content-Type may list several types; each must start with the prefix.
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view one = value.substr(start, end - start);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    if (!one.starts_with(prefix)) return false;
    start = end + 1;
  }
  return true;
}

bool exempt(std::string_view name) {
  return name == "file" || name == "policy" || name == "x-amz-signature" ||
         name.starts_with("x-ignore-");
}

}  // namespace

Policy parsePolicy(std::string_view text) {
  if (text.size() > kMaxPolicyBytes) invalid("Policy document is larger than 20 KB.");
  json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec || !doc.is_object()) invalid("Invalid JSON.");
  const json::object& root = doc.get_object();
  Policy policy;

  const json::value* expiration = root.if_contains("expiration");
  if (!expiration) invalid("Policy missing expiration.");
  if (!expiration->is_string())
    invalid("Invalid 'expiration' value: " + json::serialize(*expiration));
  auto millis = core::parseIsoMillis(std::string_view(expiration->get_string()));
  if (!millis) invalid("Invalid 'expiration' value: " + json::serialize(*expiration));
  policy.expirationMillis = *millis;

  const json::value* conditions = root.if_contains("conditions");
  if (!conditions) invalid("Policy missing conditions.");
  if (!conditions->is_array()) invalid("Invalid 'conditions' value: must be a list.");
  for (const json::value& entry : conditions->get_array()) {
    if (entry.is_array()) {
      policy.conditions.push_back(arrayCondition(entry.get_array()));
    } else if (entry.is_object()) {
      if (entry.get_object().empty()) invalid("Invalid Condition: {}");
      for (const auto& member : entry.get_object()) {
        if (!member.value().is_string()) invalid("Invalid Condition: " + json::serialize(entry));
        Condition c;
        c.kind = Condition::Kind::Eq;
        c.field = lowercase(std::string_view(member.key()));
        c.value = std::string_view(member.value().get_string());
        std::string_view name = member.key();
        c.text = "[\"eq\", " + quoted("$" + std::string(name)) + ", " + quoted(c.value) + "]";
        policy.conditions.push_back(std::move(c));
      }
    } else {
      invalid("Invalid Condition: " + json::serialize(entry));
    }
  }
  return policy;
}

Policy decodePolicy(std::string_view base64) {
  auto text = sign::crypto::base64Decode(base64);
  if (!text) invalid("Policy is not base64 encoded.");
  return parsePolicy(*text);
}

LengthRange checkPolicy(const Policy& policy, const Fields& fields, std::string_view bucket,
                        std::int64_t nowMillis) {
  if (nowMillis >= policy.expirationMillis) denied("Policy expired.");
  LengthRange range;
  static const std::string kEmpty;
  for (const Condition& c : policy.conditions) {
    if (c.kind == Condition::Kind::ContentLengthRange) {
      range.min = std::max(range.min, c.min);
      range.max = std::min(range.max, c.max);
      continue;
    }
    std::string bucketValue(bucket);
    const std::string* value = c.field == "bucket" ? &bucketValue : fieldValue(fields, c.field);
    if (!value) value = &kEmpty;
    bool ok =
        c.kind == Condition::Kind::Eq ? *value == c.value : startsWith(c.field, *value, c.value);
    if (!ok) denied("Policy Condition failed: " + c.text);
  }
  for (const auto& [name, value] : fields) {
    if (exempt(name)) continue;
    bool covered = false;
    for (const Condition& c : policy.conditions)
      if (c.kind != Condition::Kind::ContentLengthRange && c.field == name) covered = true;
    if (!covered) denied("Extra input fields: " + name);
  }
  return range;
}

std::string policySignature(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service, std::string_view policyBase64) {
  return sign::sigv4::signature(sign::sigv4::signingKey(secret, date, region, service),
                                policyBase64);
}

std::string substituteFilename(std::string_view key, std::string_view filename) {
  std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  constexpr std::string_view kVariable = "${filename}";
  std::string out;
  std::size_t start = 0;
  for (std::size_t at = key.find(kVariable); at != std::string_view::npos;
       at = key.find(kVariable, start)) {
    out.append(key.substr(start, at - start));
    out.append(filename);
    start = at + kVariable.size();
  }
  out.append(key.substr(start));
  return out;
}

}  // namespace assetd::s3::post
