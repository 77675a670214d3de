#include <QCoreApplication>

#include "tests/support/test_registry.h"

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  return cradle::test::run_registered_tests(argc, argv);
}
