import ArgumentParser
import KgitStore

/// `kgit store lease grant|revoke|ttl|keep-alive`.
struct StoreLeaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Grant, renew, inspect and revoke leases (keys put with --lease die with them).",
        discussion: """
            Examples:
              id=$(kgit store lease grant --data-dir ./data 30 -o value)
              kgit store put --data-dir ./data /locks/leader me --lease "$id"
              kgit store lease keep-alive --data-dir ./data "$id" --once
              kgit store lease ttl --data-dir ./data "$id" --keys
              kgit store lease revoke --data-dir ./data "$id"

            A lease that does not exist (never granted, expired or revoked) exits 3.
            """,
        subcommands: [Grant.self, Revoke.self, TimeToLive.self, KeepAlive.self])

    /// `lease grant TTL`.
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a lease of TTL seconds; prints its ID.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "Time to live in seconds.")
        var ttl: Int64

        @Option(help: "Ask for this lease ID (0: let the store choose).")
        var id: Int64 = 0

        @Option(name: .shortAndLong, help: "Output format: table, json, yaml or value (the ID only).")
        var output: StoreOutputFormat = .table

        func validate() throws {
            if ttl < 1 { throw ValidationError("TTL must be at least 1 second") }
        }

        func run() async throws {
            try await exitingOnStoreError {
                try await store.run { store in
                    let lease = try await store.grantLease(ttl: ttl, id: id)
                    let doc = StoreOutput.object([("id", .int(lease.id)), ("ttl", .int(lease.ttl))])
                    switch output {
                    case .json: emit(doc.json())
                    case .yaml: emit(doc.yaml())
                    case .value: emit(String(lease.id))
                    case .table: emit("lease \(lease.id) granted with TTL \(lease.ttl)s")
                    }
                }
            }
        }
    }

    /// `lease revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a lease, deleting its keys.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The lease ID.")
        var id: Int64

        func run() async throws {
            try await exitingOnStoreError {
                try await store.run { store in
                    try await store.revokeLease(id)
                    emit("lease \(id) revoked")
                }
            }
        }
    }

    /// `lease ttl ID`.
    struct TimeToLive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ttl", abstract: "Show a lease's remaining and granted TTL (and its keys).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The lease ID.")
        var id: Int64

        @Flag(help: "List the keys attached to the lease.")
        var keys = false

        @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
        var output: StoreOutputFormat = .table

        func run() async throws {
            try await exitingOnStoreError {
                try await store.run { store in
                    let t = try await store.leaseTimeToLive(id, keys: keys)
                    let doc = StoreOutput.object([
                        ("id", .int(t.id)), ("ttl", .int(t.ttl)), ("grantedTTL", .int(t.grantedTTL)),
                        ("keys", .array(t.keys.map { .string(String(decoding: $0, as: UTF8.self)) })),
                    ])
                    switch output {
                    case .json: emit(doc.json())
                    case .yaml: emit(doc.yaml())
                    case .table, .value:
                        emit("lease \(t.id): \(t.ttl)s left of \(t.grantedTTL)s")
                        for key in t.keys { emit("  " + String(decoding: key, as: UTF8.self)) }
                    }
                }
            }
        }
    }

    /// `lease keep-alive ID`.
    struct KeepAlive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keep-alive",
            abstract: "Renew a lease every third of its TTL until interrupted (or once with --once).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The lease ID.")
        var id: Int64

        @Flag(help: "Renew once and exit.")
        var once = false

        func run() async throws {
            try await exitingOnStoreError {
                try await store.run { store in
                    while true {
                        let ttl = try await store.keepAliveLease(id)
                        emit("lease \(id) renewed, TTL \(ttl)s")
                        if once { return }
                        try await Task.sleep(for: .milliseconds(max(ttl * 1000 / 3, 200)))
                    }
                }
            }
        }
    }
}
