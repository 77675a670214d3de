#include <QTest>

#include "core/common/utf8.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class Utf8Test : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void acceptsValidText() {
    QVERIFY(!first_invalid_utf8_byte("plain ascii"));
    QVERIFY(!first_invalid_utf8_byte("caf\xc3\xa9 \xe6\x9c\x88\xe4\xb8\x8b \xf0\x9f\x98\x80"));  // café 月下 😀
    QVERIFY(!first_invalid_utf8_byte(""));
  }

  void findsTheFirstBadByte() {
    QCOMPARE(first_invalid_utf8_byte("ab\xff"), std::optional<std::size_t>(2));
    QCOMPARE(first_invalid_utf8_byte("a\xc3"), std::optional<std::size_t>(1));             // truncated
    QCOMPARE(first_invalid_utf8_byte("\xc0\xaf"), std::optional<std::size_t>(0));          // overlong '/'
    QCOMPARE(first_invalid_utf8_byte("x\xed\xa0\x80"), std::optional<std::size_t>(1));     // surrogate
    QCOMPARE(first_invalid_utf8_byte("\xf4\x90\x80\x80"), std::optional<std::size_t>(0));  // > U+10FFFF
    QCOMPARE(first_invalid_utf8_byte("ok\xe6\x9c"
                                     "A"),
             std::optional<std::size_t>(2));  // bad continuation
  }
};

CRADLE_REGISTER_TEST(Utf8Test);

}  // namespace cradle::test

#include "utf8_test.moc"
