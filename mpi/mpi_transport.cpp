#include "mpi_transport.h"

#include <mpi.h>

#include <cstdlib>

namespace esti::mpi {

namespace {
void Finalize() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}
}  // namespace

void EnsureInitialized() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  MPI_Init(nullptr, nullptr);
  std::atexit(Finalize);
}

int WorldSize() {
  EnsureInitialized();
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

int WorldRank() {
  EnsureInitialized();
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

struct MpiTransport::Comms {
  MPI_Comm cart = MPI_COMM_NULL;
  std::array<MPI_Comm, 8> by_axes{};  // sub-communicator per axis mask
};

Result<std::unique_ptr<MpiTransport>> MpiTransport::Create(const mesh::MeshShape& shape) {
  const int world = WorldSize();
  if (world != shape.chips()) {
    return MakeError(codes::kInvalidValue, "/mesh",
                     "mesh " + shape.ToString() + " has " + std::to_string(shape.chips()) +
                         " chips but mpirun started " + std::to_string(world) +
                         " ranks (run mpirun -np " + std::to_string(shape.chips()) + ")");
  }
  std::unique_ptr<MpiTransport> t(new MpiTransport());
  t->shape_ = shape;
  t->comms_ = std::make_unique<Comms>();
  int dims[3] = {static_cast<int>(shape.dims[2]), static_cast<int>(shape.dims[1]),
                 static_cast<int>(shape.dims[0])};
  int periods[3] = {1, 1, 1};  // a torus: wraparound on every axis
  MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, /*reorder=*/0, &t->comms_->cart);
  int rank = 0;
  MPI_Comm_rank(t->comms_->cart, &rank);
  t->chips_ = {rank};
  for (int mask = 0; mask < 8; ++mask) {
    int remain[3] = {(mask & mesh::kAxisZ) ? 1 : 0, (mask & mesh::kAxisY) ? 1 : 0,
                     (mask & mesh::kAxisX) ? 1 : 0};
    MPI_Cart_sub(t->comms_->cart, remain, &t->comms_->by_axes[mask]);
  }
  return t;
}

MpiTransport::~MpiTransport() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized || !comms_) return;
  for (MPI_Comm& c : comms_->by_axes)
    if (c != MPI_COMM_NULL) MPI_Comm_free(&c);
  if (comms_->cart != MPI_COMM_NULL) MPI_Comm_free(&comms_->cart);
}

namespace {
MPI_Datatype TypeOf(mesh::Elem e) {
  switch (e) {
    case mesh::Elem::kInt8:
      return MPI_INT8_T;
    case mesh::Elem::kInt32:
      return MPI_INT32_T;
    case mesh::Elem::kFloat32:
      return MPI_FLOAT;
    case mesh::Elem::kFloat64:
      return MPI_DOUBLE;
  }
  return MPI_BYTE;
}
}  // namespace

void MpiTransport::Barrier(uint8_t axes) { MPI_Barrier(comms_->by_axes[axes & 7]); }

void MpiTransport::Run(mesh::Kind kind, uint8_t axes, mesh::Elem elem, mesh::ReduceOp op,
                       std::span<const mesh::ChipBuffers> bufs) {
  MPI_Comm comm = comms_->by_axes[axes & 7];
  int k = 1;
  MPI_Comm_size(comm, &k);
  const mesh::ChipBuffers& b = bufs[0];
  const int in_bytes = static_cast<int>(b.in.size());
  const int esize = static_cast<int>(mesh::ElemBytes(elem));
  MPI_Op mop = op == mesh::ReduceOp::kSum ? MPI_SUM : MPI_MAX;
  void* in = const_cast<std::byte*>(b.in.data());
  switch (kind) {
    case mesh::Kind::kAllGather:
      MPI_Allgather(in, in_bytes, MPI_BYTE, b.out.data(), in_bytes, MPI_BYTE, comm);
      break;
    case mesh::Kind::kReduceScatter:
      MPI_Reduce_scatter_block(in, b.out.data(), in_bytes / esize / k, TypeOf(elem), mop, comm);
      break;
    case mesh::Kind::kAllReduce:
      MPI_Allreduce(in, b.out.data(), in_bytes / esize, TypeOf(elem), mop, comm);
      break;
    case mesh::Kind::kAllToAll:
      MPI_Alltoall(in, in_bytes / k, MPI_BYTE, b.out.data(), in_bytes / k, MPI_BYTE, comm);
      break;
  }
}

}  // namespace esti::mpi
