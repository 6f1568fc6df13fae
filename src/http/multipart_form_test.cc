#include "http/multipart_form.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace strata::http {
namespace {

using common::Code;

// Hands out its data `step` bytes at a time, so delimiters and headers split
// across reads at every offset.
class SteppedSource : public common::ByteSource {
 public:
  SteppedSource(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  common::Result<size_t> Read(std::span<char> out) override {
    size_t n = std::min({out.size(), step_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

// A source that fails after its data.
class FailingSource : public common::ByteSource {
 public:
  explicit FailingSource(std::string data) : data_(std::move(data)) {}
  common::Result<size_t> Read(std::span<char> out) override {
    if (pos_ == data_.size()) return common::Error(Code::kRequestTimeout, "client went away");
    size_t n = std::min(out.size(), data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

struct ParsedPart {
  std::string name;
  std::string filename;  // "<none>" when absent
  std::string content_type;
  std::string content;
  bool operator==(const ParsedPart&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ParsedPart& p) {
  return os << "{" << p.name << ", " << p.filename << ", " << p.content_type << ", "
            << p.content.size() << " bytes}";
}

// Reads every part; the error code of the first failure, kOk otherwise.
Code ParseAll(common::ByteSource& source, std::string_view boundary, std::vector<ParsedPart>& parts,
              size_t max_header_bytes = 1024, size_t read_size = 5) {
  MultipartFormReader reader(source, boundary);
  while (true) {
    auto next = reader.NextPart(max_header_bytes);
    if (!next.ok()) return next.status().code();
    if (!next->has_value()) return Code::kOk;
    const FormPart& part = **next;
    ParsedPart parsed{part.name, part.filename.value_or("<none>"), part.content_type, ""};
    std::vector<char> buffer(read_size);
    while (true) {
      auto n = reader.ReadContent(buffer);
      if (!n.ok()) return n.status().code();
      if (*n == 0) break;
      parsed.content.append(buffer.data(), *n);
    }
    parts.push_back(std::move(parsed));
  }
}

const std::string kTwoFields =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"key\"\r\n"
    "\r\n"
    "photos/${filename}\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "line one\r\n--Xy is not a delimiter here\r\n\r\n"
    "--XyZ--\r\n"
    "epilogue";

struct GoodCase {
  std::string label;
  std::string body;
  std::vector<ParsedPart> parts;
};

TEST(MultipartFormReaderTest, GoodBodiesAtEverySplit) {
  const std::vector<GoodCase> cases = {
      {"two parts, quoted filename with ';' and escapes",
       kTwoFields,
       {{"key", "<none>", "", "photos/${filename}"},
        {"file", "a;b \"c\".txt", "text/plain", "line one\r\n--Xy is not a delimiter here\r\n"}}},
      {"preamble before the first delimiter",
       "ignored preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
       {{"a", "<none>", "", "1"}}},
      {"transport padding after a delimiter",
       "--XyZ  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--XyZ--\r\n",
       {{"a", "<none>", "", ""}}},
      {"empty content and CR LF inside content",
       "--XyZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n"
       "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\r\r\n\n\r\n--XyZ--",
       {{"e", "<none>", "", ""}, {"f", "<none>", "", "\r\r\n\n"}}},
      {"binary content holding a partial delimiter",
       std::string(
           "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n") +
           std::string("\0\xff\r\n--Xy\r\n-XyZ\r\n--X", 19) + "Z\r\n--XyZ--",
       {{"file", "", "", std::string("\0\xff\r\n--Xy\r\n-XyZ\r\n--X", 19) + "Z"}}},
      {"no parts at all", "--XyZ--\r\n", {}},
  };
  for (const GoodCase& c : cases) {
    for (size_t step : {1, 2, 3, 7, 64, 100000}) {
      SCOPED_TRACE(c.label + ", read step " + std::to_string(step));
      SteppedSource source(c.body, step);
      std::vector<ParsedPart> parts;
      EXPECT_EQ(ParseAll(source, "XyZ", parts), Code::kOk);
      EXPECT_EQ(parts, c.parts);
    }
  }
}

struct BadCase {
  std::string label;
  std::string body;
  Code code;
};

TEST(MultipartFormReaderTest, BadBodiesFail) {
  const std::vector<BadCase> cases = {
      {"missing final boundary",
       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n",
       Code::kMalformedPostRequest},
      {"no delimiter at all", "just some text", Code::kMalformedPostRequest},
      {"empty body", "", Code::kMalformedPostRequest},
      {"a part without a name", "--XyZ\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XyZ--",
       Code::kMalformedPostRequest},
      {"a part without headers", "--XyZ\r\n\r\nvalue\r\n--XyZ--", Code::kMalformedPostRequest},
      {"a header line without a colon",
       "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\nv\r\n--XyZ--",
       Code::kMalformedPostRequest},
      {"delimiter followed by text", "--XyZjunk\r\n", Code::kMalformedPostRequest},
      {"the boundary inside a part's content",
       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nab\r\n--XyZjunk\r\n--XyZ--",
       Code::kMalformedPostRequest},
      {"too much padding after a boundary", "--XyZ" + std::string(300, ' ') + "\r\n",
       Code::kMalformedPostRequest},
      {"bare LF line ends", "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XyZ--\n",
       Code::kMalformedPostRequest},
      {"body ends inside the headers", "--XyZ\r\nContent-Disposition: form-da",
       Code::kMalformedPostRequest},
      {"huge headers",
       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: " + std::string(5000, 'p') +
           "\r\n\r\nv\r\n--XyZ--",
       Code::kRequestHeaderSectionTooLarge},
      {"huge headers without an end",
       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: " + std::string(200000, 'p'),
       Code::kRequestHeaderSectionTooLarge},
  };
  for (const BadCase& c : cases) {
    for (size_t step : {1, 7, 100000}) {
      SCOPED_TRACE(c.label + ", read step " + std::to_string(step));
      SteppedSource source(c.body, step);
      std::vector<ParsedPart> parts;
      EXPECT_EQ(ParseAll(source, "XyZ", parts, /*max_header_bytes=*/1024), c.code);
    }
  }
}

TEST(MultipartFormReaderTest, FailureIsFinal) {
  SteppedSource source("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", 3);
  MultipartFormReader reader(source, "XyZ");
  auto part = reader.NextPart(1024);
  ASSERT_TRUE(part.ok());
  ASSERT_TRUE(part->has_value());
  auto content = reader.ReadContentToString(100);
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), Code::kMalformedPostRequest);
  EXPECT_EQ(reader.NextPart(1024).status().code(), Code::kMalformedPostRequest);
  char buffer[4];
  EXPECT_EQ(reader.ReadContent(buffer).status().code(), Code::kMalformedPostRequest);
}

TEST(MultipartFormReaderTest, SourceErrorsPassThrough) {
  FailingSource source("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue");
  std::vector<ParsedPart> parts;
  EXPECT_EQ(ParseAll(source, "XyZ", parts), Code::kRequestTimeout);
}

TEST(MultipartFormReaderTest, ReadContentToStringLimit) {
  SteppedSource source(kTwoFields, 1000);
  MultipartFormReader reader(source, "XyZ");
  ASSERT_TRUE(reader.NextPart(1024).ok());
  auto value = reader.ReadContentToString(5);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), Code::kEntityTooLarge);
}

TEST(MultipartFormReaderTest, SkipsUnreadContentAndStopsAtTheClose) {
  SteppedSource source(kTwoFields, 7);
  MultipartFormReader reader(source, "XyZ");
  auto first = reader.NextPart(1024);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->header_bytes, std::string("\r\nContent-Disposition: form-data; "
                                                "name=\"key\"\r\n\r\n")
                                        .size());
  auto second = reader.NextPart(1024);  // the key's value is skipped
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->name, "file");
  FormPartSource file(reader);
  auto all = common::ReadAll(file, 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "line one\r\n--Xy is not a delimiter here\r\n");
  auto end = reader.NextPart(1024);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_FALSE(reader.NextPart(1024)->has_value());
}

TEST(MultipartFormReaderTest, LargePartStreams) {
  std::string content(3 * 1024 * 1024 + 17, 'x');
  for (size_t i = 0; i < content.size(); i += 4093) content[i] = '\r';
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + content + "\r\n--b--\r\n";
  SteppedSource source(body, 100000);
  std::vector<ParsedPart> parts;
  ASSERT_EQ(ParseAll(source, "b", parts, 1024, 1 << 20), Code::kOk);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(parts[0].content == content);
}

TEST(FormBoundaryTest, Table) {
  EXPECT_EQ(FormBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(FormBoundary("Multipart/Form-Data;BOUNDARY=abc"), "abc");
  EXPECT_EQ(FormBoundary("multipart/form-data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(FormBoundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk"),
            "----WebKitFormBoundary7MA4YWxk");
  EXPECT_EQ(FormBoundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(FormBoundary("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(FormBoundary("multipart/form-data; boundary=" + std::string(71, 'a')), std::nullopt);
  EXPECT_EQ(FormBoundary("multipart/mixed; boundary=abc"), std::nullopt);
  EXPECT_EQ(FormBoundary("text/plain"), std::nullopt);
}

}  // namespace
}  // namespace strata::http
