#include "transport/tls.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <stdexcept>

namespace qiandao::transport {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_server_context(std::string const& cert_pem,
                                                  std::string const& key_pem) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_pem, ec);
  if (ec) throw std::runtime_error("cannot read the TLS certificate " + cert_pem + ": " + ec.message());
  ctx->use_private_key_file(key_pem, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot read the TLS key " + key_pem + ": " + ec.message());
  return ctx;
}

namespace {

template <class T, void (*Free)(T*)>
struct ossl_ptr {
  T* p;
  explicit ossl_ptr(T* x) : p(x) {
    if (!p) throw std::runtime_error("OpenSSL allocation failed");
  }
  ~ossl_ptr() { Free(p); }
  ossl_ptr(ossl_ptr const&) = delete;
  ossl_ptr& operator=(ossl_ptr const&) = delete;
};

void add_extension(X509* cert, int nid, std::string const& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("bad certificate extension: " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string subject_alt_names(std::vector<std::string> const& hosts) {
  std::string san = "DNS:localhost,IP:127.0.0.1";
  for (auto const& h : hosts) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(h, ec);
    bool is_ip = !ec;
    // A name must not smuggle more entries into the extension's text.
    if (!is_ip && (h.empty() || h.find_first_of(",:= \t") != std::string::npos))
      throw std::invalid_argument("not a host name or IP address: " + h);
    san += (is_ip ? ",IP:" : ",DNS:") + h;
  }
  return san;
}

void write_pem(std::string const& path, mode_t mode, auto&& writer) {
  FILE* f = std::fopen(path.c_str(), "wx");  // never overwrite an existing key or certificate
  if (!f) throw std::runtime_error("cannot create " + path + " (does it exist already?)");
  chmod(path.c_str(), mode);
  bool ok = writer(f);
  std::fclose(f);
  if (!ok) throw std::runtime_error("cannot write " + path);
}

}  // namespace

void make_self_signed(std::string const& cert_path, std::string const& key_path,
                      std::vector<std::string> const& hosts, int days) {
  ossl_ptr<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
  ossl_ptr<X509, X509_free> cert(X509_new());
  X509_set_version(cert.p, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  ossl_ptr<BIGNUM, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.p, X509_get_serialNumber(cert.p));
  X509_gmtime_adj(X509_getm_notBefore(cert.p), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.p), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.p, key.p);
  X509_NAME* name = X509_get_subject_name(cert.p);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<unsigned char const*>("Qiandao venue"), -1, -1, 0);
  std::string cn = hosts.empty() ? "localhost" : hosts.front();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<unsigned char const*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.p, name);
  add_extension(cert.p, NID_subject_alt_name, subject_alt_names(hosts));
  add_extension(cert.p, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.p, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.p, NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.p, key.p, EVP_sha256()) == 0) throw std::runtime_error("signing the certificate failed");
  write_pem(key_path, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.p, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  write_pem(cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.p) == 1; });
}

}  // namespace qiandao::transport
