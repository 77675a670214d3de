#pragma once
// Message colours that read well on the current palette, light or dark.
#include <QColor>
#include <QPalette>

namespace cradle {

inline bool is_dark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }
inline QColor error_color(const QPalette& palette) {
  return is_dark(palette) ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
}
inline QColor warning_color(const QPalette& palette) {
  return is_dark(palette) ? QColor(0xff, 0xc1, 0x07) : QColor(0x9a, 0x5b, 0x00);
}
inline QColor success_color(const QPalette& palette) {
  return is_dark(palette) ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x6e, 0x20);
}

}  // namespace cradle
