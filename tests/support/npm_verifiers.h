#pragma once
// The independent JavaScript checkers (@huggingface/tokenizers, /jinja,
// /gguf, gpt-3-encoder, ...) that scripts/install-deps.sh installs from the
// npm registry, and running the reference scripts in tests/reference on them.
#include <QString>
#include <QStringList>

#include <filesystem>
#include <string>

namespace cradle::test {

// The folder whose node_modules holds `package` ("@huggingface/gguf"):
// $CRADLE_NPM_ROOT, else /usr/local/lib/cradle or /usr/lib/cradle. Throws
// naming the package and install-deps.sh when it is missing.
std::filesystem::path npm_root(const std::string& package);

// Runs `node tests/reference/SCRIPT NPM_ROOT ARGS...` and returns its
// standard output; throws with its standard error when it fails.
std::string run_node_reference(const QString& script, const std::string& package, const QStringList& arguments);

}  // namespace cradle::test
