import ArgumentParser
import KgitStore

/// `kgit store get KEY [--prefix] [--rev N] [--limit N] [-o FORMAT]`.
struct StoreGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Read a key, a prefix or a range, now or at a past revision.",
        discussion: """
            Exits 1 when a single KEY does not exist (a prefix or range that matches nothing exits 0).

            Examples:
              kgit store get --data-dir ./data /config/app
              kgit store get --data-dir ./data /config/ --prefix --keys-only
              kgit store get --data-dir ./data /config/app --rev 12 -o json
              kgit store get --data-dir ./data /config/app -o value   # value only
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The key (or the start of the range).")
    var key: String

    @Argument(help: "Range end (exclusive); omit for one key.")
    var rangeEnd: String?

    @Flag(help: "Read every key starting with KEY.")
    var prefix = false

    @Option(help: "Read at this revision (0: the current one).")
    var rev: Int64 = 0

    @Option(help: "Return at most this many keys (0: no limit).")
    var limit: Int64 = 0

    @Flag(help: "Print keys and metadata without values.")
    var keysOnly = false

    @Flag(help: "Print only how many keys match.")
    var countOnly = false

    @Option(name: .shortAndLong, help: "Output format: table, json, yaml or value.")
    var output: StoreOutputFormat = .table

    func validate() throws {
        if prefix && rangeEnd != nil { throw ValidationError("--prefix and a range end cannot be combined") }
        if rev < 0 || limit < 0 { throw ValidationError("--rev and --limit must not be negative") }
    }

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                let range: KeyRange =
                    prefix ? .prefix(key) : rangeEnd.map { .range(from: Array(key.utf8), to: Array($0.utf8)) } ?? .key(key)
                let r = try await store.range(
                    RangeRequest(range, revision: rev, limit: limit, keysOnly: keysOnly, countOnly: countOnly))
                switch output {
                case .json, .yaml:
                    let doc = StoreOutput.object([
                        ("revision", .int(r.revision)), ("count", .int(r.count)), ("more", .bool(r.more)),
                        ("kvs", .array(r.kvs.map(StoreOutput.kv))),
                    ])
                    emit(output == .json ? doc.json() : doc.yaml())
                case .value:
                    for kv in r.kvs { emit(kv.valueString) }
                case .table:
                    if countOnly {
                        emit(String(r.count))
                    } else if !r.kvs.isEmpty {
                        let rows = r.kvs.map {
                            [$0.keyString, keysOnly ? "" : $0.valueString, String($0.modRevision), String($0.version),
                             $0.lease == 0 ? "-" : String($0.lease)]
                        }
                        emit(renderTable(["KEY", "VALUE", "MOD-REV", "VERSION", "LEASE"], rows))
                        if r.more { emit("(\(r.count - Int64(r.kvs.count)) more; raise --limit)") }
                    }
                }
                if range.isSingleKey && r.kvs.isEmpty && !countOnly { throw StoreCommandError.notFound(key) }
            }
        }
    }
}
