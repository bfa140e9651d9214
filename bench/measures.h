// The measures of slipway_bench (see docs/benchmarks.md), one function per group of
// rows; each starts its own daemon in a fresh home and appends its rows to the table.
#pragma once

namespace slipway::bench {

// The CI core (run_bench.cpp).
void bench_latency(int count);                                 // (a) trigger -> run finished
void bench_throughput_and_memory(int count, int memory_runs);  // (b) runs queued at once, (c) RSS
void bench_run_list(int runs_in_db, int requests);             // (d) the run-list API
void bench_capture(long long bytes);                           // (e) capturing step output

// Local deployments behind the daemon's nginx (local_deploy_bench.cpp).
void bench_static_push(int pushes);          // (f) push -> live, static site
void bench_deploys_under_load(int deploys);  // (g) deploys under wrk load
void bench_rollback(int count);              // (h) rollback -> old version served

// Deployments over SSH to hosts in network namespaces (ssh_bench.cpp).
void bench_ssh_deploys(int incremental);  // (i)

// Container deployments on the Docker engine (container_bench.cpp).
void bench_container_push(int pushes);                 // (j) push -> live as an image, vs docker by hand
void bench_container_deploys_under_load(int deploys);  // (k) container deploys under wrk load

// The dashboard (dashboard_bench.cpp).
void bench_dashboard_first_load(int loads);           // (l) bytes and time to the drawn page, headless Chromium
void bench_live_log_viewers(int viewers, int seconds);  // (m) live-log viewers of a loud step, API latency meanwhile

}  // namespace slipway::bench
