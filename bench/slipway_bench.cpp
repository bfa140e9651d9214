// slipway_bench: benchmarks against the real daemon, printed as a table (see docs/benchmarks.md).
// Each measure starts its own daemon in a fresh temporary home:
//  a-e) the CI core (run_bench.cpp)
//  f-h) local deployments behind the daemon's nginx (local_deploy_bench.cpp)
//  i)   deployments over SSH to three hosts in network namespaces; needs root (ssh_bench.cpp)
//  j-k) container deployments on the Docker engine, with a registry (container_bench.cpp)
//  l-m) the dashboard: first load in headless Chromium, live-log viewers (dashboard_bench.cpp)
// Usage: slipway_bench [--quick] [--only a,b,c,d,e,f,g,h,i,j,k,l,m]
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "bench_common.h"
#include "measures.h"

int main(int argc, char** argv) {
  using namespace slipway::bench;
  bool quick = false;
  std::string only = "abcdefghijklm";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") quick = true;
    if (arg == "--only" && i + 1 < argc) only = argv[++i];
  }
  auto wanted = [&](char measure) { return only.find(measure) != std::string::npos; };
  try {
    if (wanted('a')) bench_latency(quick ? 20 : 200);
    if (wanted('b') || wanted('c')) bench_throughput_and_memory(quick ? 100 : 1000, quick ? 500 : 10000);
    if (wanted('d')) bench_run_list(quick ? 10000 : 100000, quick ? 100 : 1000);
    if (wanted('e')) bench_capture(quick ? 10000000 : 100000000);
    if (wanted('f')) bench_static_push(5);
    if (wanted('g')) bench_deploys_under_load(quick ? 10 : 20);
    if (wanted('h')) bench_rollback(5);
    if (wanted('i')) bench_ssh_deploys(5);
    if (wanted('j')) bench_container_push(quick ? 2 : 5);
    if (wanted('k')) bench_container_deploys_under_load(quick ? 3 : 10);
    if (wanted('l')) bench_dashboard_first_load(quick ? 3 : 10);
    if (wanted('m')) bench_live_log_viewers(100, quick ? 3 : 10);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench failed: %s\n", e.what());
    return 1;
  }
  print_rows();
  return 0;
}
