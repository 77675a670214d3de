#pragma once
// The window's colours: "system" follows the desktop's palette (light or
// dark, as the platform theme reports it); "light" and "dark" force one with
// the Fusion style. Stored in the setting "theme".
#include <QString>

namespace cradle {

QString configured_theme();  // "system" (the default), "light" or "dark"
void apply_theme(const QString& theme);

}  // namespace cradle
