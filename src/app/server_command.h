#pragma once

#include "app/server_config.h"

namespace strata::app {

// Runs the server until SIGTERM or SIGINT, then drains and returns the exit
// code: 0 after a clean shutdown, non-zero when start-up failed.
int RunServer(const ServerConfig& config);

}  // namespace strata::app
