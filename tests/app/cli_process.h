#pragma once
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cradle::test {

struct ProcessResult {
  int exit_code = -1;
  QString out;
  QString err;
};

// Runs a program to completion (up to `timeout_ms`). `environment` holds
// NAME=VALUE to set and bare NAME to remove; `working_dir` defaults to ours.
ProcessResult run_process(const QString& program, const QStringList& arguments, int timeout_ms = 120000,
                          const QStringList& environment = {}, const QString& working_dir = {});

inline ProcessResult run_cli(const QStringList& arguments, int timeout_ms = 120000) {
  return run_process(QStringLiteral(CRADLE_CLI_PATH), arguments, timeout_ms);
}

}  // namespace cradle::test
