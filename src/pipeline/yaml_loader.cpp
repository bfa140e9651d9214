// Loading untrusted YAML. yaml-cpp builds the tree recursively, so the text is first run through
// the event parser with a handler that counts nesting and stops at max_nesting; only input that
// passes that check is given to YAML::Load.
#include "pipeline/yaml_loader.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace slipway::pipeline::validation {

namespace {

// yaml-cpp's messages can quote the offending character, which may be a control character.
std::string printable(std::string_view message) {
  std::string out(message);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

struct NestingTooDeep {
  YAML::Mark mark;
};

// Sees every node as the parser produces it; throwing from here unwinds the parser's recursion
// while it is still shallow.
class NestingLimiter : public YAML::EventHandler {
 public:
  YAML::Mark document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void enter(const YAML::Mark& mark) {
    if (++depth_ > max_nesting) throw NestingTooDeep{mark};
  }

  int depth_ = 0;
  YAML::Mark document_start_;
};

}  // namespace

std::optional<YAML::Node> load_yaml(ValidationContext& context, std::string_view text) {
  if (text.size() > max_file_size) {
    context.error(YAML::Mark(),
                  "file is too large: " + std::to_string(text.size()) + " bytes (at most 1 MiB)");
    return std::nullopt;
  }
  std::string buffer(text);
  try {
    std::istringstream stream(buffer);
    YAML::Parser parser(stream);
    NestingLimiter limiter;
    parser.HandleNextDocument(limiter);
    // YAML::Load would silently ignore the rest; a second document is surely a mistake.
    if (parser.HandleNextDocument(limiter)) {
      context.error(limiter.document_start(), "only one YAML document is allowed");
      return std::nullopt;
    }
  } catch (const NestingTooDeep& too_deep) {
    context.error(too_deep.mark,
                  "nesting is too deep (more than " + std::to_string(max_nesting) + " levels)");
    return std::nullopt;
  } catch (const YAML::ParserException& error) {
    context.error(error.mark, "invalid YAML: " + printable(error.msg));
    return std::nullopt;
  }
  try {
    return YAML::Load(buffer);
  } catch (const YAML::Exception& error) {
    // Not expected after the check above passed; reported rather than trusted.
    context.error(error.mark, "invalid YAML: " + printable(error.msg));
    return std::nullopt;
  }
}

}  // namespace slipway::pipeline::validation
