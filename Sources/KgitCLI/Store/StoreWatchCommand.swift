import ArgumentParser
import KgitStore

/// `kgit store watch KEY [--prefix] [--rev N] [--count N]`.
struct StoreWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print changes to a key or prefix as they happen (or from a past revision).",
        discussion: """
            Runs until interrupted, or until --count events were printed. With -o json, prints one JSON \
            object per event per line (NDJSON). Exits 3 when --rev is below the compaction point.

            Examples:
              kgit store watch --data-dir ./data /config/ --prefix
              kgit store watch --data-dir ./data /config/app --rev 1 --count 10 -o json
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The key (or prefix with --prefix).")
    var key: String

    @Flag(help: "Watch every key starting with KEY.")
    var prefix = false

    @Option(help: "Start from this revision (0: changes after now).")
    var rev: Int64 = 0

    @Flag(help: "Include each event's previous value.")
    var prevKV = false

    @Option(help: "Exit after this many events (0: run until interrupted).")
    var count: Int = 0

    @Option(name: .shortAndLong, help: "Output format: table (one line per event) or json (NDJSON).")
    var output: StoreOutputFormat = .table

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                let stream = try await store.watch(
                    WatchRequest(prefix ? .prefix(key) : .key(key), startRevision: rev, prevKV: prevKV))
                var seen = 0
                for try await batch in stream {
                    for event in batch.events {
                        switch output {
                        case .json, .yaml: emit(StoreOutput.event(event).json(pretty: false))
                        case .value: emit(event.kv.valueString)
                        case .table:
                            let value = event.kind == .put ? " " + event.kv.valueString : ""
                            emit("\(event.kind.rawValue) \(event.kv.keyString)\(value) (revision \(event.kv.modRevision))")
                        }
                        seen += 1
                        if count > 0 && seen >= count { return }
                    }
                }
            }
        }
    }
}
