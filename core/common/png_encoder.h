#pragma once
// A minimal PNG encoder (8-bit grey, RGB or RGBA; no filtering; zlib from
// the system) so reports can embed thumbnails without an image library.
#include <cstdint>
#include <string>

namespace cradle {

// `pixels`: height rows of width * channels bytes, channels 1, 3 or 4.
// Returns the PNG file's bytes; std::invalid_argument for a bad size.
std::string encode_png(const std::uint8_t* pixels, int width, int height, int channels);

// RFC 4648 base64 (with padding), for data: URLs.
std::string base64_encode(const std::string& bytes);

}  // namespace cradle
