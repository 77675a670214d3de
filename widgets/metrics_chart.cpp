#include "widgets/metrics_chart.h"

#include <QFile>
#include <QFileDialog>
#include <QMenu>
#include <QTextStream>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/custom_plot.h"
#include "widgets/plot_legend.h"

namespace cradle {
namespace {

constexpr int kRepaintMs = 33;  // at most ~30 repaints a second

}  // namespace

MetricsChart::MetricsChart(const QString& title, const QString& x_label, const QString& y_label, QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setObjectName(title);
  plot_->setMinimumSize(220, 160);  // two across beside the snapshots at 1024x768
  plot_->plotLayout()->insertRow(0);
  auto* heading = new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold));
  plot_->plotLayout()->addElement(0, 0, heading);
  plot_->xAxis->setLabel(x_label);
  plot_->yAxis->setLabel(y_label);
  plot_->legend->setVisible(true);
  plot_->legend->setSelectableParts(QCPLegend::spItems);
  place_legend_above_plot(plot_);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectLegend);
  plot_->setNoAntialiasingOnDrag(true);

  tracer_ = new QCPItemTracer(plot_);
  tracer_->setStyle(QCPItemTracer::tsCrosshair);
  tracer_->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  tracer_->setVisible(false);
  readout_ = new QCPItemText(plot_);
  readout_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
  readout_->position->setType(QCPItemPosition::ptAxisRectRatio);
  readout_->position->setCoords(0.01, 0.01);
  readout_->setPadding(QMargins(4, 2, 4, 2));
  readout_->setBrush(QColor(255, 255, 255, 220));
  readout_->setColor(Qt::black);
  readout_->setTextAlignment(Qt::AlignLeft);
  readout_->setVisible(false);

  // Clicking a legend entry shows or hides that series.
  connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    for (int i = 0; i < seriesCount(); ++i)
      if (series_[static_cast<size_t>(i)].smooth == entry->plottable())
        setSeriesVisible(i, !series_[static_cast<size_t>(i)].smooth->visible());
  });
  connect(plot_, &QCustomPlot::mouseMove, this, &MetricsChart::moveCrosshair);
  // The user's zoom or pan ends autoscaling until "Autoscale".
  connect(plot_, &QCustomPlot::mousePress, this, [this] { autoscaled_ = false; });
  connect(plot_, &QCustomPlot::mouseWheel, this, [this] { autoscaled_ = false; });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { autoscale(); });

  plot_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(plot_, &QWidget::customContextMenuRequested, this, [this, title](const QPoint& where) {
    QMenu menu(this);
    const auto save = [this, title](const QString& filter, const QString& suffix, auto write) {
      const QString file = QFileDialog::getSaveFileName(this, tr("Export Chart"), title + suffix, filter);
      if (!file.isEmpty()) write(file);
    };
    menu.addAction(tr("Save as PNG..."), this, [=] {
      save(tr("PNG images (*.png)"), QStringLiteral(".png"), [this](const QString& f) { savePng(f); });
    });
    menu.addAction(tr("Save as PDF..."), this, [=] {
      save(tr("PDF documents (*.pdf)"), QStringLiteral(".pdf"), [this](const QString& f) { savePdf(f); });
    });
    menu.addAction(tr("Save Data as CSV..."), this, [=] {
      save(tr("CSV files (*.csv)"), QStringLiteral(".csv"), [this](const QString& f) { saveCsv(f); });
    });
    menu.addSeparator();
    menu.addAction(tr("Autoscale"), this, &MetricsChart::autoscale);
    menu.exec(plot_->mapToGlobal(where));
  });

  repaint_.setInterval(kRepaintMs);
  connect(&repaint_, &QTimer::timeout, this, &MetricsChart::flush);
  repaint_.start();
}

int MetricsChart::addSeries(const QString& name, const QColor& colour, bool dashed, bool markers) {
  Series s;
  s.name = name;
  s.raw = plot_->addGraph();
  QColor faint = colour;
  faint.setAlpha(60);
  s.raw->setPen(QPen(faint, 1));
  s.raw->removeFromLegend();
  s.raw->setAdaptiveSampling(true);
  s.smooth = plot_->addGraph();
  s.smooth->setName(name);
  s.smooth->setPen(QPen(colour, 2, dashed ? Qt::DashLine : Qt::SolidLine));
  s.smooth->setAdaptiveSampling(true);
  if (markers) s.smooth->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
  series_.push_back(std::move(s));
  return seriesCount() - 1;
}

void MetricsChart::append(int series, double x, double y) {
  if (series < 0 || series >= seriesCount() || !std::isfinite(y)) return;
  Series& s = series_[static_cast<size_t>(series)];
  s.xs.push_back(x);
  s.ys.push_back(y);
}

void MetricsChart::clear() {
  for (Series& s : series_) {
    plot_->removeGraph(s.raw);
    plot_->removeGraph(s.smooth);
  }
  series_.clear();
  autoscaled_ = true;
  plot_->replot();
}

QString MetricsChart::seriesName(int series) const {
  return series >= 0 && series < seriesCount() ? series_[static_cast<size_t>(series)].name : QString();
}

int MetricsChart::pointCount(int series) const {
  return series >= 0 && series < seriesCount() ? static_cast<int>(series_[static_cast<size_t>(series)].xs.size()) : 0;
}

