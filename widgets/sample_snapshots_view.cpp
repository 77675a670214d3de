#include "widgets/sample_snapshots_view.h"

#include <QDir>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

#include "core/common/line_follower.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

constexpr int kThumbnail = 64;

}  // namespace

SampleSnapshotsView::SampleSnapshotsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  heading_ = new QLabel(tr("Samples: predictions on fixed validation samples appear at each validation."), this);
  heading_->setObjectName(QStringLiteral("samplesHeading"));
  heading_->setWordWrap(true);
  layout->addWidget(heading_);
  pages_ = new QStackedWidget(this);
  auto* scroll = new QScrollArea(pages_);
  grid_ = new QWidget(scroll);
  gridLayout_ = new QGridLayout(grid_);
  gridLayout_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  scroll->setWidget(grid_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // the columns follow the width instead
  viewport_ = scroll->viewport();
  pages_->addWidget(scroll);
  text_ = new QTextBrowser(pages_);
  text_->setObjectName(QStringLiteral("generatedText"));
  pages_->addWidget(text_);
  layout->addWidget(pages_, 1);
}

SampleSnapshotsView::~SampleSnapshotsView() = default;

void SampleSnapshotsView::follow(const QString& run_folder) {
  follower_ = std::make_unique<LineFollower>(QDir(run_folder).filePath(QStringLiteral("samples.jsonl")).toStdString());
  images_.clear();
  labels_.clear();
  pictures_.clear();
  captions_.clear();
  columns_ = 0;
  while (QLayoutItem* item = gridLayout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  generations_.clear();
  text_->clear();
  heading_->setText(tr("Samples: predictions on fixed validation samples appear at each validation."));
  poll();
}

void SampleSnapshotsView::poll() {
  if (!follower_) return;
  for (const auto& [number, line] : follower_->read_new()) {
    const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
    const QString kind = object[QStringLiteral("kind")].toString();
    if (kind == QLatin1String("inputs"))
      showInputs(object);
    else if (kind == QLatin1String("predictions"))
      showPredictions(object);
    else if (kind == QLatin1String("generations"))
      showGenerations(object);
  }
}

void SampleSnapshotsView::showInputs(const QJsonObject& line) {
  const QJsonArray shape = line[QStringLiteral("shape")].toArray();
  if (shape.size() != 3) return;
  const int channels = shape[0].toInt(), height = shape[1].toInt(), width = shape[2].toInt();
  int index = 0;
  for (const auto& value : line[QStringLiteral("items")].toArray()) {
    const QJsonObject item = value.toObject();
    const QJsonArray pixels = item[QStringLiteral("pixels")].toArray();
    if (pixels.size() != channels * height * width) continue;
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const auto at = [&](int c) { return pixels[(c * height + y) * width + x].toInt(); };
        image.setPixel(x, y, channels == 3 ? qRgb(at(0), at(1), at(2)) : qRgb(at(0), at(0), at(0)));
      }
    images_.push_back(image);
    labels_.push_back(item[QStringLiteral("label")].toString());
    auto* picture = new QLabel(grid_);
    picture->setPixmap(
        QPixmap::fromImage(image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation)));
    picture->setToolTip(tr("true class: %1").arg(labels_.back()));
    auto* caption = new QLabel(labels_.back(), grid_);
    caption->setAlignment(Qt::AlignHCenter);
    caption->setWordWrap(true);  // "Ankle boot 100%" takes two lines rather than a column of its own
    pictures_.push_back(picture);
    captions_.push_back(caption);
    ++index;
  }
  columns_ = 0;
  placeThumbnails();
  pages_->setCurrentIndex(0);
}

void SampleSnapshotsView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  placeThumbnails();
}

void SampleSnapshotsView::placeThumbnails() {
  if (pictures_.empty()) return;
  // A column is a thumbnail and a little: a longer caption wraps under it.
  const int cell = kThumbnail + 24;
  const int spacing = std::max(0, gridLayout_->horizontalSpacing());
  const QMargins margins = gridLayout_->contentsMargins();
  const int room = viewport_->width() - margins.left() - margins.right() - 2;
  const int columns = std::max(1, (room + spacing) / (cell + spacing));
  if (columns == columns_) return;
  columns_ = columns;
  for (std::size_t i = 0; i < pictures_.size(); ++i) {
    gridLayout_->removeWidget(pictures_[i]);
    gridLayout_->removeWidget(captions_[i]);
  }
  for (std::size_t i = 0; i < pictures_.size(); ++i) {
    const int index = static_cast<int>(i);
    gridLayout_->addWidget(pictures_[i], (index / columns) * 2, index % columns, Qt::AlignHCenter);
    gridLayout_->addWidget(captions_[i], (index / columns) * 2 + 1, index % columns);
  }
}

void SampleSnapshotsView::showPredictions(const QJsonObject& line) {
  const QJsonArray items = line[QStringLiteral("items")].toArray();
  int right = 0;
  for (int i = 0; i < items.size() && i < static_cast<int>(captions_.size()); ++i) {
    const QJsonObject item = items[i].toObject();
    const QString predicted = item[QStringLiteral("predicted")].toString();
    const bool correct = predicted == labels_[static_cast<size_t>(i)];
    right += correct;
    captions_[static_cast<size_t>(i)]->setText(
        QStringLiteral("%1 %2%").arg(predicted).arg(item[QStringLiteral("probability")].toDouble() * 100, 0, 'f', 0));
    captions_[static_cast<size_t>(i)]->setStyleSheet(
        QStringLiteral("color: %1;").arg((correct ? success_color(palette()) : error_color(palette())).name()));
    captions_[static_cast<size_t>(i)]->setToolTip(tr("true class: %1").arg(labels_[static_cast<size_t>(i)]));
  }
  heading_->setText(tr("Predictions at step %1 (epoch %2): %3 of %4 right")
                        .arg(line[QStringLiteral("step")].toInteger())
                        .arg(line[QStringLiteral("epoch")].toInteger())
                        .arg(right)
                        .arg(captions_.size()));
}

void SampleSnapshotsView::showGenerations(const QJsonObject& line) {
  QString html = QStringLiteral("<h4>%1</h4>")
                     .arg(tr("Step %1 (epoch %2)")
                              .arg(line[QStringLiteral("step")].toInteger())
                              .arg(line[QStringLiteral("epoch")].toInteger()));
  for (const auto& value : line[QStringLiteral("items")].toArray()) {
    const QJsonObject item = value.toObject();
    html += QStringLiteral("<p><b>%1</b>%2</p>")
                .arg(item[QStringLiteral("prompt")].toString().toHtmlEscaped().replace(QLatin1Char('\n'),
                                                                                       QStringLiteral("<br>")),
                     item[QStringLiteral("text")].toString().toHtmlEscaped().replace(QLatin1Char('\n'),
                                                                                     QStringLiteral("<br>")));
  }
  generations_ = html + QStringLiteral("<hr>") + generations_;  // newest first
  text_->setHtml(generations_);
  pages_->setCurrentIndex(1);
  heading_->setText(tr("Text generated from fixed prompts (bold) at each validation, newest first."));
}

QString SampleSnapshotsView::caption(int image) const { return captions_.at(static_cast<size_t>(image))->text(); }
QString SampleSnapshotsView::generatedText() const { return text_->toPlainText(); }
QString SampleSnapshotsView::heading() const { return heading_->text(); }

}  // namespace cradle
