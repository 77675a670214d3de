#pragma once
// What a preprocessing step changed in a text, as HTML for the data preview:
// a word-level difference (longest common subsequence of words and
// whitespace runs) with removed words struck out and added words highlighted.
#include <QString>

#include <utility>

namespace cradle {

// One token as HTML; `changed` marks spaces (·), tabs (→) and line breaks (↵).
QString token_html(QString token, bool changed);

// {before, after} as HTML, each with its own side of the change marked.
std::pair<QString, QString> marked_change_html(const QString& before, const QString& after);

}  // namespace cradle
