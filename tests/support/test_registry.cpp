#include "tests/support/test_registry.h"

#include <QTest>

#include <cstdio>
#include <vector>

namespace cradle::test {

std::map<std::string, TestFactory>& registry() {
  static std::map<std::string, TestFactory> tests;
  return tests;
}

bool register_test(const std::string& name, TestFactory factory) {
  registry()[name] = std::move(factory);
  return true;
}

int run_registered_tests(int argc, char** argv) {
  std::vector<char*> args = {argv[0]};
  std::vector<std::string> names;
  if (argc > 1 && argv[1][0] != '-') {
    if (!registry().count(argv[1])) {
      std::fprintf(stderr, "no test class named %s; known:", argv[1]);
      for (const auto& entry : registry()) std::fprintf(stderr, " %s", entry.first.c_str());
      std::fprintf(stderr, "\n");
      return 2;
    }
    names.push_back(argv[1]);
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  } else {
    for (const auto& entry : registry()) names.push_back(entry.first);
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  }
  int failures = 0;
  for (const auto& name : names) {
    auto test = registry()[name]();
    failures += QTest::qExec(test.get(), static_cast<int>(args.size()), args.data());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace cradle::test
