import ArgumentParser
import KgitStore

/// `kgit store del KEY [--prefix]`.
struct StoreDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "del",
        abstract: "Delete a key or every key with a prefix; prints how many were deleted.",
        discussion: """
            Deleting a key that does not exist is not an error (it prints 0 and exits 0).

            Examples:
              kgit store del --data-dir ./data /config/app
              kgit store del --data-dir ./data /config/ --prefix
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The key (or prefix with --prefix).")
    var key: String

    @Flag(help: "Delete every key starting with KEY.")
    var prefix = false

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: StoreOutputFormat = .table

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                let r = try await store.deleteRange(DeleteRangeRequest(prefix ? .prefix(key) : .key(key)))
                let doc = StoreOutput.object([("deleted", .int(r.deleted)), ("revision", .int(r.revision))])
                switch output {
                case .json: emit(doc.json())
                case .yaml: emit(doc.yaml())
                case .table, .value: emit("deleted \(r.deleted) (revision \(r.revision))")
                }
            }
        }
    }
}
