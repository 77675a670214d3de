#pragma once
// Tiny, learnable data sets written to disk in the formats Cradle reads, so
// tests exercise the real readers without large files.
#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace cradle::test {

// An IDX file of unsigned bytes (gzip-compressed when `gzip`).
void write_idx(const QString& path, const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values,
               bool gzip = false);
QByteArray idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values);

// Four classes of 8x8 images: class c has a bright 4x4 quadrant c over noise.
// Writes train/test images/labels as *.idx (plain) into `dir`.
void write_quadrant_dataset(const QString& dir, int train_count, int test_count, std::uint32_t seed = 1);

// A complete experiment file for the quadrant set in `dir`, small and quick;
// `extra` is merged into it as JSON text (e.g. R"({"train":{"epochs":3}})").
QString write_quadrant_experiment(const QString& dir, const std::string& extra = "{}");

// A cifar-10-batches-bin folder: `batches` data_batch_N.bin files of
// `per_batch` records and a test_batch.bin of `test_count`; class c lights
// quadrant c % 4 of channel c / 4. With `meta`, batches.meta.txt names them.
void write_cifar10_folder(const QString& dir, int per_batch, int batches, int test_count, bool meta = true);
QByteArray cifar10_records(int count, std::uint32_t seed, int first_label = 0);

QByteArray read_all(const QString& path);

// 240 records of a tiny grammar ("the cat sees the ball.") separated by "%"
// lines: predictable given the context, not given one character.
std::string tiny_grammar_text();

}  // namespace cradle::test
