// cradle: the studio window. Without a display (no DISPLAY or WAYLAND_DISPLAY,
// and no QT_QPA_PLATFORM chosen) or with --headless, it trains the project in
// the terminal instead, exactly as `cradle-cli train` would.
#include <QApplication>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/common/sample_projects.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"
#include "widgets/main_window.h"
#include "widgets/theme.h"
#include "widgets/translation.h"

namespace {

bool has_display() {
  for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
    const char* value = std::getenv(name);
    if (value && *value) return true;
  }
  return false;
}

const char kUsage[] =
    "usage: cradle [--headless] [--screenshot FILE] [EXPERIMENT]\n"
    "  Opens the studio on EXPERIMENT (default: the Fashion-MNIST sample project).\n"
    "  --headless         train EXPERIMENT in the terminal instead (also the default with no display)\n"
    "  --screenshot FILE  open the window, save a picture of it to FILE (PNG) and quit\n"
    "  --version          print the version\n";

}  // namespace

int main(int argc, char** argv) {
  bool headless = false;
  std::string experiment, screenshot;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--headless") {
      headless = true;
    } else if (arg == "--screenshot") {
      if (i + 1 == argc) {
        std::fprintf(stderr, "cradle: --screenshot needs a file\n%s", kUsage);
        return 2;
      }
      screenshot = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--version") {
      std::puts("cradle " CRADLE_VERSION);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "cradle: unknown option %s\n%s", arg.c_str(), kUsage);
      return 2;
    } else if (experiment.empty()) {
      experiment = arg;
    } else {
      std::fprintf(stderr, "cradle: one experiment at a time\n%s", kUsage);
      return 2;
    }
  }
  if (experiment.empty()) experiment = cradle::default_sample_experiment().string();

  if (headless || !has_display()) {
    if (!headless) std::puts("cradle: no display found; training in the terminal (use cradle-cli for more options)");
    try {
      return cradle::train_in_terminal({experiment, {}, {}});
    } catch (const std::exception& error) {
      std::fprintf(stderr, "cradle: error: %s\n", error.what());
      return 1;
    }
  }

  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Cradle"));
  QApplication::setOrganizationName(QStringLiteral("Cradle"));
  QApplication::setApplicationVersion(QStringLiteral(CRADLE_VERSION));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/cradle.svg")));
  cradle::install_translation(cradle::configured_language());
  cradle::apply_theme(cradle::configured_theme());
  cradle::MainWindow window;
  window.setProjectFolders(QString::fromStdString(cradle::sample_projects_dir().string()),
                           cradle::MainWindow::configuredWorkspace());
  window.openExperiment(QString::fromStdString(experiment));
  window.show();
  if (!screenshot.empty()) {
    // Once the first paint is done: what a person sees on opening (packaging checks and documentation use it).
    QTimer::singleShot(200, &window, [&window, &screenshot] {
      const QString file = QString::fromStdString(screenshot);
      if (!window.grab().save(file, "PNG")) {
        std::fprintf(stderr, "cradle: cannot write the screenshot %s\n", screenshot.c_str());
        QApplication::exit(1);
        return;
      }
      std::printf("cradle: the window (%dx%d) on %s saved to %s\n", window.width(), window.height(),
                  qPrintable(window.experimentPath()), screenshot.c_str());
      QApplication::exit(0);
    });
  }
  return QApplication::exec();
}
