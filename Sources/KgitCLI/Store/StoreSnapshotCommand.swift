import ArgumentParser
import Foundation
import KgitStore

/// `kgit store snapshot save FILE` / `kgit store snapshot restore FILE`.
struct StoreSnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Back up a running store to a file, or restore a store from one.",
        discussion: """
            Examples:
              kgit store snapshot save --data-dir ./data backup.db
              kgit store snapshot restore --data-dir ./restored backup.db
              kgit store snapshot save --etcd-endpoints http://127.0.0.1:2379 etcd.snap
              etcdctl snapshot status etcd.snap        # an etcd snapshot is etcd's own file
            """,
        subcommands: [Save.self, Restore.self])

    /// `snapshot save FILE`.
    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the store to FILE while it keeps serving.",
            discussion: """
                Embedded stores are copied with SQLite's online backup; the file is itself a store database \
                (restore it with `kgit store snapshot restore`). For etcd, this saves etcd's maintenance \
                snapshot (a bbolt file): restore that one with `etcdctl snapshot restore FILE`.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: "The file to create (must not exist).")
        var file: String

        func run() async throws {
            try await exitingOnStoreError {
                if FileManager.default.fileExists(atPath: file) {
                    throw StoreCommandError.usage("\(file) already exists; choose a new file")
                }
                try await store.run { store in
                    if let sqlite = store as? SQLiteStore {
                        try await sqlite.snapshot(to: file)
                    } else if let etcd = store as? EtcdStore {
                        let bytes = try await etcd.snapshot()
                        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
                            throw StoreError.storage("cannot write \(file)")
                        }
                    }
                    let status = try await store.status()
                    emit("saved snapshot at revision \(status.revision) to \(file)")
                }
            }
        }
    }

    /// `snapshot restore FILE --data-dir DIR`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an embedded store in --data-dir from a snapshot FILE.",
            discussion: """
                DIR must not already hold a store. The restored store continues from the snapshot's \
                revision. etcd snapshots are restored with `etcdctl snapshot restore`, not here.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: "A file written by `kgit store snapshot save`.")
        var file: String

        func run() async throws {
            try await exitingOnStoreError {
                if store.etcd.endpoints != nil {
                    throw StoreCommandError.usage(
                        "restore an etcd snapshot with `etcdctl snapshot restore \(file)`, then start etcd on it")
                }
                guard let dir = store.dataDir ?? ProcessInfo.processInfo.environment["KGIT_DATA_DIR"] else {
                    throw StoreCommandError.usage("say where to restore: --data-dir DIR")
                }
                let fm = FileManager.default
                guard fm.fileExists(atPath: file) else { throw StoreCommandError(message: "\(file) does not exist", code: 2) }
                if fm.fileExists(atPath: dir + "/store.db") {
                    throw StoreCommandError.usage("\(dir) already holds a store; restore into an empty directory")
                }
                do {
                    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    try fm.copyItem(atPath: file, toPath: dir + "/store.db")
                } catch {
                    throw StoreCommandError(message: "kgit store: restoring into \(dir): \(error)", code: 2)
                }
                try await store.run { store in
                    guard let sqlite = store as? SQLiteStore else { return }
                    let check = try sqlite.integrityCheck()
                    if check != "ok" { throw StoreError.storage("restored database is damaged: \(check)") }
                    let status = try await store.status()
                    emit("restored \(dir) at revision \(status.revision)")
                }
            }
        }
    }
}
