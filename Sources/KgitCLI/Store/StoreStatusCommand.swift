import ArgumentParser
import KgitStore

/// `kgit store status`.
struct StoreStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the backend, current revision, compaction point and size.",
        discussion: """
            Exits 4 when the store cannot be reached, so it doubles as a health check.

            Examples:
              kgit store status --data-dir ./data
              kgit store status --etcd-endpoints http://127.0.0.1:2379 -o json
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: StoreOutputFormat = .table

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                let s = try await store.status()
                let doc = StoreOutput.object([
                    ("backend", .string(s.backend)), ("revision", .int(s.revision)),
                    ("compactRevision", .int(s.compactRevision)), ("dbSize", .int(s.dbSize)),
                    ("version", .string(s.version)),
                ])
                switch output {
                case .json: emit(doc.json())
                case .yaml: emit(doc.yaml())
                case .table, .value:
                    emit(
                        renderTable(
                            ["BACKEND", "REVISION", "COMPACTED", "DB-SIZE", "VERSION"],
                            [[s.backend, String(s.revision), String(s.compactRevision), String(s.dbSize), s.version]]))
                }
            }
        }
    }
}
