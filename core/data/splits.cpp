#include "core/data/splits.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace cradle {

IndexSplit stratified_split(const std::vector<std::int64_t>& order, const std::vector<std::int64_t>& labels,
                            double fraction) {
  std::map<std::int64_t, std::int64_t> per_class;
  for (auto index : order) ++per_class[labels[static_cast<size_t>(index)]];
  std::map<std::int64_t, std::int64_t> quota;
  for (const auto& [label, count] : per_class) quota[label] = std::llround(fraction * static_cast<double>(count));
  IndexSplit split;
  for (auto index : order) {
    auto& left = quota[labels[static_cast<size_t>(index)]];
    if (left > 0) {
      split.held_out.push_back(index);
      --left;
    } else {
      split.rest.push_back(index);
    }
  }
  return split;
}

IndexSplit random_split(const std::vector<std::int64_t>& order, double fraction) {
  const auto n = std::min<std::int64_t>(std::llround(fraction * static_cast<double>(order.size())),
                                        static_cast<std::int64_t>(order.size()));
  return {{order.begin(), order.begin() + n}, {order.begin() + n, order.end()}};
}

IndexSplit split_by_labels(const std::vector<std::int64_t>& order, const std::vector<std::int64_t>& labels,
                           double fraction, bool stratify) {
  return stratify ? stratified_split(order, labels, fraction) : random_split(order, fraction);
}

}  // namespace cradle
