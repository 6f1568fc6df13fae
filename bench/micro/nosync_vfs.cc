#include "nosync_vfs.h"

#include <sqlite3.h>

namespace strata::bench {
namespace {

// Our file object: SQLite allocates szOsFile bytes, so the default VFS's own
// file object lives right behind this header.
struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }

int ShimClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int ShimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int ShimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int ShimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
// The point of the VFS: commits and checkpoints return without an fsync.
int ShimSync(sqlite3_file*, int) { return SQLITE_OK; }
int ShimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int ShimLock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int ShimUnlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int ShimCheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int ShimFileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int ShimSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int ShimDeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
// The shared-memory and mmap methods exist from io_methods versions 2 and 3;
// the unix VFS's default methods are version 3, the guards cover the others.
int ShimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  if (Real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShimShmLock(sqlite3_file* f, int offset, int n, int flags) {
  if (Real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShimShmBarrier(sqlite3_file* f) {
  if (Real(f)->pMethods->iVersion >= 2) Real(f)->pMethods->xShmBarrier(Real(f));
}
int ShimShmUnmap(sqlite3_file* f, int delete_flag) {
  if (Real(f)->pMethods->iVersion < 2) return SQLITE_OK;
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int ShimFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  if (Real(f)->pMethods->iVersion < 3) {
    *out = nullptr;  // "no mapping": SQLite reads through xRead instead
    return SQLITE_OK;
  }
  return Real(f)->pMethods->xFetch(Real(f), off, n, out);
}
int ShimUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  if (Real(f)->pMethods->iVersion < 3) return SQLITE_OK;
  return Real(f)->pMethods->xUnfetch(Real(f), off, p);
}

int ShimOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  int rc = g_real->xOpen(g_real, name, shim->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open,
  // so ours is set exactly when the real file's is.
  shim->base.pMethods = shim->real->pMethods != nullptr ? &g_methods : nullptr;
  return rc;
}

}  // namespace

bool InstallNoSyncVfs() {
  if (g_real != nullptr) return true;
  if (sqlite3_initialize() != SQLITE_OK) return false;
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 1) return false;
  g_methods = sqlite3_io_methods{3,
                                 ShimClose,
                                 ShimRead,
                                 ShimWrite,
                                 ShimTruncate,
                                 ShimSync,
                                 ShimFileSize,
                                 ShimLock,
                                 ShimUnlock,
                                 ShimCheckReservedLock,
                                 ShimFileControl,
                                 ShimSectorSize,
                                 ShimDeviceCharacteristics,
                                 ShimShmMap,
                                 ShimShmLock,
                                 ShimShmBarrier,
                                 ShimShmUnmap,
                                 ShimFetch,
                                 ShimUnfetch};
  // Every other method is the default VFS's own, called with the same
  // pAppData and limits it was registered with (a copy of its struct).
  g_vfs = *real;
  g_vfs.pNext = nullptr;
  g_vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
  g_vfs.zName = "strata-nosync";
  g_vfs.xOpen = ShimOpen;
  g_real = real;
  if (sqlite3_vfs_register(&g_vfs, /*makeDflt=*/1) != SQLITE_OK) {
    g_real = nullptr;
    return false;
  }
  return true;
}

}  // namespace strata::bench
