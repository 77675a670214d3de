#pragma once
// The interface language: English (the source strings) or Simplified Chinese
// (resources/translations/cradle_zh_CN.ts, built in). The "language" setting
// chooses "en", "zh_CN" or "system" (the default: the desktop's locale).
#include <QString>
#include <QStringList>

namespace cradle {

QStringList available_languages();  // "en", "zh_CN"

// Installs the translation for `language` ("system" resolves to the locale)
// into the running application; false when there is none (English then).
bool install_translation(const QString& language);

// The "language" setting, "system" when unset.
QString configured_language();

}  // namespace cradle
