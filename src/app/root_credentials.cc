#include "app/root_credentials.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/drive/durable_file.h"

namespace strata::app {
namespace {

using common::Code;
using common::Error;

common::Status Validate(const auth::Credential& c) {
  if (c.access_key.size() < 3 || c.access_key.size() > 128) {
    return Error(Code::kInvalidArgument, "STRATA_ROOT_USER must be 3 to 128 characters");
  }
  if (c.secret_key.size() < 8 || c.secret_key.size() > 128) {
    return Error(Code::kInvalidArgument, "STRATA_ROOT_PASSWORD must be 8 to 128 characters");
  }
  return common::Status::Ok();
}

}  // namespace

common::Result<LoadedRootCredential> LoadRootCredential(const RootCredentialSource& source,
                                                        const std::filesystem::path& file,
                                                        common::Random& random) {
  LoadedRootCredential loaded;
  loaded.credential.user = "root";
  if (!source.env_user.empty() || !source.env_password.empty()) {
    if (source.env_user.empty() || source.env_password.empty()) {
      return Error(Code::kInvalidArgument,
                   "set both STRATA_ROOT_USER and STRATA_ROOT_PASSWORD, or neither");
    }
    loaded.credential.access_key = source.env_user;
    loaded.credential.secret_key = source.env_password;
    STRATA_RETURN_IF_ERROR(Validate(loaded.credential));
    return loaded;
  }

  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json["access_key"].is_string() ||
        !json["secret_key"].is_string()) {
      return Error(Code::kCorruption, "cannot read root credentials from " + file.string());
    }
    loaded.credential.access_key = json["access_key"].get<std::string>();
    loaded.credential.secret_key = json["secret_key"].get<std::string>();
    STRATA_RETURN_IF_ERROR(Validate(loaded.credential));
    return loaded;
  }

  loaded.credential.access_key = common::RandomAlnum(random, 20);
  loaded.credential.secret_key = common::RandomAlnum(random, 40);
  loaded.generated = true;
  nlohmann::json json = {{"access_key", loaded.credential.access_key},
                         {"secret_key", loaded.credential.secret_key}};
  std::string text = json.dump(2) + "\n";
  STRATA_ASSIGN_OR_RETURN(auto writer, storage::DurableFileWriter::Create(file.string() + ".tmp"));
  ::chmod((file.string() + ".tmp").c_str(), 0600);
  STRATA_RETURN_IF_ERROR(writer.Append(text));
  STRATA_RETURN_IF_ERROR(writer.Commit(file));
  return loaded;
}

}  // namespace strata::app
