#pragma once
// What one sitting of the rating panel rates, and where its labels go: the
// candidates come from one or two chat runs answering a prompt set, or from a
// pairs file; the labels go to <labels root>/<set>/<annotator>.jsonl, so the
// same annotator reopening the same set continues where they stopped.
#include <QString>
#include <QStringList>

#include <cstdint>

namespace cradle {

struct RatingSession {
  QString prompts;   // a prompt file (JSONL or one prompt per line), answered by `runs`
  QStringList runs;  // one chat run (two samples per prompt) or two (one reply each)
  QString pairs;     // or: a preference JSONL whose pairs are rated again (then prompts and runs are unused)
  QString annotator;
  QString labelFile;  // where the labels go; empty: derived from the labels root, the set and the annotator
  // Sampling of the candidates.
  std::int64_t maxNewTokens = 48;
  double temperature = 1.0;
  std::int64_t topK = 0;
  double topP = 1.0;
  std::uint64_t seed = 1;
  // A before/after comparison: runs[0] is the old policy, runs[1] the new; the
  // panel shows the new one's win rate.
  bool beforeAfter = false;
};

// The set's name: the prompt or pairs file's name without its extension.
QString rating_set_name(const RatingSession& session);
// The annotator's name as a file name (letters, digits, '-', '_' and '.'; others become '_').
QString annotator_file_name(const QString& annotator);

}  // namespace cradle
