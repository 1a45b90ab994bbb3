// POST /project/{id}/cloud bodies: what the SDK sends, and every rejection with its path.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/decode.hpp"
#include "api/prelabel.hpp"
#include "api_error_matchers.hpp"

namespace assetd::api {
namespace {

using assetd::testing::throwsApiError;
using assetd::testing::throwsApiErrorStartingWith;

constexpr const char* kSchema =
    R"({"tools":[{"tool":"bounding-box","title":"car","schemaId":"s1"}],)"
    R"("classifications":[{"title":"weather","schemaId":"c1"}],"relations":[]})";

class CloudImportTest : public ::testing::Test {
 protected:
  DecodedImport decode(std::string_view body,
                       const std::optional<std::string>& batches = std::nullopt) {
    return decodeCloudImport(body, batches, validator_, storageExists_);
  }
  // One asset: `fields` is the JSON text inside its object, after a valid "data".
  DecodedImport decodeOne(const std::string& fields) {
    return decode(R"({"assets":[{"data":"https://b/k/img.jpg")" +
                  (fields.empty() ? "" : "," + fields) + "}]}");
  }
  ::testing::AssertionResult rejects(std::string_view body, std::string_view message) {
    return throwsApiError([&] { decode(body); }, message);
  }
  ::testing::AssertionResult rejectsOne(const std::string& fields, std::string_view message) {
    return throwsApiError([&] { decodeOne(fields); }, message);
  }

  PreLabelValidator validator_{kSchema};
  std::vector<std::string> storageLookups_;
  std::function<bool(const std::string&)> storageExists_ = [this](const std::string& id) {
    storageLookups_.push_back(id);
    return id == "S1";
  };
};

TEST_F(CloudImportTest, AcceptsTheBodyOfSdkUploadFiles) {
  auto out =
      decode(R"({"assets": [{"data": "http://h/upload/x.png", "externalId": "photos/img.jpg", )"
             R"("contextData": null, "metadata": null}, {"data": "http://h/upload/y.png", )"
             R"("externalId": "photos/b.jpg", "contextData": null, "metadata": null}], )"
             R"("uploadLocal": "true", "priority": 0})",
             R"(["B1"])");
  ASSERT_EQ(out.request.assets.size(), 2u);
  const core::NewAsset& a = out.request.assets[0];
  EXPECT_EQ(a.data, "http://h/upload/x.png");
  EXPECT_EQ(a.externalId, "photos/img.jpg");
  EXPECT_EQ(a.metadataJson, "{}");
  EXPECT_EQ(a.contextDataJson, "");
  EXPECT_TRUE(a.uploadLocal);
  EXPECT_EQ(a.priority, 0);
  EXPECT_EQ(a.editorType, "ango");
  EXPECT_FALSE(a.isPreLabeled);
  EXPECT_EQ(out.request.assets[1].externalId, "photos/b.jpg");
  EXPECT_EQ(out.request.commonBatchRefs, std::vector<std::string>{"B1"});
  EXPECT_EQ(out.preLabelsCount, 0);
  EXPECT_TRUE(out.request.createdBy.empty());
}

TEST_F(CloudImportTest, AcceptsTheBodyOfSdkUploadFilesCloud) {
  auto out =
      decode(R"({"assets": [{"data": "https://x/y.jpg", "externalId": "e", "batches": ["B2"], )"
             R"("storage": "S1"}], "uploadLocal": null, "priority": 3})",
             R"(["B1", "B2"])");
  ASSERT_EQ(out.request.assets.size(), 1u);
  const core::NewAsset& a = out.request.assets[0];
  EXPECT_EQ(a.externalId, "e");
  EXPECT_EQ(a.storageId, "S1");
  EXPECT_EQ(a.batchRefs, std::vector<std::string>{"B2"});
  EXPECT_EQ(a.priority, 3);
  EXPECT_FALSE(a.uploadLocal);
  EXPECT_EQ(out.request.commonBatchRefs, (std::vector<std::string>{"B1", "B2"}));
  EXPECT_EQ(storageLookups_, std::vector<std::string>{"S1"});
}

TEST_F(CloudImportTest, RejectsBodiesThatAreNotJsonObjects) {
  EXPECT_TRUE(rejects("", "body: required"));
  EXPECT_TRUE(rejects(" \r\n", "body: required"));
  EXPECT_TRUE(rejects("[1]", "body: must be a JSON object"));
  EXPECT_TRUE(rejects("null", "body: must be a JSON object"));
  EXPECT_TRUE(throwsApiErrorStartingWith([&] { decode("{\"assets\":"); }, "body: malformed JSON"));
  EXPECT_TRUE(throwsApiErrorStartingWith([&] { decode("{} x"); }, "body: malformed JSON"));
  EXPECT_TRUE(
      throwsApiErrorStartingWith([&] { decode("{\"a\":\"\xff\"}"); }, "body: malformed JSON"));
  std::string deep = R"({"assets":[{"data":"u","metadata":)" + std::string(100, '[') +
                     std::string(100, ']') + "}]}";
  EXPECT_TRUE(throwsApiErrorStartingWith([&] { decode(deep); }, "body: malformed JSON"));
}

TEST_F(CloudImportTest, RequiresOneToAHundredThousandAssets) {
  EXPECT_TRUE(rejects("{}", "assets: required"));
  EXPECT_TRUE(rejects(R"({"assets":null})", "assets: required"));
  EXPECT_TRUE(rejects(R"({"assets":{}})", "assets: must be an array of assets"));
  EXPECT_TRUE(rejects(R"({"assets":[]})", "assets: must not be empty"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}, 7]})", "assets[1]: must be an object"));
  std::string tooMany = R"({"assets":[)";
  for (int i = 0; i <= 100'000; ++i) tooMany += i ? ",{}" : "{}";
  tooMany += "]}";
  EXPECT_TRUE(rejects(tooMany, "assets: at most 100000 assets per request"));
}

TEST_F(CloudImportTest, DecodesAThousandAssetsInOrder) {
  std::string body = R"({"assets":[)";
  for (int i = 0; i < 1000; ++i)
    body += (i ? "," : "") + std::string(R"({"data":"https://b/)") + std::to_string(i) +
            R"(.jpg","metadata":{"n":)" + std::to_string(i) + "}}";
  body += "]}";
  auto out = decode(body);
  ASSERT_EQ(out.request.assets.size(), 1000u);
  EXPECT_EQ(out.request.assets[999].externalId, "999.jpg");
  EXPECT_EQ(out.request.assets[999].metadataJson, R"({"n":999})");
}

