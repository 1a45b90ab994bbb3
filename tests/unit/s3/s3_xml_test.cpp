// S3's XML documents: escaping, the error document, listings, and the request bodies parsed.
#include <gtest/gtest.h>

#include "s3/s3_xml.hpp"

namespace assetd::s3::s3xml {
namespace {

TEST(S3XmlDocuments, EscapesAndUnescapes) {
  EXPECT_EQ(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(escape(std::string("a\0b\x01\tc", 6)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\tc");
  EXPECT_EQ(unescape("a&lt;b&gt;&amp;&quot;c&apos;"), "a<b>&\"c'");
  EXPECT_EQ(unescape("&#34;x&#x22;&#233;"), "\"x\"\xC3\xA9");
  EXPECT_EQ(unescape("&bogus; & &#xZZ;"), "&bogus; & &#xZZ;");
}

TEST(S3XmlDocuments, ErrorDocument) {
  EXPECT_EQ(error("NoSuchKey", "The specified key does not exist.", "/b/a<1>", "REQ1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><Resource>/b/a&lt;1&gt;"
            "</Resource><RequestId>REQ1</RequestId></Error>");
}

TEST(S3XmlDocuments, HttpDate) {
  EXPECT_EQ(httpDate(1255369830000), "Mon, 12 Oct 2009 17:50:30 GMT");
}

TEST(S3XmlDocuments, ListV2) {
  ListResult r;
  r.bucket = "assetd";
  r.prefix = "a/";
  r.delimiter = "/";
  r.maxKeys = 2;
  r.truncated = true;
  r.nextContinuationToken = "dG9r";
  r.contents.push_back({"a/x&y", 1255369830000, "\"abc\"", 5});
  r.commonPrefixes.push_back("a/sub/");
  std::string xml = listBucket(r);
  EXPECT_NE(xml.find("<Name>assetd</Name><Prefix>a/</Prefix><KeyCount>2</KeyCount>"
                     "<MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"
                     "<NextContinuationToken>dG9r</NextContinuationToken>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Contents><Key>a/x&amp;y</Key><LastModified>2009-10-12T17:50:30.000Z"
                     "</LastModified><ETag>&quot;abc&quot;</ETag><Size>5</Size>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<CommonPrefixes><Prefix>a/sub/</Prefix></CommonPrefixes>"),
            std::string::npos);
}

TEST(S3XmlDocuments, ListV1WithUrlEncoding) {
  ListResult r;
  r.v2 = false;
  r.bucket = "assetd";
  r.marker = "m k";
  r.urlEncode = true;
  r.contents.push_back({"a b/c", 0, "\"e\"", 1});
  std::string xml = listBucket(r);
  EXPECT_NE(xml.find("<Marker>m%20k</Marker>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>a%20b/c</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<EncodingType>url</EncodingType>"), std::string::npos);
  EXPECT_EQ(xml.find("KeyCount"), std::string::npos);
}

TEST(S3XmlDocuments, ParsesCompleteMultipartUpload) {
  auto parts = parseCompleteParts(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>&quot;aa&quot;</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><PartNumber> 2 </PartNumber><ETag>\"bb\"</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].number, 1);
  EXPECT_EQ((*parts)[0].etag, "\"aa\"");
  EXPECT_EQ((*parts)[1].number, 2);
  EXPECT_EQ((*parts)[1].etag, "\"bb\"");
}

TEST(S3XmlDocuments, RefusesMalformedCompleteMultipartUpload) {
  EXPECT_FALSE(parseCompleteParts("<Other/>"));
  EXPECT_FALSE(parseCompleteParts(
      "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>"));
  EXPECT_FALSE(parseCompleteParts(
      "<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>"));
}

TEST(S3XmlDocuments, ParsesDelete) {
  auto request = parseDelete(
      "<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object>"
      "<Object><Key>c</Key><VersionId>1</VersionId></Object></Delete>");
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->quiet);
  EXPECT_EQ(request->keys, (std::vector<std::string>{"a&b", "c"}));
  EXPECT_FALSE(parseDelete("<Deleted/>"));
}

TEST(S3XmlDocuments, DeleteResultListsErrorsEvenWhenQuiet) {
  std::string xml = deleteResult({{"a", "", ""}, {"b", "InvalidArgument", "bad"}}, true);
  EXPECT_EQ(xml.find("<Deleted>"), std::string::npos);
  EXPECT_NE(xml.find("<Error><Key>b</Key><Code>InvalidArgument</Code>"), std::string::npos);
}

}  // namespace
}  // namespace assetd::s3::s3xml
