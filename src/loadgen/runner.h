// Runs one `strata bench` workload: creates the bucket, PUTs the objects the
// workload reads (untimed), then drives `concurrency` worker threads, each
// with its own keep-alive connection, until the count or the duration is
// reached.
#pragma once

#include <ostream>

#include "loadgen/bench_config.h"
#include "loadgen/report.h"

namespace strata::loadgen {

// Never fails as a whole: failures are counted in the report (errors,
// error_messages), and a failed bucket creation or prepare phase sets
// report.aborted and skips the timed phase. When config.progress and
// progress is not null, one line per second goes there while the timed phase
// runs. Blocks until done.
BenchReport RunBench(const BenchConfig& config, std::ostream* progress);

}  // namespace strata::loadgen
