#include <QTest>

#include <algorithm>
#include <numeric>

#include "core/data/seeded_order.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class SeededOrderTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void isAPermutation() {
    auto order = seeded_permutation(1000, 3);
    std::sort(order.begin(), order.end());
    std::vector<std::int64_t> expected(1000);
    std::iota(expected.begin(), expected.end(), 0);
    QVERIFY(order == expected);
  }

  void sameSeedSameOrderOtherSeedOtherOrder() {
    QVERIFY(seeded_permutation(500, 9) == seeded_permutation(500, 9));
    QVERIFY(seeded_permutation(500, 9) != seeded_permutation(500, 10));
  }

  void epochsGetDifferentOrders() {
    QVERIFY(epoch_seed(42, 1) != epoch_seed(42, 2));
    QCOMPARE(epoch_seed(42, 3), epoch_seed(42, 3));
  }

  void drawsAreRoughlyUniform() {
    SplitMix64 random(1);
    std::vector<int> counts(10);
    for (int i = 0; i < 100000; ++i) ++counts[random.below(10)];
    for (int c : counts) QVERIFY2(c > 9500 && c < 10500, qPrintable(QString::number(c)));
  }
};

CRADLE_REGISTER_TEST(SeededOrderTest);

}  // namespace cradle::test

#include "seeded_order_test.moc"
