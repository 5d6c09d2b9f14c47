// TLS: `qiandao cert` material, HTTPS requests, a Secure session cookie, and the board over wss.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "transport/tls.hpp"

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using qiandao::test::server_options;
using qiandao::test::temp_dir;
using qiandao::test::test_server;

namespace {

struct tls_fixture {
  temp_dir certs;
  std::string cert = certs.file("cert.pem"), key = certs.file("key.pem");
  std::unique_ptr<test_server> srv;
  ssl::context client_ctx{ssl::context::tls_client};

  tls_fixture() {
    qiandao::transport::make_self_signed(cert, key, {"venue.local"}, 30);
    server_options o;
    o.configure = [this](qiandao::config& c) {
      c.tls_cert = cert;
      c.tls_key = key;
    };
    srv = std::make_unique<test_server>(o);
    // The client trusts exactly the certificate `qiandao cert` made, and checks the name.
    client_ctx.load_verify_file(cert);
    client_ctx.set_verify_mode(ssl::verify_peer);
  }

  http::response<http::string_body> request(http::verb method, std::string const& target,
                                            std::string const& body = "") {
    net::io_context ioc;
    beast::ssl_stream<beast::tcp_stream> s(ioc, client_ctx);
    s.set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(s).connect({net::ip::make_address("127.0.0.1"), srv->port()});
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    s.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
  }
};

}  // namespace

TEST_CASE("qiandao cert makes a key only its owner reads and a certificate for the venue's names", "[tls]") {
  temp_dir d;
  qiandao::transport::make_self_signed(d.file("c.pem"), d.file("k.pem"), {"192.168.1.20", "venue.local"}, 30);
  auto perms = std::filesystem::status(d.file("k.pem")).permissions();
  CHECK((perms & std::filesystem::perms::group_all) == std::filesystem::perms::none);
  CHECK((perms & std::filesystem::perms::others_all) == std::filesystem::perms::none);
  // Never overwrites existing material.
  CHECK_THROWS(qiandao::transport::make_self_signed(d.file("c.pem"), d.file("k.pem"), {}, 30));
  CHECK_THROWS_AS(qiandao::transport::make_self_signed(d.file("c2.pem"), d.file("k2.pem"), {"bad,name"}, 30),
                  std::invalid_argument);
}

TEST_CASE("over TLS the API answers and the session cookie is Secure", "[tls]") {
  tls_fixture f;
  auto health = f.request(http::verb::get, "/healthz");
  CHECK(health.result_int() == 200);
  auto login = f.request(http::verb::post, "/api/v1/login",
                         nlohmann::json{{"username", "admin"}, {"password", test_server::password("admin")}}.dump());
  REQUIRE(login.result_int() == 200);
  std::string cookie(login[http::field::set_cookie]);
  CHECK(cookie.find("; Secure") != std::string::npos);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  // Pages keep their security headers over TLS too.
  auto page = f.request(http::verb::get, "/board");
  CHECK(page.result_int() == 200);
  CHECK(page["X-Content-Type-Options"] == "nosniff");
}

TEST_CASE("a plain HTTP client on the TLS port gets no answer in clear", "[tls]") {
  tls_fixture f;
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), f.srv->port()});
  s.expires_after(std::chrono::seconds(10));
  http::request<http::string_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "localhost");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(s, buf, res, ec);
  CHECK(ec);  // the handshake fails; nothing is served unencrypted
  // And the server still serves TLS clients afterwards.
  CHECK(f.request(http::verb::get, "/healthz").result_int() == 200);
}

TEST_CASE("the board WebSocket works over TLS (wss) and starts with a snapshot", "[tls][board]") {
  tls_fixture f;
  net::io_context ioc;
  beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, f.client_ctx);
  ws.next_layer().set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(ws).connect({net::ip::make_address("127.0.0.1"), f.srv->port()});
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  ws.next_layer().handshake(ssl::stream_base::client);
  ws.handshake("localhost", "/api/v1/board/ws");
  beast::flat_buffer buf;
  ws.read(buf);
  auto frame = nlohmann::json::parse(beast::buffers_to_string(buf.data()));
  CHECK(frame["type"] == "snapshot");
  CHECK(frame["seq"] == 0);
  ws.close(beast::websocket::close_code::normal);
}

TEST_CASE("over TLS a 2 MiB body to a 1 MiB route is read to its end and answered 413", "[tls][hostile]") {
  tls_fixture f;
  std::string const body(2u << 20, 'x');
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    net::io_context ioc;
    beast::ssl_stream<beast::tcp_stream> s(ioc, f.client_ctx);
    s.set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(s).connect({net::ip::make_address("127.0.0.1"), f.srv->port()});
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(20));
    s.handshake(ssl::stream_base::client);
    std::string head = "POST /api/v1/events/1/registrations HTTP/1.1\r\nHost: localhost\r\n"
                       "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    net::write(s, net::buffer(head));
    beast::error_code ec;
    for (std::size_t at = 0; at < body.size() && !ec; at += 64 * 1024)
      net::write(s, net::buffer(body.data() + at, std::min<std::size_t>(64 * 1024, body.size() - at)), ec);
    INFO("write: " << ec.message());
    REQUIRE_FALSE(ec);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res, ec);
    INFO("read: " << ec.message());
    REQUIRE_FALSE(ec);
    CHECK(res.result_int() == 413);
    CHECK(nlohmann::json::parse(res.body())["error"]["code"] == "too_large");
  }
  CHECK(f.request(http::verb::get, "/healthz").result_int() == 200);
}
