#include "widgets/translation.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace cradle {

QStringList available_languages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

QString configured_language() {
  return QSettings().value(QStringLiteral("language"), QStringLiteral("system")).toString();
}

bool install_translation(const QString& language) {
  static QTranslator* installed = nullptr;  // one at a time, owned by the application
  if (installed) {
    QCoreApplication::removeTranslator(installed);
    delete installed;
    installed = nullptr;
  }
  const QLocale locale = language == QStringLiteral("system") ? QLocale::system() : QLocale(language);
  if (locale.language() == QLocale::English) return false;
  auto* translator = new QTranslator(QCoreApplication::instance());
  // Finds :/i18n/cradle_zh_CN.qm for zh_CN (and zh_Hans_CN, zh_SG...) through the locale's UI languages.
  if (!translator->load(locale, QStringLiteral("cradle"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete translator;
    return false;
  }
  QCoreApplication::installTranslator(translator);
  installed = translator;
  return true;
}

}  // namespace cradle
