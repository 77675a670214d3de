#include "tests/app/report_checks.h"

#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "tests/app/cli_process.h"

namespace cradle::test {

double macro_f1_from_predictions(const QString& csv_file, const QStringList& classes) {
  QFile file(csv_file);
  if (!file.open(QIODevice::ReadOnly)) return -1;
  QMap<QString, int> true_positive, predicted, actual;
  const auto lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
  for (int i = 1; i < lines.size(); ++i) {  // after the header
    const auto fields = lines[i].split(',');
    if (fields.size() < 3) return -1;
    ++actual[fields[1]];
    ++predicted[fields[2]];
    if (fields[1] == fields[2]) ++true_positive[fields[1]];
  }
  double sum = 0;
  for (const auto& c : classes) {
    const double precision = predicted[c] ? double(true_positive[c]) / predicted[c] : 0;
    const double recall = actual[c] ? double(true_positive[c]) / actual[c] : 0;
    sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  }
  return classes.isEmpty() ? 0 : sum / classes.size();
}

RenderedPage render_in_chromium(const QString& html_file) {
  RenderedPage page;
  QFile source(html_file);
  QTemporaryDir dir;
  if (!source.open(QIODevice::ReadOnly) || !dir.isValid()) {
    page.problem = "cannot read " + html_file;
    return page;
  }
  // After the page and its images have loaded, the probe writes what it found into the DOM.
  QByteArray html = source.readAll();
  const QByteArray probe =
      "<script>window.addEventListener('load', () => { const all = [...document.images];"
      "document.body.setAttribute('data-images', all.length);"
      "document.body.setAttribute('data-broken', all.filter(i => !i.complete || i.naturalWidth === 0).length); });"
      "</script>";
  html.replace("</body>", probe + "</body>");
  QFile copy(dir.filePath("report.html"));
  if (!copy.open(QIODevice::WriteOnly) || copy.write(html) != html.size()) {
    page.problem = "cannot write the probe page";
    return page;
  }
  copy.close();
  const auto r = run_process("chromium",
                             {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync",
                              "--user-data-dir=" + dir.filePath("profile"), "--virtual-time-budget=10000", "--dump-dom",
                              "file://" + dir.filePath("report.html")},
                             120000);
  if (r.exit_code != 0) {
    page.problem = "chromium exited with " + QString::number(r.exit_code) + ": " + r.err.right(400);
    return page;
  }
  const auto images = QRegularExpression("data-images=\"(\\d+)\"").match(r.out);
  const auto broken = QRegularExpression("data-broken=\"(\\d+)\"").match(r.out);
  if (!images.hasMatch() || !broken.hasMatch()) {
    page.problem = "the probe did not run; the page's DOM: " + r.out.left(400);
    return page;
  }
  page.rendered = true;
  page.images = images.captured(1).toInt();
  page.broken = broken.captured(1).toInt();
  page.title = QRegularExpression("<title>([^<]*)</title>").match(r.out).captured(1);
  return page;
}

}  // namespace cradle::test
