import Foundation
import KgitAPIMachinery

/// An append-only file of store writes, so a ``MemoryStore`` survives restarts.
///
/// One JSON line per write: `{"r":rev,"c":createRev,"k":key,"v":base64}` for a put and
/// `{"r":rev,"k":key,"d":true}` for a delete; each line is written and fsynced before the write is
/// acknowledged. On open the file is replayed (a torn last line from a crash is ignored) and
/// rewritten as a snapshot of the live keys, so it does not grow without bound across restarts.
final class StoreJournal: @unchecked Sendable {
    // Used only from inside the owning MemoryStore actor.
    private let handle: FileHandle
    let url: URL

    /// A replayed key.
    struct Entry {
        var key: String
        var value: [UInt8]
        var createRevision: Int64
        var modRevision: Int64
    }

    /// The state recovered from the file.
    struct Recovered {
        var entries: [Entry]
        var revision: Int64
    }

    /// Replays `url` (if present), compacts it to a snapshot, and opens it for appending.
    static func open(_ url: URL) throws -> (StoreJournal, Recovered) {
        var live: [String: Entry] = [:]
        var revision: Int64 = 0
        if let data = FileManager.default.contents(atPath: url.path) {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let record = try? JSONParser.parse(Array(line)), let rev = record["r"]?.intValue,
                      let key = record["k"]?.stringValue
                else { continue }
                revision = max(revision, rev)
                if record["d"] != nil {
                    live[key] = nil
                } else if let encoded = record["v"]?.stringValue, let value = Data(base64Encoded: encoded) {
                    let create = record["c"]?.intValue ?? live[key]?.createRevision ?? rev
                    live[key] = Entry(key: key, value: Array(value), createRevision: create, modRevision: rev)
                }
                if let marker = record["rev"]?.intValue { revision = max(revision, marker) }
            }
        }
        // Rewrite as a snapshot: the live keys, then a marker carrying the revision.
        var snapshot = ""
        for entry in live.values.sorted(by: { $0.modRevision < $1.modRevision }) {
            snapshot += line(revision: entry.modRevision, create: entry.createRevision, key: entry.key, value: entry.value)
        }
        snapshot += JSONValue.object(["r": .int(revision), "k": "", "d": true, "rev": .int(revision)]).serialized() + "\n"
        try SecureFile.write(snapshot, to: url, mode: 0o600)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        let journal = StoreJournal(handle: handle, url: url)
        return (journal, Recovered(entries: Array(live.values), revision: revision))
    }

    private init(handle: FileHandle, url: URL) {
        self.handle = handle
        self.url = url
    }

    static func line(revision: Int64, create: Int64, key: String, value: [UInt8]) -> String {
        JSONValue.object(["r": .int(revision), "c": .int(create), "k": .string(key),
                          "v": .string(Data(value).base64EncodedString())]).serialized() + "\n"
    }

    /// Records a put durably.
    func put(revision: Int64, create: Int64, key: String, value: [UInt8]) throws {
        try append(StoreJournal.line(revision: revision, create: create, key: key, value: value))
    }

    /// Records a delete durably.
    func delete(revision: Int64, key: String) throws {
        try append(JSONValue.object(["r": .int(revision), "k": .string(key), "d": true]).serialized() + "\n")
    }

    private func append(_ line: String) throws {
        try handle.write(contentsOf: Data(line.utf8))
        try handle.synchronize()
    }

    deinit { try? handle.close() }
}