TEST_F(CloudImportTest, RejectsUnknownFieldsByName) {
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"batches":[]})", "batches: unknown field"));
  EXPECT_TRUE(rejectsOne(R"("foo":1)", "assets[0].foo: unknown field"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"":1})", R"("": unknown field)"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],")" + std::string(300, 'k') + R"(":1})",
                      std::string(100, 'k') + ": unknown field"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"},{"data":"u","isPreLabeled":true}]})",
                      "assets[1].isPreLabeled: unknown field"));
}

TEST_F(CloudImportTest, UploadLocalAcceptsBooleansTheirStringsAndNull) {
  auto flag = [&](const std::string& v) {
    return decode(R"({"assets":[{"data":"u"}],"uploadLocal":)" + v + "}")
        .request.assets[0]
        .uploadLocal;
  };
  EXPECT_TRUE(flag("true"));
  EXPECT_TRUE(flag(R"("true")"));
  EXPECT_FALSE(flag("false"));
  EXPECT_FALSE(flag(R"("false")"));
  EXPECT_FALSE(flag("null"));
  EXPECT_FALSE(decode(R"({"assets":[{"data":"u"}]})").request.assets[0].uploadLocal);
  for (std::string bad : {R"("yes")", R"("True")", "1", "{}"})
    EXPECT_TRUE(throwsApiError([&] { flag(bad); },
                               R"(uploadLocal: must be true, false, "true", "false" or null)"))
        << bad;
}

