// POST /project/{id}/chat form fields: the SDK's literal forms, and every rejection.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/decode.hpp"
#include "api_error_matchers.hpp"

namespace assetd::api {
namespace {

using assetd::testing::throwsApiError;
using assetd::testing::throwsApiErrorStartingWith;

http::Params form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  http::Params params;
  for (const auto& [name, value] : fields) params.add(name, value);
  return params;
}

::testing::AssertionResult rejects(const http::Params& fields,
                                   const std::optional<std::string>& file,
                                   std::string_view message) {
  return throwsApiError([&] { decodeChatImport(fields, file); }, message);
}

ChatImport withCount(std::initializer_list<std::pair<std::string, std::string>> fields) {
  http::Params params = form(fields);
  params.add("numberOfConversations", "1");
  return decodeChatImport(params, std::nullopt);
}

TEST(ChatImportTest, AcceptsTheSdksUrlEncodedForm) {
  auto fields = http::Params::parseForm(
      "projectId=P1&priority=1&storageId=S1&bucket=bk&numberOfConversations=3&"
      "namingStrategy=%7B%22type%22%3A+%22random%22%7D&llmConfig=%7B%22id%22%3A+%22L1%22%7D");
  ChatImport chat = decodeChatImport(fields, std::nullopt);
  EXPECT_TRUE(chat.conversationsJson.empty());
  EXPECT_EQ(chat.emptyConversations, 3);
  EXPECT_EQ(chat.priority, 1);
  EXPECT_EQ(chat.storageId, "S1");
  EXPECT_EQ(chat.bucket, "bk");
  EXPECT_FALSE(chat.sequentialNames);
  EXPECT_EQ(chat.namePrefix, "");
  EXPECT_EQ(chat.llmConfigJson, R"({"id":"L1"})");
  EXPECT_TRUE(chat.batchRefs.empty());
}

TEST(ChatImportTest, TakesConversationsFromTheSdksFilePartAndIgnoresItsZeroCount) {
  auto fields = form({{"projectId", "P1"},
                      {"priority", "0"},
                      {"numberOfConversations", "0"},
                      {"namingStrategy", R"({"type": "random"})"}});
  ChatImport chat = decodeChatImport(
      fields, R"([{"messages": [{"role": "user", "content": "hi"}]}, [{"role": "user"}]])");
  EXPECT_EQ(chat.conversationsJson,
            (std::vector<std::string>{R"({"messages":[{"role":"user","content":"hi"}]})",
                                      R"([{"role":"user"}])"}));
  EXPECT_EQ(chat.emptyConversations, 0);
}

TEST(ChatImportTest, AcceptsAFileObjectWithAConversationsArray) {
  ChatImport chat = decodeChatImport(form({}), R"({"conversations": [{"a": 1}]})");
  EXPECT_EQ(chat.conversationsJson, std::vector<std::string>{R"({"a":1})"});
}

TEST(ChatImportTest, AcceptsTheConversationsFieldOrAFileField) {
  EXPECT_EQ(decodeChatImport(form({{"conversations", R"([{"a": 1}, {"b": 2}])"}}), std::nullopt)
                .conversationsJson.size(),
            2u);
  EXPECT_EQ(decodeChatImport(form({{"file", R"([{"a": 1}])"}}), std::nullopt).conversationsJson,
            std::vector<std::string>{R"({"a":1})"});
}

TEST(ChatImportTest, RejectsMalformedConversationFiles) {
  EXPECT_TRUE(
      throwsApiErrorStartingWith([] { decodeChatImport(form({}), "[{"); }, "file: malformed JSON"));
  EXPECT_TRUE(rejects(form({}), "", "file: required"));
  const char* shape =
      R"(file: must be a JSON array of conversations or an object with a "conversations" array)";
  EXPECT_TRUE(rejects(form({}), "3", shape));
  EXPECT_TRUE(rejects(form({}), R"({"chats":[]})", shape));
  EXPECT_TRUE(rejects(form({}), R"([{}, "x"])", "file[1]: must be a JSON object or array"));
  EXPECT_TRUE(rejects(form({}), R"({"conversations":[1]})",
                      "file.conversations[0]: must be a JSON object or array"));
  EXPECT_TRUE(rejects(form({{"numberOfConversations", "0"}}), "[]",
                      "file: must contain at least one conversation"));
}

TEST(ChatImportTest, RejectsMalformedConversationFields) {
  EXPECT_TRUE(rejects(form({{"conversations", R"({"a":1})"}}), std::nullopt,
                      "conversations: must be a JSON array of conversations"));
  EXPECT_TRUE(rejects(form({{"conversations", "[null]"}}), std::nullopt,
                      "conversations[0]: must be a JSON object or array"));
  EXPECT_TRUE(rejects(form({{"conversations", "[{}]"}}), "[{}]",
                      "conversations: give either a file or the conversations field, not both"));
}

TEST(ChatImportTest, AllowsAtMostTenThousandConversations) {
  std::string body = "[{}";
  for (int i = 1; i < 10'000; ++i) body += ",{}";
  EXPECT_EQ(decodeChatImport(form({}), body + "]").conversationsJson.size(), 10'000u);
  EXPECT_TRUE(rejects(form({}), body + ",{}]", "file: at most 10000 conversations per request"));
}

TEST(ChatImportTest, NumberOfConversationsIsNeededWithoutConversations) {
  EXPECT_TRUE(rejects(form({{"projectId", "P1"}}), std::nullopt, "conversations: required"));
  EXPECT_EQ(
      decodeChatImport(form({{"numberOfConversations", "10000"}}), std::nullopt).emptyConversations,
      10'000);
  for (std::string bad : {"0", "-1", "2.5", "abc", "", "10001", "3 "})
    EXPECT_TRUE(rejects(form({{"numberOfConversations", bad}}), std::nullopt,
                        "numberOfConversations: must be an integer between 1 and 10000"))
        << bad;
}

TEST(ChatImportTest, NamingStrategyIsRandomOrSequentialWithAPrefix) {
  ChatImport chat = withCount({{"namingStrategy", R"({"type":"sequential","prefix":"chat-"})"}});
  EXPECT_TRUE(chat.sequentialNames);
  EXPECT_EQ(chat.namePrefix, "chat-");
  EXPECT_FALSE(withCount({}).sequentialNames);
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"namingStrategy", R"({"type":"alpha"})"}});
      },
      R"(namingStrategy.type: must be "random" or "sequential")"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"namingStrategy", R"({"kind":"random"})"}});
      },
      "namingStrategy.kind: unknown field"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"namingStrategy", "[]"}});
      },
      "namingStrategy: must be a JSON object"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"namingStrategy", R"({"prefix":1})"}});
      },
      "namingStrategy.prefix: must be a string"));
  EXPECT_TRUE(throwsApiErrorStartingWith(
      [] {
        withCount({{"namingStrategy", "random"}});
      },
      "namingStrategy: malformed JSON"));
}

