#include "widgets/model_description_text.h"

#include <QCoreApplication>
#include <QStringList>

namespace cradle {
namespace {

QString family_text(ModelFamily family) {
  switch (family) {
    case ModelFamily::Mlp: return QCoreApplication::translate("ModelDescription", "MLP");
    case ModelFamily::Cnn: return QCoreApplication::translate("ModelDescription", "CNN");
    case ModelFamily::LeNet5: return QCoreApplication::translate("ModelDescription", "LeNet-5");
    case ModelFamily::ResNet: return QCoreApplication::translate("ModelDescription", "ResNet");
    case ModelFamily::ImageNetResNet: return QCoreApplication::translate("ModelDescription", "ImageNet ResNet");
    case ModelFamily::MobileNetV2: return QCoreApplication::translate("ModelDescription", "MobileNetV2");
    case ModelFamily::Lstm: return QCoreApplication::translate("ModelDescription", "LSTM");
    case ModelFamily::Gru: return QCoreApplication::translate("ModelDescription", "GRU");
    case ModelFamily::Rnn: return QCoreApplication::translate("ModelDescription", "RNN");
    case ModelFamily::Gpt: return QCoreApplication::translate("ModelDescription", "GPT");
    case ModelFamily::TransformerEncoder: return QCoreApplication::translate("ModelDescription", "Transformer encoder");
    case ModelFamily::Pretrained: return QCoreApplication::translate("ModelDescription", "Hugging Face model");
  }
  return QString::fromStdString(to_string(family));
}

// Every size of the core's enumeration has its words here: a new one fails to compile (-Werror=switch) until it does.
QString size_text(const ModelDescription::Size& size) {
  QStringList values;
  for (const auto value : size.values) values << QString::number(value);
  const QString list = values.join(QStringLiteral(", "));
  const bool one = size.values.size() == 1 && size.values[0] == 1;  // "1 block", "2 blocks"
  switch (size.kind) {
    case ModelSize::ConvChannels: return QCoreApplication::translate("ModelDescription", "conv channels %1").arg(list);
    case ModelSize::Dense: return QCoreApplication::translate("ModelDescription", "dense %1").arg(list);
    case ModelSize::Hidden: return QCoreApplication::translate("ModelDescription", "hidden %1").arg(list);
    case ModelSize::StageWidths: return QCoreApplication::translate("ModelDescription", "widths %1").arg(list);
    case ModelSize::StageBlocks: return QCoreApplication::translate("ModelDescription", "blocks %1").arg(list);
    case ModelSize::Depth: return QCoreApplication::translate("ModelDescription", "depth %1").arg(list);
    case ModelSize::RecurrentLayers:
      return (one ? QCoreApplication::translate("ModelDescription", "%1 layer")
                  : QCoreApplication::translate("ModelDescription", "%1 layers"))
          .arg(list);
    case ModelSize::HiddenSize: return QCoreApplication::translate("ModelDescription", "hidden size %1").arg(list);
    case ModelSize::TransformerBlocks:
      return (one ? QCoreApplication::translate("ModelDescription", "%1 block")
                  : QCoreApplication::translate("ModelDescription", "%1 blocks"))
          .arg(list);
    case ModelSize::Width: return QCoreApplication::translate("ModelDescription", "width %1").arg(list);
    case ModelSize::Heads:
      return (one ? QCoreApplication::translate("ModelDescription", "%1 head")
                  : QCoreApplication::translate("ModelDescription", "%1 heads"))
          .arg(list);
  }
  return list;
}

}  // namespace

QString model_description_text(const ModelDescription& description) {
  QStringList parts{family_text(description.family)};
  for (const auto& size : description.sizes) parts << size_text(size);
  if (description.bidirectional) parts << QCoreApplication::translate("ModelDescription", "bidirectional");
  if (!description.folder.empty()) parts << QString::fromStdString(model_folder_name(description.folder));
  //: Between the parts of a model's description: "CNN, conv channels 32, 64, dense 128".
  return parts.join(QCoreApplication::translate("ModelDescription", ", "));
}

}  // namespace cradle
