#pragma once
// One live chart of training metrics (QCustomPlot): series that grow while a
// run trains, drawn raw (faint) and smoothed by an exponential moving average
// (solid). Points are buffered and drawn in batches at most ~30 times a
// second however fast they arrive; QCustomPlot's adaptive sampling keeps a
// million-point series quick to draw. Zoom and pan with the mouse, a
// crosshair with the exact values under the pointer, a log scale, per-series
// visibility (click the legend), and export as PNG, PDF and CSV.
#include <QString>
#include <QTimer>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;
class QCPItemText;
class QMouseEvent;

namespace cradle {

class MetricsChart : public QWidget {
  Q_OBJECT

 public:
  MetricsChart(const QString& title, const QString& x_label, const QString& y_label, QWidget* parent = nullptr);

  // A series; `dashed` for runs overlaid for comparison; `markers` for sparse
  // series (a validation per epoch), whose single first point a line cannot show.
  int addSeries(const QString& name, const QColor& colour, bool dashed = false, bool markers = false);
  // Buffered: drawn at the next repaint tick.
  void append(int series, double x, double y);
  void clear();                      // every series and its points gone
  void setSmoothing(double weight);  // 0 (raw) to 0.99: the EMA's weight on the past
  void setLogScale(bool on);
  void autoscale();
  void setSeriesVisible(int series, bool visible);

  int seriesCount() const { return static_cast<int>(series_.size()); }
  QString seriesName(int series) const;
  int pointCount(int series) const;  // drawn plus pending; 0 for a series not (yet) there
  int replotCount() const { return replots_; }
  QCustomPlot* plot() const { return plot_; }
  // The crosshair's text for the point nearest to `x` (empty when no data).
  QString valuesAt(double x) const;

  bool savePng(const QString& file, int width = 0, int height = 0);
  bool savePdf(const QString& file);
  // Long format: series,x,y per line, with a header.
  bool saveCsv(const QString& file) const;

 private:
  struct Series {
    QString name;
    QCPGraph* raw = nullptr;
    QCPGraph* smooth = nullptr;
    std::vector<double> xs, ys;  // every point, for smoothing again and CSV
    std::size_t drawn = 0;       // points already handed to the graphs
    double ema = 0;              // the smoothed value at the last drawn point
  };
  void flush();
  void resmooth(Series& s);
  void moveCrosshair(QMouseEvent* event);

  QCustomPlot* plot_;
  QCPItemTracer* tracer_;
  QCPItemText* readout_;
  std::vector<Series> series_;
  QTimer repaint_;
  double smoothing_ = 0.6;
  bool autoscaled_ = true;  // follows the data until the user zooms or pans
  int replots_ = 0;
};

}  // namespace cradle
