#pragma once
// The dashboard's qualitative view: follows the run folder's samples.jsonl
// (core/run/sample_snapshots.h) and shows the fixed validation images with
// the model's current prediction under each (green when right, red when
// wrong, the true class in the tooltip), or the text a language model
// generates from fixed prompts, newest first.
#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

class QGridLayout;
class QLabel;
class QStackedWidget;
class QTextBrowser;

namespace cradle {

class LineFollower;

class SampleSnapshotsView : public QWidget {
  Q_OBJECT

 public:
  explicit SampleSnapshotsView(QWidget* parent = nullptr);
  ~SampleSnapshotsView() override;

  void follow(const QString& run_folder);
  void poll();

  int imageCount() const { return static_cast<int>(images_.size()); }
  QString caption(int image) const;  // "Shirt 61%"
  QString generatedText() const;     // the text view as plain text
  QString heading() const;
  int columnCount() const { return columns_; }            // thumbnails across, as many as the width holds
  QSize sizeHint() const override { return {380, 400}; }  // three thumbnails across where the window has the room

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void placeThumbnails();  // in as many columns as fit the view, without a sideways scroll
  void showInputs(const QJsonObject& line);
  void showPredictions(const QJsonObject& line);
  void showGenerations(const QJsonObject& line);

  std::unique_ptr<LineFollower> follower_;
  QLabel* heading_;
  QStackedWidget* pages_;
  QWidget* grid_;
  QGridLayout* gridLayout_;
  QTextBrowser* text_;
  std::vector<QImage> images_;
  std::vector<QString> labels_;
  std::vector<QLabel*> pictures_;
  std::vector<QLabel*> captions_;
  QWidget* viewport_ = nullptr;  // the scroll area's: its width decides the columns
  int columns_ = 0;
  QString generations_;  // HTML, newest first
};

}  // namespace cradle
