#include <QTest>

#include <algorithm>
#include <map>

#include "core/data/seeded_order.h"
#include "core/data/splits.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

std::map<std::int64_t, int> class_counts(const std::vector<std::int64_t>& indices,
                                         const std::vector<std::int64_t>& labels) {
  std::map<std::int64_t, int> counts;
  for (auto i : indices) ++counts[labels[static_cast<size_t>(i)]];
  return counts;
}

}  // namespace

class SplitsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stratifiedKeepsEachClassShare() {
    // 900 of class 0, 90 of class 1, 10 of class 2.
    std::vector<std::int64_t> labels;
    for (int i = 0; i < 1000; ++i) labels.push_back(i < 900 ? 0 : i < 990 ? 1 : 2);
    const auto order = seeded_permutation(1000, 11);
    const auto split = stratified_split(order, labels, 0.1);
    const auto held = class_counts(split.held_out, labels);
    QCOMPARE(held.at(0), 90);
    QCOMPARE(held.at(1), 9);
    QCOMPARE(held.at(2), 1);
    QCOMPARE(split.held_out.size() + split.rest.size(), size_t(1000));
    // Disjoint, and both keep the order's sequence.
    std::vector<std::int64_t> all = split.held_out;
    all.insert(all.end(), split.rest.begin(), split.rest.end());
    std::sort(all.begin(), all.end());
    QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
    QCOMPARE(split.held_out.front(), order.front());
  }

  void stratifiedIsDeterministicAndSeeded() {
    std::vector<std::int64_t> labels(200);
    for (int i = 0; i < 200; ++i) labels[i] = i % 5;
    QVERIFY(stratified_split(seeded_permutation(200, 1), labels, 0.2).held_out ==
            stratified_split(seeded_permutation(200, 1), labels, 0.2).held_out);
    QVERIFY(stratified_split(seeded_permutation(200, 1), labels, 0.2).held_out !=
            stratified_split(seeded_permutation(200, 2), labels, 0.2).held_out);
  }

  void randomSplitTakesThePrefix() {
    const std::vector<std::int64_t> order = {4, 2, 0, 1, 3};
    const auto split = random_split(order, 0.4);
    QCOMPARE(split.held_out, (std::vector<std::int64_t>{4, 2}));
    QCOMPARE(split.rest, (std::vector<std::int64_t>{0, 1, 3}));
    QCOMPARE(random_split(order, 0.0).held_out.size(), size_t(0));
  }
};

CRADLE_REGISTER_TEST(SplitsTest);

}  // namespace cradle::test

#include "splits_test.moc"
