import ArgumentParser
import KgitStore

/// `kgit store compact REVISION`.
struct StoreCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Discard history before a revision (reads and watches below it then fail).",
        discussion: """
            Give a revision, or --keep N to keep the last N revisions. Exits 3 when the revision is \
            already compacted or in the future.

            Examples:
              kgit store compact --data-dir ./data 1200
              kgit store compact --data-dir ./data --keep 1000
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Compact everything before this revision.")
    var revision: Int64?

    @Option(help: "Instead of a revision: keep this many of the newest revisions.")
    var keep: Int64?

    func validate() throws {
        if (revision == nil) == (keep == nil) { throw ValidationError("give either REVISION or --keep N") }
    }

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                var target = revision ?? 0
                if let keep { target = try await store.status().revision - keep }
                if target < 1 { throw StoreCommandError(message: "nothing to compact", code: 3) }
                try await store.compact(target)
                emit("compacted at revision \(target)")
            }
        }
    }
}
