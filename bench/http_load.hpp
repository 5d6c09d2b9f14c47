#pragma once
// The one HTTP client every row uses: keep-alive connections on one or two io_contexts, each
// connection with one request in flight, optionally paced to a total rate. The same code
// drives nginx's fixed answer and Qiandao's check-ins, so their ratio compares servers.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace qiandao::bench {

using request = boost::beast::http::request<boost::beast::http::string_body>;

struct load_options {
  int port = 0;
  int connections = 1;
  int threads = 1;       // io_contexts, each on its own thread
  double seconds = 5;    // no request starts after this
  double rate = 0;       // requests a second over all connections; 0 = as fast as answers come
  unsigned expect_status = 200;
  // Fills the next request for connection N; false when there is nothing more to send.
  // Called from the client threads at once: must be thread-safe.
  std::function<bool(std::size_t conn, request& req)> next;
  // Optional: called just before each request is written (after any pacing wait), e.g. to
  // put the send time in it.
  std::function<void(request& req)> stamp;
  // Optional: called on the client thread as each answer has been read (its status), e.g.
  // to note when a check-in was acknowledged.
  std::function<void(std::size_t conn, unsigned status)> answered;
};

struct load_result {
  std::vector<double> latency_ms;  // every answered request, ascending
  long ok = 0;                     // answered with expect_status
  std::map<unsigned, long> other_status;
  long errors = 0;     // connect, read or write failures (each ends its connection)
  long unfinished = 0; // connections still waiting when the run was cut off (a stall)
  double elapsed_s = 0;
  double client_cpu_percent = 0;  // this process, all threads
  std::string first_error;
};

// Bounded: requests start for `seconds`, and the run is cut off 15 s after that.
load_result run_load(load_options const& o);

// POST /api/v1/checkins with a ticket code, a nonce and a kiosk token.
request checkin_request(std::string const& code, std::string const& nonce, std::string const& token);

// POST /fire to the reference broadcaster (bench/ws_reference.mjs); as load_options::stamp,
// stamp_fire sets its target to /fire?t=US, US the clock just before the request is written.
request fire_request();
void stamp_fire(request& req);

// "201:1234 409:3" for the statuses that were not the expected one.
std::string describe_statuses(load_result const& r);

}  // namespace qiandao::bench
