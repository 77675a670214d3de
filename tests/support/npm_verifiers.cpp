#include "tests/support/npm_verifiers.h"

#include <QProcess>

#include <cstdlib>
#include <stdexcept>

namespace cradle::test {
namespace fs = std::filesystem;

fs::path npm_root(const std::string& package) {
  if (const char* named = std::getenv("CRADLE_NPM_ROOT")) return named;
  for (const char* root : {"/usr/local/lib/cradle", "/usr/lib/cradle"})
    if (fs::exists(fs::path(root) / "node_modules" / package)) return root;
  throw std::runtime_error(package + " is missing: run scripts/install-deps.sh");
}

std::string run_node_reference(const QString& script, const std::string& package, const QStringList& arguments) {
  QProcess node;
  node.start("node", QStringList{CRADLE_SOURCE_DIR "/tests/reference/" + script,
                                 QString::fromStdString(npm_root(package).string())} +
                         arguments);
  if (!node.waitForFinished(120000) || node.exitCode() != 0)
    throw std::runtime_error("the JavaScript reference " + script.toStdString() +
                             " failed: " + node.readAllStandardError().toStdString());
  return node.readAllStandardOutput().toStdString();
}

}  // namespace cradle::test
