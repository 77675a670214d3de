#include "widgets/rating_session.h"

#include <QFileInfo>

namespace cradle {

QString rating_set_name(const RatingSession& session) {
  return QFileInfo(session.pairs.isEmpty() ? session.prompts : session.pairs).completeBaseName();
}

QString annotator_file_name(const QString& annotator) {
  QString name = annotator.trimmed();
  for (QChar& c : name)
    if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.')))
      c = QLatin1Char('_');
  if (name.isEmpty() || name.startsWith(QLatin1Char('.'))) name.prepend(QLatin1Char('_'));
  return name;
}

}  // namespace cradle