TEST(ChatImportTest, BatchesAndLlmConfigAreJsonTexts) {
  ChatImport chat =
      withCount({{"batches", R"(["B1", "b two"])"}, {"llmConfig", R"({"id": "L1"})"}});
  EXPECT_EQ(chat.batchRefs, (std::vector<std::string>{"B1", "b two"}));
  EXPECT_EQ(chat.llmConfigJson, R"({"id":"L1"})");
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"batches", R"("B1")"}});
      },
      "batches: must be an array"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"batches", R"([""])"}});
      },
      "batches[0]: must be a non-empty string"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"llmConfig", R"(["L1"])"}});
      },
      "llmConfig: must be a JSON object"));
}

TEST(ChatImportTest, PriorityIsANumberInRange) {
  EXPECT_EQ(withCount({{"priority", "-2.5"}}).priority, -2.5);
  EXPECT_EQ(withCount({{"priority", "1000"}}).priority, 1000);
  EXPECT_EQ(withCount({}).priority, 0);
  for (std::string bad : {"abc", "", "nan", "inf", "1x", "+1"})
    EXPECT_TRUE(throwsApiError(
        [&] {
          withCount({{"priority", bad}});
        },
        "priority: must be a number"))
        << bad;
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"priority", "1001"}});
      },
      "priority: must be between -1000 and 1000"));
}

TEST(ChatImportTest, StorageIdAndBucketArePlainTokens) {
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"storageId", "a b"}});
      },
      "storageId: must be printable ASCII without spaces"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"bucket", "b\xc3\xa9"}});
      },
      "bucket: must be printable ASCII without spaces"));
  EXPECT_TRUE(throwsApiError(
      [] {
        withCount({{"bucket", std::string(257, 'b')}});
      },
      "bucket: must be at most 256 bytes"));
}

TEST(ChatImportTest, RejectsUnknownFields) {
  EXPECT_TRUE(throwsApiError([] { withCount({{"stage", "Label"}}); }, "stage: unknown field"));
}

}  // namespace
}  // namespace assetd::api
