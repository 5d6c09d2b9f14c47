// Start-up time: from fork until the server prints its "listening" line, on a given
// database (bench/run.sh passes one of ~100k registrations). Starts and stops the binary
// RUNS times and prints each time and the median.
//   startup_time QIANDAO_BIN DB [runs=5]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace qiandao::bench;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: startup_time QIANDAO_BIN DB [runs]\n";
    return 2;
  }
  int runs = argc > 3 ? std::clamp(std::stoi(argv[3]), 1, 20) : 5;
  try {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      auto srv = start_server(argv[1], argv[2]);
      server_guard guard(srv);
      ms.push_back(srv.startup_ms);
      // The server installs its SIGTERM handler just after printing the line; give it a moment.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      std::string how = stop_server(srv);
      std::printf("startup  run %d: %.1f ms (then %s)\n", i + 1, srv.startup_ms, how.c_str());
    }
    std::sort(ms.begin(), ms.end());
    result("startup_ms", percentile(ms, 0.5));
    result("startup_max_ms", ms.back());
  } catch (std::exception const& e) {
    std::cerr << "startup_time: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
