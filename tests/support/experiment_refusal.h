#pragma once
// What parse_experiment says about an experiment document: the ConfigError's
// message, naming the field, or "accepted". Header-only: the support library
// does not link the engine, the test files that include this do.
#include <QString>

#include "core/common/error.h"
#include "core/experiment/experiment.h"

namespace cradle::test {

inline QString experiment_refusal(const Json& document) {
  try {
    parse_experiment(document);
  } catch (const ConfigError& error) {
    return QString::fromUtf8(error.what());
  }
  return "accepted";
}

}  // namespace cradle::test
