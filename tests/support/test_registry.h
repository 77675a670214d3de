#pragma once
// Several Qt Test classes share one executable per folder (LibTorch's headers
// make each executable expensive to build). Each class registers itself here;
// CTest runs them one by one: `core_tests IdxFileTest`.
#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace cradle::test {

using TestFactory = std::function<std::unique_ptr<QObject>()>;
std::map<std::string, TestFactory>& registry();
bool register_test(const std::string& name, TestFactory factory);

// Runs the class named by argv[1] (all classes when none is named) with the
// remaining arguments passed to QTest.
int run_registered_tests(int argc, char** argv);

}  // namespace cradle::test

#define CRADLE_REGISTER_TEST(Class)             \
  static const bool cradle_registered_##Class = \
      ::cradle::test::register_test(#Class, [] { return std::unique_ptr<QObject>(std::make_unique<Class>()); })
