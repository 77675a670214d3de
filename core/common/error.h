#pragma once
// Typed errors raised at the engine's boundaries. Each message names what was
// wrong and where (JSON path, file and byte, line), so the CLI can print it as
// one line and the GUI can show it next to the control concerned.
#include <stdexcept>
#include <string>

namespace cradle {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The experiment file or a command-line override is malformed or out of range.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A data file is unreadable, truncated or inconsistent.
class DataError : public Error {
 public:
  using Error::Error;
};

// A file or folder could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace cradle
