#include "tests/support/synthetic_data.h"

#include <QDir>
#include <QFile>

#include <zlib.h>
#include <nlohmann/json.hpp>

#include <random>
#include <stdexcept>

namespace cradle::test {

QByteArray idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values) {
  QByteArray bytes;
  bytes.append(char(0)).append(char(0)).append(char(0x08)).append(char(dims.size()));
  for (auto d : dims)
    for (int shift : {24, 16, 8, 0}) bytes.append(char((d >> shift) & 0xFF));
  bytes.append(reinterpret_cast<const char*>(values.data()), static_cast<qsizetype>(values.size()));
  return bytes;
}

void write_idx(const QString& path, const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values,
               bool gzip) {
  const QByteArray bytes = idx_bytes(dims, values);
  if (gzip) {
    gzFile file = gzopen(path.toLocal8Bit().constData(), "wb");
    if (!file) throw std::runtime_error("cannot write " + path.toStdString());
    gzwrite(file, bytes.constData(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
    return;
  }
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) throw std::runtime_error("cannot write " + path.toStdString());
  file.write(bytes);
}

void write_quadrant_dataset(const QString& dir, int train_count, int test_count, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(0, 90);
  const auto write_split = [&](const QString& prefix, int count) {
    std::vector<std::uint8_t> images(static_cast<size_t>(count) * 64), labels(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      const int label = i % 4;
      labels[static_cast<size_t>(i)] = static_cast<std::uint8_t>(label);
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
          const bool lit = (y / 4) * 2 + (x / 4) == label;
          images[static_cast<size_t>(i) * 64 + static_cast<size_t>(y * 8 + x)] =
              static_cast<std::uint8_t>(noise(random) + (lit ? 150 : 0));
        }
    }
    write_idx(dir + "/" + prefix + "-images.idx", {std::uint32_t(count), 8, 8}, images);
    write_idx(dir + "/" + prefix + "-labels.idx", {std::uint32_t(count)}, labels);
  };
  write_split("train", train_count);
  write_split("test", test_count);
}

QString write_quadrant_experiment(const QString& dir, const std::string& extra) {
  nlohmann::ordered_json doc = {{"name", "quadrants"},
                                {"seed", 7},
                                {"threads", 1},
                                {"data",
                                 {{"train_images", "train-images.idx"},
                                  {"train_labels", "train-labels.idx"},
                                  {"test_images", "test-images.idx"},
                                  {"test_labels", "test-labels.idx"},
                                  {"class_names", {"top-left", "top-right", "bottom-left", "bottom-right"}},
                                  {"validation_fraction", 0.2}}},
                                {"model", {{"type", "mlp"}, {"hidden", {16}}, {"batch_norm", false}}},
                                {"train", {{"epochs", 2}, {"batch_size", 16}, {"lr", 0.01}, {"log_every", 5}}},
                                {"eval", {{"batch_size", 64}}}};
  doc.merge_patch(nlohmann::ordered_json::parse(extra));
  const QString path = dir + "/experiment.json";
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) throw std::runtime_error("cannot write " + path.toStdString());
  file.write(QByteArray::fromStdString(doc.dump(2)));
  return path;
}

QByteArray cifar10_records(int count, std::uint32_t seed, int first_label) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(0, 80);
  QByteArray bytes;
  for (int i = 0; i < count; ++i) {
    const int label = (first_label + i) % 10;
    bytes.append(char(label));
    for (int channel = 0; channel < 3; ++channel)
      for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) {
          const bool lit = channel == label / 4 && (y / 16) * 2 + (x / 16) == label % 4;
          bytes.append(char(noise(random) + (lit ? 160 : 0)));
        }
  }
  return bytes;
}

void write_cifar10_folder(const QString& dir, int per_batch, int batches, int test_count, bool meta) {
  QDir().mkpath(dir);
  const auto write = [](const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) throw std::runtime_error("cannot write " + path.toStdString());
    file.write(bytes);
  };
  for (int b = 1; b <= batches; ++b)
    write(dir + QString("/data_batch_%1.bin").arg(b), cifar10_records(per_batch, std::uint32_t(b), b));
  write(dir + "/test_batch.bin", cifar10_records(test_count, 99));
  if (meta)
    write(dir + "/batches.meta.txt", "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
}

QByteArray read_all(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

std::string tiny_grammar_text() {
  const char* subjects[] = {"the cat", "a dog", "my bird", "our fish"};
  const char* verbs[] = {"sees", "likes", "finds", "wants"};
  const char* objects[] = {"the ball", "a stick", "some food", "the sun"};
  std::string text;
  for (int i = 0; i < 240; ++i)
    text += std::string(subjects[i % 4]) + " " + verbs[(i / 4) % 4] + " " + objects[(i / 16) % 4] + ".\n%\n";
  return text;
}

}  // namespace cradle::test
