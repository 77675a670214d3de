#include "widgets/data_preview_panel.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>
#include "widgets/category_axis.h"
#include "widgets/custom_plot.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/data_preview.h"
#include "widgets/palette_colors.h"
#include "widgets/text_change_html.h"

namespace cradle {
namespace {

QString escaped(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

const char* kTokenColours[] = {"#ffd8a8", "#c5e8ff", "#d3f9d8", "#ffd6e7", "#e5dbff", "#fff3bf"};

QString tokens_html(const Json& example) {
  QString html;
  const Json& pieces = example["pieces"];
  const Json& ids = example["ids"];
  for (size_t i = 0; i < pieces.size() && i < ids.size(); ++i) {
    QString piece = QString::fromStdString(pieces[i].get<std::string>()).toHtmlEscaped();
    piece.replace(QLatin1Char('\n'), QStringLiteral("\u21b5"));
    html += QStringLiteral("<span style=\"background:%1;color:#000\" title=\"%2\">%3</span><sub>%2</sub> ")
                .arg(QLatin1String(kTokenColours[i % 6]))
                .arg(ids[i].get<std::int64_t>())
                .arg(piece);
  }
  return html;
}

}  // namespace

struct DataPreviewPanel::Look {
  QString error;
  Json preview;
  QString folder;
  std::optional<DataProfile> profile;
  QString profileError;
};

DataPreviewPanel::DataPreviewPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("previewStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
  tabs_ = new QTabWidget(this);
  auto* samplesPage = new QWidget(tabs_);
  auto* samplesLayout = new QVBoxLayout(samplesPage);
  samplesLayout->setContentsMargins(0, 0, 0, 0);
  samples_ = new QTextBrowser(samplesPage);
  samples_->setObjectName(QStringLiteral("previewSamples"));
  samplesLayout->addWidget(samples_);
  auto* scroll = new QScrollArea(samplesPage);
  image_ = new QLabel(scroll);
  image_->setObjectName(QStringLiteral("previewImage"));
  image_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  scroll->setWidget(image_);
  scroll->setWidgetResizable(true);
  samplesLayout->addWidget(scroll);
  scroll->hide();
  imageScroll_ = scroll;
  tabs_->addTab(samplesPage, tr("Samples"));

  auto* statisticsPage = new QWidget(tabs_);
  auto* statisticsLayout = new QVBoxLayout(statisticsPage);
  statisticsLayout->setContentsMargins(0, 0, 0, 0);
  statistics_ = new QTextBrowser(statisticsPage);
  statistics_->setObjectName(QStringLiteral("previewStatistics"));
  statisticsLayout->addWidget(statistics_, 1);
  histogram_ = new QCustomPlot(statisticsPage);
  histogram_->setObjectName(QStringLiteral("classHistogram"));
  histogram_->setMinimumHeight(200);
  histogram_->yAxis->setLabel(tr("training samples"));
  statisticsLayout->addWidget(histogram_, 2);
  tabs_->addTab(statisticsPage, tr("Statistics"));
  layout->addWidget(tabs_, 1);

  delay_.setSingleShot(true);
  delay_.setInterval(600);
  connect(&delay_, &QTimer::timeout, this, &DataPreviewPanel::start);
  status_->setText(tr("The preview appears once the data settings are valid."));
}

QString DataPreviewPanel::statusText() const { return status_->text(); }
QString DataPreviewPanel::samplesHtml() const { return samples_->toPlainText(); }

void DataPreviewPanel::showExperiment(const Experiment& experiment) {
  // The same data settings need no new preview (edits of the model or the training).
  if (pending_ && experiment_to_json(*pending_)["data"] == experiment_to_json(experiment)["data"] &&
      pending_->task == experiment.task && pending_->seed == experiment.seed &&
      pending_->base_dir == experiment.base_dir)
    return;
  pending_ = experiment;
  ready_ = false;
  jobs_.invalidate();
  status_->setText(tr("Reading the data..."));
  delay_.start();
}

void DataPreviewPanel::showInvalid(const QString& reason) {
  pending_.reset();
  ready_ = false;
  jobs_.invalidate();
  delay_.stop();
  status_->setStyleSheet(QStringLiteral("color: %1;").arg(error_color(palette()).name()));
  status_->setText(reason);
}

void DataPreviewPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (pending_ && !ready_ && !delay_.isActive()) delay_.start();
}

void DataPreviewPanel::start() {
  // Reading a data set costs seconds of processor time: only for a window someone sees.
  if (!pending_ || !window()->isVisible()) return;
  const Experiment experiment = *pending_;
  const QString folder = folder_.filePath(QString::number(++job_));
  jobs_.start<Look>(
      this,
      [experiment, folder] {
        Look look;
        look.folder = folder;
        try {
          QDir().mkpath(folder);
          write_data_preview(experiment, {6, folder.toStdString()});
          look.preview = Json::parse(read_file((folder + QStringLiteral("/preview.json")).toStdString()));
        } catch (const std::exception& error) {
          look.error = QString::fromStdString(error.what());
        }
        try {
          look.profile = profile_data(experiment);
        } catch (const std::exception& error) {
          look.profileError = QString::fromStdString(error.what());
        }
        return look;
      },
      [this](const Look& look) { showLook(look); });
}

void DataPreviewPanel::showLook(const Look& look) {
  ready_ = true;
  const QString problem = !look.error.isEmpty() ? look.error : look.profileError;
  status_->setStyleSheet(problem.isEmpty() ? QString()
                                           : QStringLiteral("color: %1;").arg(error_color(palette()).name()));
  status_->setText(problem.isEmpty() ? tr("Preview of the training split, as training will read it.") : problem);

  QWidget* scroll = imageScroll_;
  // No preview when it failed (the message is in the status line).
  const std::string kind = look.preview.is_object() ? look.preview.value("kind", std::string()) : std::string();
  if (kind == "images") {
    QStringList columns;
    for (const auto& column : look.preview["columns"]) columns << QString::fromStdString(column.get<std::string>());
    QStringList rows;
    for (const auto& row : look.preview["rows"]) rows << QString::fromStdString(row.value("class", std::string()));
    samples_->setPlainText(tr("Columns: %1").arg(columns.join(QStringLiteral(" | "))) + QLatin1Char('\n') +
                           tr("Rows (class): %1").arg(rows.join(QStringLiteral(", "))));
    samples_->setMaximumHeight(samples_->fontMetrics().lineSpacing() * 4);
    image_->setPixmap(
        QPixmap(look.folder + QLatin1Char('/') + QString::fromStdString(look.preview.value("image", std::string()))));
    scroll->show();
  } else {
    scroll->hide();
    samples_->setMaximumHeight(QWIDGETSIZE_MAX);
    QString html;
    if (kind == "text") {
      int number = 0;
      for (const auto& step : look.preview["steps"]) {
        html += QStringLiteral("<h4>%1. %2</h4><p>%3</p>")
                    .arg(++number)
                    .arg(escaped(step["op"].get<std::string>()))
                    .arg(tr("%1 records in, %2 out, %3 changed")
                             .arg(step["records_in"].get<std::int64_t>())
                             .arg(step["records_out"].get<std::int64_t>())
                             .arg(step["records_changed"].get<std::int64_t>()));
        int shown = 0;
        for (const auto& example : step["examples"]) {
          if (++shown > 2) break;
          const QString before = QString::fromStdString(example["before"].get<std::string>()).left(1000);
          if (example.contains("after")) {
            const auto [b, a] =
                marked_change_html(before, QString::fromStdString(example["after"].get<std::string>()).left(1000));
            html +=
                QStringLiteral("<p><i>%1</i><br>%2<br>%3</p>").arg(escaped(example["origin"].get<std::string>()), b, a);
          } else {
            html += QStringLiteral("<p><i>%1</i><br>%2<br><b>%3</b></p>")
                        .arg(escaped(example["origin"].get<std::string>()), token_html(before, false),
                             tr("removed: %1").arg(escaped(example["removed_because"].get<std::string>())));
          }
        }
      }
      const Json& tokenizer = look.preview["tokenizer"];
      html += QStringLiteral("<h4>%1</h4>")
                  .arg(tr("Tokens (%1 tokenizer, %2 tokens)")
                           .arg(escaped(tokenizer["type"].get<std::string>()))
                           .arg(tokenizer["vocab_size"].get<std::int64_t>()));
      for (const auto& example : tokenizer["examples"]) {
        if (example.contains("label"))
          html += QStringLiteral("<p><b>%1</b></p>").arg(escaped(example["label"].get<std::string>()));
        html += QStringLiteral("<p>%1</p>").arg(tokens_html(example));
      }
    } else if (QFile::exists(look.folder + QStringLiteral("/table.txt"))) {
      html = QStringLiteral("<pre>%1</pre>")
                 .arg(escaped(read_file((look.folder + QStringLiteral("/table.txt")).toStdString())));
    }
    samples_->setHtml(html);
  }

  histogram_->clearPlottables();
  if (!look.profile) {
    statistics_->setPlainText(look.profileError);
    histogram_->replot();
    return;
  }
  const DataProfile& p = *look.profile;
  QStringList shape;
  for (auto d : p.input_shape) shape << QString::number(d);
  QString text =
      tr("Training samples: %1\nInput shape: %2").arg(p.train_samples).arg(shape.join(QStringLiteral(" x ")));
  if (p.vocab_size > 0) text += tr("\nVocabulary: %1 tokens").arg(p.vocab_size);
  if (!p.class_names.empty()) text += tr("\nClasses: %1").arg(p.class_names.size());
  statistics_->setPlainText(text);
  if (!p.train_class_counts.empty()) {
    auto* bars = new QCPBars(histogram_->xAxis, histogram_->yAxis);
    QVector<double> keys, values;
    QStringList names;
    for (size_t i = 0; i < p.train_class_counts.size(); ++i) {
      keys << static_cast<double>(i);
      values << static_cast<double>(p.train_class_counts[i]);
      names << (i < p.class_names.size() ? QString::fromStdString(p.class_names[i]) : QString::number(i));
    }
    bars->setData(keys, values);
    bars->setBrush(palette().color(QPalette::Highlight));
    set_category_axis(histogram_->xAxis, names);
    histogram_->rescaleAxes();
    histogram_->xAxis->setRange(-0.7, static_cast<double>(keys.size()) - 0.3);
    histogram_->yAxis->setRangeLower(0);
  }
  histogram_->replot();
  Q_EMIT profiled(p);
}

}  // namespace cradle