void MetricsChart::flush() {
  bool changed = false;
  for (Series& s : series_) {
    if (s.drawn == s.xs.size()) continue;
    QVector<double> keys, raw, smooth;
    for (std::size_t i = s.drawn; i < s.xs.size(); ++i) {
      s.ema = i == 0 ? s.ys[i] : smoothing_ * s.ema + (1 - smoothing_) * s.ys[i];
      keys << s.xs[i];
      raw << s.ys[i];
      smooth << s.ema;
    }
    s.raw->addData(keys, raw, true);
    s.smooth->addData(keys, smooth, true);
    s.drawn = s.xs.size();
    changed = true;
  }
  if (!changed) return;
  if (autoscaled_)
    autoscale();
  else
    plot_->replot(QCustomPlot::rpQueuedReplot);
  ++replots_;
}

void MetricsChart::resmooth(Series& s) {
  s.smooth->data()->clear();
  QVector<double> keys, values;
  double ema = 0;
  for (std::size_t i = 0; i < s.drawn; ++i) {
    ema = i == 0 ? s.ys[i] : smoothing_ * ema + (1 - smoothing_) * s.ys[i];
    keys << s.xs[i];
    values << ema;
  }
  s.smooth->addData(keys, values, true);
  s.ema = ema;
}

void MetricsChart::setSmoothing(double weight) {
  smoothing_ = std::clamp(weight, 0.0, 0.99);
  for (Series& s : series_) resmooth(s);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void MetricsChart::setLogScale(bool on) {
  plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  else
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  autoscale();
}

void MetricsChart::autoscale() {
  autoscaled_ = true;
  bool found = false;
  QCPRange x, y;
  for (const Series& s : series_) {
    if (!s.smooth->visible() || s.drawn == 0) continue;
    bool ok = false;
    const QCPRange gx = s.raw->getKeyRange(ok);
    if (!ok) continue;
    const QCP::SignDomain domain = plot_->yAxis->scaleType() == QCPAxis::stLogarithmic ? QCP::sdPositive : QCP::sdBoth;
    const QCPRange gy = s.raw->getValueRange(ok, domain);
    if (!ok) continue;
    x = found ? QCPRange(std::min(x.lower, gx.lower), std::max(x.upper, gx.upper)) : gx;
    y = found ? QCPRange(std::min(y.lower, gy.lower), std::max(y.upper, gy.upper)) : gy;
    found = true;
  }
  if (found) {
    if (x.size() == 0) x = QCPRange(x.lower - 1, x.upper + 1);
    if (y.size() == 0) y = QCPRange(y.lower * 0.9 - 1e-9, y.upper * 1.1 + 1e-9);
    plot_->xAxis->setRange(x);
    const double pad = plot_->yAxis->scaleType() == QCPAxis::stLogarithmic ? 0 : y.size() * 0.05;
    plot_->yAxis->setRange(y.lower - pad, y.upper + pad);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void MetricsChart::setSeriesVisible(int series, bool visible) {
  Series& s = series_.at(static_cast<size_t>(series));
  s.raw->setVisible(visible);
  s.smooth->setVisible(visible);
  // A hidden series keeps its legend entry, greyed, so it can be shown again.
  if (auto* item = plot_->legend->itemWithPlottable(s.smooth)) item->setTextColor(visible ? Qt::black : Qt::gray);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString MetricsChart::valuesAt(double x) const {
  QStringList lines;
  double at = x;
  for (const Series& s : series_) {
    if (!s.smooth->visible() || s.xs.empty()) continue;
    // The logged point nearest to x (pending points too: they are data already).
    const auto it = std::lower_bound(s.xs.begin(), s.xs.end(), x);
    std::size_t i = static_cast<std::size_t>(it - s.xs.begin());
    if (i == s.xs.size() || (i > 0 && std::abs(s.xs[i - 1] - x) < std::abs(s.xs[i] - x))) --i;
    if (lines.isEmpty()) at = s.xs[i];
    lines << QStringLiteral("%1: %2").arg(s.name).arg(s.ys[i], 0, 'g', 6);
  }
  if (lines.isEmpty()) return {};
  return QStringLiteral("%1 %2\n").arg(plot_->xAxis->label()).arg(at, 0, 'g', 8) + lines.join(QLatin1Char('\n'));
}

void MetricsChart::moveCrosshair(QMouseEvent* event) {
  const double x = plot_->xAxis->pixelToCoord(event->position().x());
  const QString text = valuesAt(x);
  tracer_->setVisible(!text.isEmpty());
  readout_->setVisible(!text.isEmpty());
  if (!text.isEmpty()) {
    tracer_->position->setCoords(x, plot_->yAxis->pixelToCoord(event->position().y()));
    readout_->setText(text);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool MetricsChart::savePng(const QString& file, int width, int height) {
  return plot_->savePng(file, width, height, 2.0);
}
bool MetricsChart::savePdf(const QString& file) { return plot_->savePdf(file); }

bool MetricsChart::saveCsv(const QString& file) const {
  QFile out(file);
  if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  QTextStream text(&out);
  text << "series," << plot_->xAxis->label() << ',' << plot_->yAxis->label() << '\n';
  for (const Series& s : series_)
    for (std::size_t i = 0; i < s.xs.size(); ++i)
      text << '"' << QString(s.name).replace('"', QStringLiteral("\"\"")) << "\"," << QString::number(s.xs[i], 'g', 12)
           << ',' << QString::number(s.ys[i], 'g', 10) << '\n';
  return text.status() == QTextStream::Ok && out.flush();
}

}  // namespace cradle
