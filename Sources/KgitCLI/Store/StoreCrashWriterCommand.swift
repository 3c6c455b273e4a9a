import ArgumentParser
import Foundation
import KgitStore

/// `kgit store crash-writer` (hidden): writes keys as fast as it can and prints each acknowledged one, for the
/// crash-safety tests that SIGKILL it at random moments.
///
/// Output: one line per acknowledged write, `ack KEY REVISION`, flushed before the next write is counted, so
/// every printed line is a write the store promised to keep.
struct StoreCrashWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-writer",
        abstract: "Write numbered keys forever, printing each acknowledged write (for crash tests).",
        shouldDisplay: false)

    @OptionGroup var store: StoreOptions

    @Option(help: "Key prefix; keys are PREFIX/WRITER/N.")
    var prefix: String = "crash"

    @Option(help: "Concurrent writers.")
    var writers: Int = 8

    @Option(help: "Stop after this many writes per writer (0: forever).")
    var limit: Int = 0

    func run() async throws {
        try await exitingOnStoreError {
            try await store.run { store in
                emit("ready")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for w in 0..<writers {
                        group.addTask {
                            var n = 0
                            while limit == 0 || n < limit {
                                let key = "\(prefix)/\(w)/\(n)"
                                do {
                                    let rev = try await store.put(key, "value-\(key)")
                                    emit("ack \(key) \(rev)")
                                    n += 1
                                } catch StoreError.unavailable {
                                    try await Task.sleep(for: .milliseconds(50))
                                    n += 1  // the outcome is unknown: never reuse the key
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }
}
