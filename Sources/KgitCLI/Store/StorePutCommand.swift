import ArgumentParser
import Foundation
import KgitStore

/// `kgit store put KEY [VALUE] [--lease ID]`.
struct StorePutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Write a key; prints the new revision.",
        discussion: """
            Reads the value from standard input when VALUE is omitted or '-'.

            Examples:
              kgit store put --data-dir ./data /config/app 'replicas: 3'
              kgit store put --data-dir ./data /config/app - < app.yaml
              kgit store put --data-dir ./data /locks/leader me --lease 7587869471066914561
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The key.")
    var key: String

    @Argument(help: "The value; '-' or omitted reads standard input.")
    var value: String?

    @Option(help: "Attach the key to this lease (it is deleted when the lease ends).")
    var lease: Int64 = 0

    @Flag(help: "Print the previous version too.")
    var prevKV = false

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: StoreOutputFormat = .table

    func validate() throws {
        if key.isEmpty { throw ValidationError("the key must not be empty") }
    }

    func run() async throws {
        let bytes: [UInt8] =
            if let value, value != "-" { Array(value.utf8) } else { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        try await exitingOnStoreError {
            try await store.run { store in
                let r = try await store.put(PutRequest(key: Array(key.utf8), value: bytes, lease: lease, prevKV: prevKV))
                var fields: [(String, StoreOutput)] = [("revision", .int(r.revision))]
                if let prev = r.prevKV { fields.append(("prevKV", StoreOutput.kv(prev))) }
                switch output {
                case .json: emit(StoreOutput.object(fields).json())
                case .yaml: emit(StoreOutput.object(fields).yaml())
                case .table, .value:
                    emit("OK revision \(r.revision)")
                    if let prev = r.prevKV { emit("previous: \(prev.valueString) (revision \(prev.modRevision))") }
                }
            }
        }
    }
}
