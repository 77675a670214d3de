#pragma once
// The Log dock: what the run and the window report, each line with its level
// (info, warning, error) and time; a level filter shows only what matters.
#include <QDateTime>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QPlainTextEdit;

namespace cradle {

class LogPanel : public QWidget {
  Q_OBJECT

 public:
  enum class Level { Info = 0, Warning = 1, Error = 2 };
  explicit LogPanel(QWidget* parent = nullptr);

  void add(Level level, const QString& text);
  // The lines shown (at or above the chosen level), as plain text.
  QString text() const;
  void setMinimumLevel(Level level);

 private:
  struct Entry {
    QDateTime time;
    Level level;
    QString text;
  };
  void showEntry(const Entry& entry);
  void rebuild();

  QComboBox* filter_;
  QPlainTextEdit* view_;
  std::vector<Entry> entries_;
};

}  // namespace cradle
