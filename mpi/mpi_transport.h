// The MPI transport: one rank per chip (esti::mesh::Transport). Built only when CMake finds MPI.
//
// The ranks form a Cartesian communicator with periodic dimensions (a torus, MPI_Cart_create)
// whose rank order is the mesh's chip order (chip = x + X (y + Y z): MPI's last dimension varies
// fastest, so dims are given as {Z, Y, X}). Each group of axes gets a sub-communicator
// (MPI_Cart_sub), whose ranks are then ordered x fastest, as mesh::GroupRank. Collectives map to
// MPI_Allgather, MPI_Reduce_scatter_block, MPI_Allreduce and MPI_Alltoall on it. MPI chooses the
// reduction order, so fp32 sums may round differently from the in-process mesh; int32 sums and
// max are exact in any order.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "esti/common/result.h"
#include "esti/mesh/transport.h"

namespace esti::mpi {

// MPI_Init once (MPI_Finalize at exit); the world size and rank.
void EnsureInitialized();
int WorldSize();
int WorldRank();

class MpiTransport final : public mesh::Transport {
 public:
  // invalid_value at /mesh when the world's rank count is not the mesh's chip count.
  static Result<std::unique_ptr<MpiTransport>> Create(const mesh::MeshShape& shape);
  ~MpiTransport() override;
  const char* name() const override { return "mpi"; }
  const mesh::MeshShape& shape() const override { return shape_; }
  const std::vector<int64_t>& local_chips() const override { return chips_; }
  void Run(mesh::Kind kind, uint8_t axes, mesh::Elem elem, mesh::ReduceOp op,
           std::span<const mesh::ChipBuffers> bufs) override;
  void Barrier(uint8_t axes) override;

 private:
  MpiTransport() = default;
  struct Comms;
  mesh::MeshShape shape_;
  std::vector<int64_t> chips_;
  std::unique_ptr<Comms> comms_;
};

}  // namespace esti::mpi
