#pragma once
// A synchronous WebSocket client for the live board: connect with an optional Origin,
// read one text frame with a timeout. A timed-out or failed read ends the connection.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace qiandao::test {

// The server answered the upgrade with something other than 101.
struct ws_refused : std::runtime_error {
  ws_refused(int s, std::string b)
      : std::runtime_error("websocket upgrade refused with HTTP " + std::to_string(s)),
        status(s),
        body(std::move(b)) {}
  int status;
  std::string body;
};

struct ws_options {
  std::string target = "/api/v1/board/ws";
  std::optional<std::string> origin;  // no Origin header when empty
  std::chrono::milliseconds timeout{10000};  // for connect and handshake
  int receive_buffer = 0;  // SO_RCVBUF set before connecting, when not 0 (a slow reader)
};

class ws_client {
 public:
  // Connects and completes the handshake; throws ws_refused or std::runtime_error.
  ws_client(unsigned short port, ws_options const& opts = {});
  ~ws_client();
  ws_client(ws_client&&) noexcept;
  ws_client& operator=(ws_client&&) noexcept;
  ws_client(ws_client const&) = delete;
  ws_client& operator=(ws_client const&) = delete;

  // The next text frame, or nothing when none came in time or the connection ended.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout);
  // The next frame parsed as JSON (throws on a frame that is not JSON).
  std::optional<nlohmann::json> read_json(std::chrono::milliseconds timeout);
  [[nodiscard]] bool is_open() const;
  void close();

  // Sends one text message; false when it could not be written in time (the connection
  // then ends, as after a failed read).
  bool write_text(std::string const& text, std::chrono::milliseconds timeout);
  // The code of the close frame the server sent, once a read has ended with one.
  [[nodiscard]] std::optional<int> close_code() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// 101 when the upgrade is accepted, else the status the server refused it with.
int ws_upgrade_status(unsigned short port, ws_options const& opts);

}  // namespace qiandao::test
