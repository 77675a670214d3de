#include <QApplication>

#include "tests/support/test_registry.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  return cradle::test::run_registered_tests(argc, argv);
}
