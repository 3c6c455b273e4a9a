import ArgumentParser

/// `kgit store`: read, write, watch and maintain the desired-state store.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Read, write, watch and back up the desired-state store.",
        discussion: """
            The store is an MVCC key-value store with etcd's semantics: every write gets a new revision, \
            old revisions stay readable until compacted, and watches see every change in order.

            Choose the store with --data-dir DIR (embedded SQLite, the default; or set KGIT_DATA_DIR) or \
            --etcd-endpoints http://host:2379,... (an etcd 3.4 cluster).

            Examples:
              kgit store put --data-dir ./data /config/app '{"replicas": 3}'
              kgit store get --data-dir ./data /config/ --prefix -o yaml
              kgit store watch --data-dir ./data /config/ --prefix --rev 1
              kgit store snapshot save --data-dir ./data backup.db

            Exit codes: 0 success; 1 key not found (get); 2 usage, storage or I/O error; 3 request refused \
            (compacted or future revision, too large, quota exceeded, unknown lease); 4 store unavailable \
            (etcd unreachable, directory in use by another process: retry later).
            """,
        subcommands: [
            StoreGetCommand.self, StorePutCommand.self, StoreDeleteCommand.self, StoreWatchCommand.self,
            StoreCompactCommand.self, StoreStatusCommand.self, StoreSnapshotCommand.self, StoreLeaseCommand.self,
            StoreCrashWriterCommand.self,
        ]
    )
}
