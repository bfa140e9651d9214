#include "deploy/compose_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace slipway::deploy {

namespace {

// True when SERVICE already publishes PORT of its container.
bool publishes(const YAML::Node& service, int port) {
  const auto ports = service["ports"];
  if (!ports || !ports.IsSequence()) return false;
  const std::string wanted = std::to_string(port);
  for (const auto& entry : ports) {
    if (entry.IsMap() && entry["target"] && entry["target"].as<std::string>() == wanted) return true;
    if (entry.IsScalar()) {
      auto text = entry.as<std::string>();
      auto slash = text.find('/');
      if (slash != std::string::npos) text.erase(slash);
      auto colon = text.rfind(':');
      if ((colon == std::string::npos ? text : text.substr(colon + 1)) == wanted) return true;
    }
  }
  return false;
}

// A string scalar: quoted on output whatever it holds.
YAML::Node text(const std::string& value) {
  YAML::Node node(value);
  node.SetTag("!");
  return node;
}

// Like `emitter << node`, but what was quoted in the input (yaml-cpp tags it "!") stays quoted:
// compose tells the string '3600' from the number 3600.
void emit(YAML::Emitter& emitter, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      emitter << YAML::BeginMap;
      for (auto it = node.begin(); it != node.end(); ++it) {
        emitter << YAML::Key;
        emit(emitter, it->first);
        emitter << YAML::Value;
        emit(emitter, it->second);
      }
      emitter << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      emitter << YAML::BeginSeq;
      for (const auto& item : node) emit(emitter, item);
      emitter << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") emitter << YAML::DoubleQuoted;
      emitter << node.Scalar();
      break;
    default:
      emitter << YAML::Null;
  }
}

}  // namespace

util::Expected<RenderedCompose> render_compose(const std::string& resolved, const ComposeSettings& settings) {
  YAML::Node root;
  try {
    root = YAML::Load(resolved);
  } catch (const YAML::Exception& e) {
    return util::unexpected(std::string("cannot read the resolved compose file: ") + e.what());
  }
  auto services = root["services"];
  if (!services || !services.IsMap()) return util::unexpected("the compose file has no services");
  RenderedCompose out;
  for (auto it = services.begin(); it != services.end(); ++it) {
    const auto name = it->first.as<std::string>();
    YAML::Node service = it->second;
    const bool built = static_cast<bool>(service["build"]);
    const bool ours = service["image"] && service["image"].as<std::string>() == settings.image;
    if (!built && !ours) continue;
    out.app_services.push_back(name);
    service.remove("build");
    service["image"] = text(settings.image);
    YAML::Node env_files = service["env_file"];
    if (env_files && env_files.IsScalar()) {
      YAML::Node list;
      list.push_back(text(env_files.as<std::string>()));
      env_files = list;
    }
    if (!env_files) env_files = YAML::Node(YAML::NodeType::Sequence);
    env_files.push_back(text(settings.env_file));
    service["env_file"] = env_files;
    for (const auto& [key, value] : settings.labels) service["labels"][key] = text(value);
    if (out.app_services.size() == 1 && settings.port > 0 && !publishes(service, settings.port)) {
      service["ports"].push_back(text("127.0.0.1::" + std::to_string(settings.port)));
    }
  }
  if (out.app_services.empty()) {
    return util::unexpected(
        "no service of the compose file is the app: give it `image: ${SLIPWAY_IMAGE}` or a `build:`");
  }
  YAML::Emitter emitter;
  emit(emitter, root);
  out.text = std::string(emitter.c_str()) + "\n";
  return out;
}

std::string find_compose_file(const std::string& dir, const std::string& compose_file) {
  std::error_code ec;
  if (!compose_file.empty()) {
    return std::filesystem::is_regular_file(std::filesystem::path(dir) / compose_file, ec) ? compose_file : "";
  }
  for (const char* name : {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}) {
    if (std::filesystem::is_regular_file(std::filesystem::path(dir) / name, ec)) return name;
  }
  return "";
}

}  // namespace slipway::deploy
