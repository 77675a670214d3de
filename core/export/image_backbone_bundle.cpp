#include "core/export/image_backbone_bundle.h"

#include "core/hub/image_backbone.h"

namespace cradle {

ModelBundle open_image_backbone_bundle(const std::filesystem::path& folder) {
  const ImageBackbone backbone = read_image_backbone(folder);
  ModelBundle b;
  b.dir = folder;
  b.model = load_image_backbone(backbone);
  b.outputs = backbone.num_classes;
  b.class_names = backbone.label_names;
  for (std::int64_t i = static_cast<std::int64_t>(b.class_names.size()); i < b.outputs; ++i)
    b.class_names.push_back(std::to_string(i));
  b.input.kind = "image";
  b.input.shape = backbone.input_size;
  b.input.decoded_size = {imagenet_resize_for(backbone.input_size[1], backbone.crop_fraction),
                          imagenet_resize_for(backbone.input_size[2], backbone.crop_fraction)};
  b.input.normalize_mean = backbone.mean;
  b.input.normalize_std = backbone.std;
  b.experiment.name = "image-backbone";
  b.experiment.task = Task::Classification;
  b.experiment.model.type = backbone.type;
  b.experiment.data.source = DataSource::ImageFolder;
  b.experiment.data.image_size = b.input.decoded_size;
  b.experiment.data.center_crop = {backbone.input_size[1], backbone.input_size[2]};
  b.experiment.data.normalize_mean = backbone.mean;
  b.experiment.data.normalize_std = backbone.std;
  b.experiment.data.class_names = b.class_names;
  b.card_file = "README.md";
  std::int64_t parameters = 0;
  for (const auto& p : b.model->parameters()) parameters += p.numel();
  b.manifest = Json{{"model_folder", folder.string()},
                    {"task", to_string(Task::Classification)},
                    {"architecture", backbone.type},
                    {"model", {{"type", backbone.type}, {"parameters", parameters}}},
                    {"outputs", b.outputs},
                    {"stored_dtype", backbone.stored_dtype},
                    {"input",
                     {{"kind", b.input.kind},
                      {"shape", b.input.shape},
                      {"decoded_size", b.input.decoded_size},
                      {"normalize_mean", b.input.normalize_mean},
                      {"normalize_std", b.input.normalize_std}}},
                    {"class_names", b.class_names}};
  return b;
}

}  // namespace cradle
