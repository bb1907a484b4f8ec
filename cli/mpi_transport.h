// The MPI transport (one rank per chip), built when CMake finds MPI (ESTI_HAVE_MPI); otherwise
// MakeMpiTransport reports that this build has none.
#pragma once

#include <memory>
#include <string>

#include "esti/common/result.h"
#include "esti/mesh/transport.h"

namespace esti::cli {

// Initialises MPI (once) and builds a Cartesian communicator with periodic dimensions for
// `mesh_text` ("XxYxZ"); fails with invalid_value at /mesh when the rank count differs.
Result<std::unique_ptr<mesh::Transport>> MakeMpiTransport(const std::string& mesh_text);

}  // namespace esti::cli
