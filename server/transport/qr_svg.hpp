#pragma once
// QR codes as SVG (libqrencode), crisp at any print size.
#include <optional>
#include <string>
#include <string_view>

namespace qiandao::transport {

// Error correction M, a four-module quiet zone. Empty when the text is too long to encode.
std::optional<std::string> qr_svg(std::string_view text);

std::string html_escape(std::string_view s);

}  // namespace qiandao::transport