TEST_F(CloudImportTest, TopLevelPriorityAppliesToAssetsWithoutTheirOwn) {
  auto out = decode(R"({"assets":[{"data":"u"},{"data":"v","priority":-2.5}],"priority":7})");
  EXPECT_EQ(out.request.assets[0].priority, 7);
  EXPECT_EQ(out.request.assets[1].priority, -2.5);
  EXPECT_EQ(decode(R"({"assets":[{"data":"u"}],"priority":-1000})").request.assets[0].priority,
            -1000);
  EXPECT_EQ(decodeOne(R"("priority":1000)").request.assets[0].priority, 1000);
  EXPECT_EQ(decode(R"({"assets":[{"data":"u"}],"priority":null})").request.assets[0].priority, 0);
}

TEST_F(CloudImportTest, RejectsPrioritiesOutOfRangeOrNotNumbers) {
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"priority":1000.5})",
                      "priority: must be between -1000 and 1000"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"priority":-1001})",
                      "priority: must be between -1000 and 1000"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"priority":18446744073709551615})",
                      "priority: must be between -1000 and 1000"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"}],"priority":"3"})", "priority: must be a number"));
  EXPECT_TRUE(
      rejectsOne(R"("priority":5000)", "assets[0].priority: must be between -1000 and 1000"));
  EXPECT_TRUE(rejectsOne(R"("priority":true)", "assets[0].priority: must be a number"));
}

TEST_F(CloudImportTest, DataMustBeABoundedNonEmptyString) {
  EXPECT_TRUE(rejects(R"({"assets":[{"externalId":"e"}]})", "assets[0].data: required"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":null}]})", "assets[0].data: required"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":""}]})", "assets[0].data: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":5}]})", "assets[0].data: must be a non-empty string"));
  EXPECT_TRUE(
      rejects(R"({"assets":[{"data":"a\u0000b"}]})", "assets[0].data: must not contain NUL bytes"));
  std::string url = "https://b/" + std::string(8192 - 10 - 8, 'x') + "/img.jpg";
  EXPECT_EQ(decode(R"({"assets":[{"data":")" + url + R"("}]})").request.assets[0].data, url);
  EXPECT_TRUE(rejects(R"({"assets":[{"data":")" + url + R"(y"}]})",
                      "assets[0].data: must be at most 8192 bytes"));
}

