#include "mpi_transport.h"

#ifdef ESTI_HAVE_MPI
#include "../mpi/mpi_transport.h"
#endif

namespace esti::cli {

Result<std::unique_ptr<mesh::Transport>> MakeMpiTransport(const std::string& mesh_text) {
  Result<mesh::MeshShape> shape = mesh::ParseMesh(mesh_text, "/mesh");
  if (!shape.ok()) return shape.error();
#ifdef ESTI_HAVE_MPI
  Result<std::unique_ptr<mpi::MpiTransport>> t = mpi::MpiTransport::Create(shape.value());
  if (!t.ok()) return t.error();
  return std::unique_ptr<mesh::Transport>(std::move(t).value());
#else
  return MakeError(codes::kInvalidValue, "/transport",
                   "this esti was built without MPI (install openmpi-bin and libopenmpi-dev, "
                   "then reconfigure); use --transport local");
#endif
}

}  // namespace esti::cli
