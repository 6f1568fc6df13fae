// Bench-only: an SQLite VFS that forwards everything to the default VFS
// except the fsyncs, so a benchmark can fill a metadata store with a million
// rows through the real MetaStore code (every PutObject its own transaction,
// as the server commits it) without paying a million WAL fsyncs.
//
// Never use it where the data must survive a crash: a commit is durable only
// once the kernel writes the page cache back. The benchmarks that use it
// either throw the database away or close it cleanly before a server reopens
// it (a clean close needs no fsync for other processes to read the data).
#pragma once

namespace strata::bench {

// Registers the VFS "strata-nosync" and makes it SQLite's default, so every
// connection opened afterwards in this process (SqliteMetaStore's included:
// it opens with the default VFS) skips xSync. Idempotent. Returns false when
// SQLite refuses the registration. Not thread-safe: call it before opening
// any database.
bool InstallNoSyncVfs();

}  // namespace strata::bench