TEST_F(CloudImportTest, DatasetStandsInForData) {
  auto out = decode(R"({"assets":[{"dataset": ["https://b/f1.jpg?sig=1", "https://b/f2.jpg"]}]})");
  const core::NewAsset& a = out.request.assets[0];
  EXPECT_EQ(a.data, "");
  EXPECT_EQ(a.datasetJson, R"(["https://b/f1.jpg?sig=1","https://b/f2.jpg"])");
  EXPECT_EQ(a.externalId, "f1.jpg");
  EXPECT_TRUE(rejects(R"({"assets":[{"dataset":[]}]})",
                      "assets[0].dataset: must be a non-empty array of URLs"));
  EXPECT_TRUE(rejects(R"({"assets":[{"dataset":"https://b/f1.jpg"}]})",
                      "assets[0].dataset: must be a non-empty array of URLs"));
  EXPECT_TRUE(rejects(R"({"assets":[{"dataset":["u",""]}]})",
                      "assets[0].dataset[1]: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"assets":[{"dataset":["u",3]}]})",
                      "assets[0].dataset[1]: must be a non-empty string"));
}

TEST_F(CloudImportTest, ExternalIdDefaultsToTheUrlsLastPathSegment) {
  auto externalId = [&](const std::string& asset) {
    return decode(R"({"assets":[)" + asset + "]}").request.assets[0].externalId;
  };
  EXPECT_EQ(externalId(R"({"data":"https://b/k/img.jpg"})"), "img.jpg");
  EXPECT_EQ(externalId(R"({"data":"https://b/k/img.jpg?X-Amz-Signature=ab/c#f"})"), "img.jpg");
  EXPECT_EQ(externalId(R"({"data":"https://b/k/img.jpg","externalId":""})"), "img.jpg");
  EXPECT_EQ(externalId(R"({"data":"https://b/k/img.jpg","externalId":null})"), "img.jpg");
  EXPECT_EQ(externalId(R"({"data":"plain-name"})"), "plain-name");
  EXPECT_EQ(externalId(R"({"data":"https://b/s/scene1/","editorType":"pct","storage":"S1"})"),
            "scene1");
  std::string longId(1024, 'e');
  EXPECT_EQ(externalId(R"({"data":"u","externalId":")" + longId + R"("})"), longId);
  EXPECT_TRUE(rejectsOne(R"("externalId":")" + longId + R"(e")",
                         "assets[0].externalId: must be at most 1024 bytes"));
  EXPECT_TRUE(rejectsOne(R"("externalId":7)", "assets[0].externalId: must be a string"));
  EXPECT_TRUE(rejects(
      R"({"assets":[{"data":"https://b/k/)" + longId + R"(x"}]})",
      "assets[0].externalId: required when the URL's last path segment is empty or over 1024 "
      "bytes"));
}

TEST_F(CloudImportTest, KeepsMetadataAndContextDataAsCompactJson) {
  auto out = decodeOne(R"("metadata": {"a": 1, "b": [true, null, "x"]}, "contextData": {"k": {}})");
  EXPECT_EQ(out.request.assets[0].metadataJson, R"({"a":1,"b":[true,null,"x"]})");
  EXPECT_EQ(out.request.assets[0].contextDataJson, R"({"k":{}})");
  EXPECT_TRUE(rejectsOne(R"("metadata":[])", "assets[0].metadata: must be an object"));
  EXPECT_TRUE(rejectsOne(R"("metadata":"x")", "assets[0].metadata: must be an object"));
  EXPECT_TRUE(rejectsOne(R"("contextData":3)", "assets[0].contextData: must be an object"));
}

TEST_F(CloudImportTest, OverlayIsAnArrayOfStringsOrNull) {
  EXPECT_EQ(decodeOne(R"("overlay": ["u1", "u2"])").request.assets[0].overlayJson,
            R"(["u1","u2"])");
  EXPECT_EQ(decodeOne(R"("overlay": null)").request.assets[0].overlayJson, "");
  EXPECT_TRUE(rejectsOne(R"("overlay":["u",1])", "assets[0].overlay[1]: must be a string"));
  EXPECT_TRUE(rejectsOne(R"("overlay":"u")", "assets[0].overlay: must be an array of strings"));
}

TEST_F(CloudImportTest, CountsPreLabelsAndTheValidOnes) {
  auto out = decode(R"({"assets":[)"
                    R"({"data":"u1","preLabel":{"tools":[{"schemaId":"s1","bounding-box":)"
                    R"({"x":1,"y":2,"width":3,"height":4}}]}},)"
                    R"({"data":"u2","preLabel":{"classifications":[{"schemaId":"nope"}]}},)"
                    R"({"data":"u3","preLabel":{}},)"
                    R"({"data":"u4","preLabel":null},)"
                    R"({"data":"u5"}]})");
  EXPECT_EQ(out.preLabelsCount, 2);
  EXPECT_EQ(out.validPreLabelsCount, 1);
  const auto& assets = out.request.assets;
  EXPECT_TRUE(assets[0].isPreLabeled);
  EXPECT_TRUE(assets[1].isPreLabeled);
  EXPECT_FALSE(assets[2].isPreLabeled);
  EXPECT_FALSE(assets[3].isPreLabeled);
  EXPECT_EQ(assets[1].preLabelJson, R"({"classifications":[{"schemaId":"nope"}]})");
  EXPECT_EQ(assets[3].preLabelJson, "");
  EXPECT_TRUE(rejectsOne(R"("preLabel":[])", "assets[0].preLabel: must be an object"));
}

TEST_F(CloudImportTest, EditorTypeIsOneOfFive) {
  for (std::string type : {"ango", "llm", "nrrd", "iframe"})
    EXPECT_EQ(decodeOne(R"("editorType":")" + type + R"(")").request.assets[0].editorType, type);
  EXPECT_EQ(decodeOne(R"("editorType":null)").request.assets[0].editorType, "ango");
  EXPECT_TRUE(rejectsOne(R"("editorType":"video")",
                         "assets[0].editorType: must be one of ango, pct, llm, nrrd, iframe"));
  EXPECT_TRUE(rejectsOne(R"("editorType":1)",
                         "assets[0].editorType: must be one of ango, pct, llm, nrrd, iframe"));
}

TEST_F(CloudImportTest, PctNeedsAFolderUrlAndAStorage) {
  auto out = decode(R"({"assets":[{"data":"https://b/s/","editorType":"pct","storage":"S1"}]})");
  EXPECT_EQ(out.request.assets[0].editorType, "pct");
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"https://b/s","editorType":"pct","storage":"S1"}]})",
                      R"(assets[0].data: must be a folder URL ending in "/" for editorType pct)"));
  EXPECT_TRUE(
      rejects(R"({"assets":[{"dataset":["https://b/s/"],"editorType":"pct","storage":"S1"}]})",
              R"(assets[0].data: must be a folder URL ending in "/" for editorType pct)"));
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"https://b/s/","editorType":"pct"}]})",
                      "assets[0].storage: required for editorType pct"));
}

