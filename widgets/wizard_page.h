#pragma once
// A page of the experiment wizard: a form over the shared document. Next is
// enabled while the core's message (if any) is about a field of another page.
#include <QWizardPage>

class QScrollArea;

#include "widgets/document_form.h"
#include "widgets/experiment_document.h"

namespace cradle {

class WizardPage : public QWizardPage {
  Q_OBJECT

 public:
  WizardPage(ExperimentDocument* document, QWidget* parent = nullptr);

  DocumentForm* form() const { return form_; }
  bool isComplete() const override;

 protected:
  // The page's layout: the form (scrollable, for pages taller than the
  // window) on the left, `side` on the right, in a splitter with these stretches.
  void placeBesideForm(QWidget* side, int form_stretch, int side_stretch);

  ExperimentDocument* document_;
  DocumentForm* form_;
};

}  // namespace cradle
