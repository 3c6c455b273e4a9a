import Synchronization

/// The bytes reads serve for stored objects, by storage key and modRevision, so lists copy them
/// instead of scanning and splicing each object again (``StoredJSON``).
///
/// The registry fills it as it writes (an object's served form is made from the bytes it just stored
/// and the revision the store gave them), so even the first list after the writes finds its objects
/// ready; lists fill in what they had to splice themselves (objects written before the server started,
/// or by another server). Deletes through the registry drop their key.
///
/// A key's modRevision names one write, so an entry is either exactly right or not used: a list
/// that reads a newer revision of the key splices it again and replaces the entry. An entry is never
/// replaced by an older revision served in the same apiVersion (a list at an old revision racing a
/// write). Sealed values (secrets) are never cached, so no plaintext outlives the request that
/// decrypted it. The cache holds at most `capacity` bytes of objects; when a new entry would exceed
/// that, it starts over empty (lists of more than `capacity` bytes then cost what they cost without it).
final class ServedBytesCache: Sendable {
    private struct Entry {
        var revision: Int64
        var groupVersion: [UInt8]?
        var bytes: [UInt8]
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var total = 0
    }

    /// The most bytes of objects held.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 64 << 20) {
        self.capacity = capacity
    }

    /// Objects looked up or inserted under one taking of the lock: a list takes it once per this many
    /// objects rather than once per object, and a write (which inserts one object) waits behind at most
    /// this many lookups of a large list, not all of them (10,000 pods: ~5 ms).
    static let batch = 256

    /// The cached bytes of each of `values` served as `groupVersion` (nil where there are none), looked
    /// up under one lock per ``batch`` objects. The arrays are shared with the cache, not copied.
    func lookup(_ values: [StoredValue], groupVersion: [UInt8]?) -> [[UInt8]?] {
        var found: [[UInt8]?] = []
        found.reserveCapacity(values.count)
        var start = values.startIndex
        while start < values.endIndex {
            let end = min(start + ServedBytesCache.batch, values.endIndex)
            state.withLock { state in
                for value in values[start..<end] {
                    if let entry = state.entries[value.key], entry.revision == value.modRevision,
                       entry.groupVersion == groupVersion
                    {
                        found.append(entry.bytes)
                    } else {
                        found.append(nil)
                    }
                }
            }
            start = end
        }
        return found
    }

    /// Remembers the bytes served for each of `items` (key and modRevision) as `groupVersion`, under one lock
    /// per ``batch`` items. Items larger than the capacity are not kept, nor items older than the entry held for
    /// their key in the same `groupVersion`; when an item would take the cache past its capacity, the cache
    /// starts over empty.
    func insert(_ items: [(key: String, revision: Int64, bytes: [UInt8])], groupVersion: [UInt8]?) {
        var start = items.startIndex
        while start < items.endIndex {
            let end = min(start + ServedBytesCache.batch, items.endIndex)
            insert(items[start..<end], groupVersion: groupVersion)
            start = end
        }
    }

    private func insert(_ items: ArraySlice<(key: String, revision: Int64, bytes: [UInt8])>, groupVersion: [UInt8]?) {
        state.withLock { state in
            for item in items where item.bytes.count <= capacity {
                if let old = state.entries[item.key] {
                    if old.revision > item.revision && old.groupVersion == groupVersion { continue }
                    state.total -= old.bytes.count
                }
                if state.total + item.bytes.count > capacity {
                    state.entries.removeAll(keepingCapacity: true)
                    state.total = 0
                }
                state.entries[item.key] = Entry(revision: item.revision, groupVersion: groupVersion, bytes: item.bytes)
                state.total += item.bytes.count
            }
        }
    }

    /// Drops what is held for `key` (its object was deleted).
    func remove(_ key: String) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.total -= old.bytes.count }
        }
    }

    /// How many objects and bytes are held (for tests).
    var usage: (count: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.total) } }
}