TEST_F(CloudImportTest, StorageMustBeOneOfTheOrganization) {
  auto out = decode(R"({"assets":[{"data":"u","storage":"S1"},{"data":"v","storage":"S1"}]})");
  EXPECT_EQ(out.request.assets[1].storageId, "S1");
  EXPECT_EQ(storageLookups_, std::vector<std::string>{"S1"}) << "one lookup per distinct id";
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u","storage":"S1"},{"data":"v","storage":"S9"}]})",
                      "assets[1].storage: no such storage"));
  EXPECT_TRUE(rejectsOne(R"("storage":"")", "assets[0].storage: must be a non-empty string"));
  EXPECT_TRUE(rejectsOne(R"("storage":5)", "assets[0].storage: must be a non-empty string"));
  EXPECT_EQ(decodeOne(R"("storage":null)").request.assets[0].storageId, "");
}

TEST_F(CloudImportTest, AssetBatchesAreNonEmptyStrings) {
  EXPECT_EQ(decodeOne(R"("batches":["B1","b name","B1"])").request.assets[0].batchRefs,
            (std::vector<std::string>{"B1", "b name"}));
  EXPECT_TRUE(
      rejectsOne(R"("batches":["B1",""])", "assets[0].batches[1]: must be a non-empty string"));
  EXPECT_TRUE(rejectsOne(R"("batches":"B1")", "assets[0].batches: must be an array"));
  EXPECT_TRUE(rejectsOne(R"("batches":[")" + std::string(257, 'b') + R"("])",
                         "assets[0].batches[0]: must be at most 256 bytes"));
}

TEST_F(CloudImportTest, BatchesQueryIsAJsonArrayOfBatchRefs) {
  const char* body = R"({"assets":[{"data":"u"}]})";
  EXPECT_EQ(decode(body, R"(["B1", "B2", "B1"])").request.commonBatchRefs,
            (std::vector<std::string>{"B1", "B2"}));
  EXPECT_TRUE(decode(body, "[]").request.commonBatchRefs.empty());
  EXPECT_TRUE(decode(body).request.commonBatchRefs.empty());
  for (std::string bad : {R"("B1")", "[1]", R"([""])", "[", "", "B1", R"({"a":1})"})
    EXPECT_TRUE(throwsApiError([&] { decode(body, bad); },
                               "batches: must be a JSON array of batch ids or names"))
        << bad;
}

TEST_F(CloudImportTest, NamesTheFirstFailingAsset) {
  EXPECT_TRUE(rejects(R"({"assets":[{"data":"u"},{"data":"v"},{"data":"w","metadata":1}]})",
                      "assets[2].metadata: must be an object"));
}

}  // namespace
}  // namespace assetd::api
