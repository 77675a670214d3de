#include "tests/app/cli_process.h"

#include <QProcessEnvironment>

namespace cradle::test {

ProcessResult run_process(const QString& program, const QStringList& arguments, int timeout_ms,
                          const QStringList& environment, const QString& working_dir) {
  QProcess process;
  auto env = QProcessEnvironment::systemEnvironment();
  for (const auto& assignment : environment) {
    const auto equals = assignment.indexOf('=');
    if (equals < 0)
      env.remove(assignment);
    else
      env.insert(assignment.left(equals), assignment.mid(equals + 1));
  }
  process.setProcessEnvironment(env);
  if (!working_dir.isEmpty()) process.setWorkingDirectory(working_dir);
  process.start(program, arguments);
  ProcessResult result;
  if (!process.waitForFinished(timeout_ms)) {
    process.kill();
    process.waitForFinished();
    result.err = QStringLiteral("timed out");
    return result;
  }
  result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  result.out = QString::fromUtf8(process.readAllStandardOutput());
  result.err = QString::fromUtf8(process.readAllStandardError());
  return result;
}

}  // namespace cradle::test
