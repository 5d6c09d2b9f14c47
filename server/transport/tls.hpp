#pragma once
// TLS for venues: kiosks need a secure context to use the camera over a LAN.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

namespace qiandao::transport {

// TLS 1.2+ server context from PEM files; throws with a message fit for the terminal.
std::unique_ptr<boost::asio::ssl::context> make_server_context(std::string const& cert_pem,
                                                               std::string const& key_pem);

// A self-signed certificate (ECDSA P-256, SHA-256) for the given host names and IP
// addresses (plus localhost and 127.0.0.1), valid for `days`. The key file is made 0600.
void make_self_signed(std::string const& cert_path, std::string const& key_path,
                      std::vector<std::string> const& hosts, int days);

}  // namespace qiandao::transport
