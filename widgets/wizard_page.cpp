#include "widgets/wizard_page.h"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QSplitter>

namespace cradle {

WizardPage::WizardPage(ExperimentDocument* document, QWidget* parent)
    : QWizardPage(parent), document_(document), form_(new DocumentForm(document)) {
  connect(document_, &ExperimentDocument::changed, this, [this] { Q_EMIT completeChanged(); });
  // Without this QWizard keeps pages at their preferred height and leaves the
  // rest of a large window empty.
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

bool WizardPage::isComplete() const { return !form_->ownsCurrentError(); }

void WizardPage::placeBesideForm(QWidget* side, int form_stretch, int side_stretch) {
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setMinimumWidth(460);  // labels and editors stay readable beside the panel
  auto* splitter = new QSplitter(this);
  splitter->setChildrenCollapsible(false);
  splitter->addWidget(scroll);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, form_stretch);
  splitter->setStretchFactor(1, side_stretch);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);
}

}  // namespace cradle
