#include "widgets/text_change_html.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace cradle {
namespace {

// Words and the whitespace between them, each a token of its own.
QStringList word_tokens(const QString& text) {
  QStringList tokens;
  for (qsizetype i = 0; i < text.size();) {
    const bool space = text[i].isSpace();
    qsizetype j = i + 1;
    while (j < text.size() && text[j].isSpace() == space) ++j;
    tokens << text.mid(i, j - i);
    i = j;
  }
  return tokens;
}

}  // namespace

// A token as HTML: inside a change, spaces, tabs and line breaks get visible
// marks (a whitespace-only change is otherwise invisible); line breaks stay breaks.
QString token_html(QString token, bool changed) {
  if (changed) token.replace(QLatin1Char(' '), QChar(0x00b7)).replace(QLatin1Char('\t'), QChar(0x2192));
  return token.toHtmlEscaped().replace(QLatin1Char('\n'),
                                       changed ? QStringLiteral("\u21b5<br>") : QStringLiteral("<br>"));
}

// Before and after with what changed marked, word by word (the longest
// common subsequence of their tokens): removed words struck out in the
// before text, added words highlighted in the after text.
std::pair<QString, QString> marked_change_html(const QString& before, const QString& after) {
  const QStringList a = word_tokens(before), b = word_tokens(after);
  const auto n = a.size(), m = b.size();
  std::vector<std::vector<int>> common(static_cast<size_t>(n + 1), std::vector<int>(static_cast<size_t>(m + 1), 0));
  for (qsizetype i = n - 1; i >= 0; --i)
    for (qsizetype j = m - 1; j >= 0; --j)
      common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
  const QString removed =
      QStringLiteral("<span style=\"background:#f4b6b0;color:#000;text-decoration:line-through\">%1</span>");
  const QString added = QStringLiteral("<span style=\"background:#b5e3b6;color:#000\">%1</span>");
  QString left, right;
  qsizetype i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      left += token_html(a[i++], false);
      right += token_html(b[j++], false);
    } else if (j < m && (i == n || common[i][j + 1] >= common[i + 1][j])) {
      right += added.arg(token_html(b[j++], true));
    } else {
      left += removed.arg(token_html(a[i++], true));
    }
  }
  return {left, right};
}

}  // namespace cradle
