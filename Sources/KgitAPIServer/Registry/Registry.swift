import Foundation
import KgitAPIMachinery

/// The generic registry: stores any resource as JSON under `/registry/<group>/<resource>/...` and
/// implements get, list, create, update, delete and watch with Kubernetes semantics.
///
/// The object's `metadata.resourceVersion` is never stored; it is the key's modRevision and is
/// filled in on every read. Errors are ``APIError``s ready to send.
struct Registry: Sendable {
    let store: any KeyValueStore
    let catalog: ResourceCatalog
    let clock: @Sendable () -> Date
    /// Encrypts the values of secrets at rest, when set.
    let encryption: EncryptionAtRest?
    /// The bytes served for objects lately, when the registry keeps them (the API handler's does).
    let servedBytes: ServedBytesCache?
    /// Admission's cached reads, told of every write that returns (the API handler's registry has one).
    let admissionReads: AdmissionReadCache?

    init(store: any KeyValueStore, catalog: ResourceCatalog, clock: @escaping @Sendable () -> Date = Date.init,
         encryption: EncryptionAtRest? = nil, servedBytes: ServedBytesCache? = nil,
         admissionReads: AdmissionReadCache? = nil) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.encryption = encryption
        self.servedBytes = servedBytes
        self.admissionReads = admissionReads
    }

    /// The bytes stored for an object of `info` (sealed when the resource is encrypted).
    func encode(_ object: JSONValue, info: ResourceInfo) throws(APIError) -> [UInt8] {
        let bytes = object.serializedBytes()
        guard let encryption, EncryptionAtRest.encrypts(info) else { return bytes }
        do {
            return try encryption.seal(bytes)
        } catch {
            throw APIError.internalError(error.description)
        }
    }

    /// Decodes a stored value of `info` (opening it when encrypted).
    func decode(_ value: StoredValue, as info: ResourceInfo) throws(APIError) -> JSONValue {
        try Registry.decodeStored(value, as: info, encryption: encryption)
    }

    // MARK: - Reads

    /// The object, with resourceVersion filled in; 404 when absent.
    func get(_ info: ResourceInfo, namespace: String?, name: String) async throws(APIError) -> JSONValue {
        guard let stored = try await read(info, namespace: namespace, name: name) else {
            throw APIError.notFound(resource: info.resource, group: info.group, name: name)
        }
        return stored.object
    }

    /// The object and its modRevision, or nil.
    func read(_ info: ResourceInfo, namespace: String?, name: String) async throws(APIError)
        -> (object: JSONValue, revision: Int64)?
    {
        let value: StoredValue?
        do {
            value = try await store.get(info.storageKey(namespace: namespace, name: name))
        } catch {
            throw Registry.apiError(error, info: info, name: name)
        }
        guard let value else { return nil }
        return (try decode(value, as: info), value.modRevision)
    }

    /// One page of a list, after selectors.
    struct ListResult {
        var items: [JSONValue]
        var revision: Int64
        var continueToken: String?
        var remaining: Int64?
    }

    /// One page of a list as stored, after selectors: what a JSON list response is made of without
    /// decoding the objects (``StoredJSON``).
    struct StoredPage {
        /// The matching values, in key order.
        var values: [StoredValue]
        /// The decoded objects of `values`, when the selectors needed them.
        var objects: [JSONValue]?
        var revision: Int64
        var continueToken: String?
    }

    /// Lists objects in `namespace` (nil: all) matching the options.
    func list(_ info: ResourceInfo, namespace: String?, options: ListOptions) async throws(APIError) -> ListResult {
        let page = try await listStored(info, namespace: namespace, options: options)
        var items = page.objects ?? []
        if page.objects == nil {
            items.reserveCapacity(page.values.count)
            for value in page.values { items.append(try decode(value, as: info)) }
        }
        return ListResult(items: items, revision: page.revision, continueToken: page.continueToken, remaining: nil)
    }

    /// Lists the stored values in `namespace` (nil: all) matching the options; values are decoded
    /// only when a selector needs to look at them.
    func listStored(_ info: ResourceInfo, namespace: String?, options: ListOptions) async throws(APIError) -> StoredPage {
        let prefix = info.listPrefix(namespace: namespace)
        var startAfter: String?
        var revision: Int64?
        if let token = options.continueToken {
            guard let decoded = ContinueToken.decode(token), decoded.key.hasPrefix(prefix) || decoded.key.isEmpty else {
                throw APIError.badRequest("continue key is not valid")
            }
            startAfter = decoded.key
            revision = decoded.revision
        } else if let rv = options.resourceVersion, rv != "0", !rv.isEmpty {
            // resourceVersionMatch=Exact or NotOlderThan: serve the latest when not older.
            guard let requested = Int64(rv) else {
                throw APIError.badRequest("invalid resource version: \(rv)")
            }
            let current = await store.currentRevision()
            if options.resourceVersionMatch == "Exact" {
                guard requested <= current else { throw APIError.badRequest("resource version \(rv) is in the future") }
                revision = requested
            } else if requested > current {
                throw APIError(reason: "Timeout", code: 504,
                               message: "Too large resource version: \(requested), current resource version: \(current)",
                               details: .init(retryAfterSeconds: 1))
            }
        }
        let selects = options.selects
        var values: [StoredValue] = []
        var objects: [JSONValue] = []
        var more = false
        var lastKey: String?
        var servedRevision: Int64 = 0
        let limit = options.limit.flatMap { $0 > 0 ? $0 : nil }
        pages: while true {
            let page: StoreListResult
            do {
                page = try await store.list(prefix: prefix, startAfter: startAfter,
                                            limit: limit.map { max($0 - values.count, 1) + 1 }, at: revision)
            } catch {
                if case .compacted = error {
                    throw APIError.expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
                }
                throw Registry.apiError(error, info: info, name: "")
            }
            servedRevision = page.revision
            revision = page.revision
            if values.isEmpty { values.reserveCapacity(page.items.count) }
            for value in page.items {
                if let limit, values.count >= limit {
                    more = true
                    break pages
                }
                startAfter = value.key
                if selects {
                    let object = try decode(value, as: info)
                    guard options.matches(object) else { continue }
                    objects.append(object)
                }
                values.append(value)
                lastKey = value.key
            }
            if !page.more { break }
        }
        var token: String?
        if more, let lastKey {
            token = ContinueToken(revision: servedRevision, key: lastKey).encoded()
        }
        return StoredPage(values: values, objects: selects ? objects : nil, revision: servedRevision,
                          continueToken: token)
    }

    /// Each of `values` as a read through `info` serves it (resourceVersion filled in, `info`'s apiVersion),
    /// one array per object: spliced into the stored bytes when they are in the registry's form, else
    /// decoded and encoded again. `groupVersion` is ``StoredJSON/quoted(_:)`` of `info.groupVersion` (nil for
    /// an unversioned `info`), passed in so a list quotes it once. Bytes served before for the same key and
    /// modRevision are shared from ``servedBytes`` rather than spliced again, and that cache is consulted and
    /// filled under one lock per ``ServedBytesCache/batch`` objects rather than one per object.
    func served(_ values: [StoredValue], as info: ResourceInfo, groupVersion: [UInt8]?) throws(APIError) -> [[UInt8]] {
        let cached = servedBytes?.lookup(values, groupVersion: groupVersion) ?? Array(repeating: nil, count: values.count)
        var parts: [[UInt8]] = []
        parts.reserveCapacity(values.count)
        var fresh: [(key: String, revision: Int64, bytes: [UInt8])] = []
        for (value, hit) in zip(values, cached) {
            if let hit {
                parts.append(hit)
                continue
            }
            var out: [UInt8] = []
            if !value.value.starts(with: Registry.sealedPrefix),
               StoredJSON.append(value.value, revision: value.modRevision, groupVersion: groupVersion, to: &out)
            {
                if servedBytes != nil { fresh.append((value.key, value.modRevision, out)) }
            } else {
                try decode(value, as: info).write(to: &out)
            }
            parts.append(out)
        }
        servedBytes?.insert(fresh, groupVersion: groupVersion)
        return parts
    }

    /// Puts the served form of `bytes`, just stored under `key` at `revision`, into ``servedBytes``, so that
    /// lists (the first one too) copy it instead of splicing it (the same splice a list would make, made
    /// once per write). Sealed values and bytes not in the registry's form are left to the lists.
    func remember(_ bytes: [UInt8], key: String, revision: Int64, info: ResourceInfo) {
        guard let servedBytes, !bytes.starts(with: Registry.sealedPrefix) else { return }
        let groupVersion = Registry.servedGroupVersion(info)
        var out: [UInt8] = []
        guard StoredJSON.append(bytes, revision: revision, groupVersion: groupVersion, to: &out) else { return }
        servedBytes.insert([(key: key, revision: revision, bytes: out)], groupVersion: groupVersion)
    }

    /// The quoted apiVersion ``served(_:as:groupVersion:)`` writes for `info`.
    static func servedGroupVersion(_ info: ResourceInfo) -> [UInt8]? {
        info.version.isEmpty ? nil : StoredJSON.quoted(info.groupVersion)
    }

    /// How sealed (encrypted) values start.
    static let sealedPrefix = Array("k8s:enc:".utf8)

    // MARK: - Writes

    /// Stores a new object prepared by the caller; returns it with resourceVersion.
    /// With `dryRun`, validates and returns without storing.
    func create(_ info: ResourceInfo, object: JSONValue, dryRun: Bool) async throws(APIError) -> JSONValue {
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        let namespace = object.value(at: ["metadata", "namespace"])?.stringValue
        let key = info.storageKey(namespace: namespace, name: name)
        var stored = object
        stored.setValue(nil, at: ["metadata", "resourceVersion"])
        if dryRun {
            if try await read(info, namespace: namespace, name: name) != nil {
                throw APIError.alreadyExists(resource: info.resource, group: info.group, name: name)
            }
            return object
        }
        let bytes = try encode(stored, info: info)
        // Told even when the store fails: a write that timed out may still have happened.
        defer { admissionReads?.wrote(info) }
        do {
            let revision = try await store.create(key, value: bytes)
            remember(bytes, key: key, revision: revision, info: info)
            stored.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
            return stored
        } catch {
            throw Registry.apiError(error, info: info, name: name)
        }
    }

    /// Replaces an object if its stored modRevision is `expectedRevision`.
    func update(_ info: ResourceInfo, object: JSONValue, expectedRevision: Int64, dryRun: Bool) async throws(APIError)
        -> JSONValue
    {
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        let namespace = object.value(at: ["metadata", "namespace"])?.stringValue
        var stored = object
        stored.setValue(nil, at: ["metadata", "resourceVersion"])
        if dryRun {
            var result = stored
            result.setValue(.string(String(expectedRevision)), at: ["metadata", "resourceVersion"])
            return result
        }
        let bytes = try encode(stored, info: info)
        defer { admissionReads?.wrote(info) }
        let key = info.storageKey(namespace: namespace, name: name)
        do {
            let revision = try await store.update(key, value: bytes, expectedRevision: expectedRevision)
            remember(bytes, key: key, revision: revision, info: info)
            stored.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
            return stored
        } catch {
            throw Registry.apiError(error, info: info, name: name)
        }
    }

    /// Deletes an object if its modRevision is `expectedRevision` (nil: any); returns its last state.
    func delete(_ info: ResourceInfo, namespace: String?, name: String, expectedRevision: Int64?, dryRun: Bool)
        async throws(APIError) -> JSONValue
    {
        if dryRun { return try await get(info, namespace: namespace, name: name) }
        let key = info.storageKey(namespace: namespace, name: name)
        // Both told even when the store fails: a delete that timed out may still have happened.
        defer {
            admissionReads?.wrote(info)
            servedBytes?.remove(key)
        }
        let value: StoredValue
        do {
            (value, _) = try await store.delete(key, expectedRevision: expectedRevision)
        } catch {
            throw Registry.apiError(error, info: info, name: name)
        }
        return try decode(value, as: info)
    }

    // MARK: - Encoding

    /// Decodes a stored value and fills in its resourceVersion; read through `info`, the object
    /// speaks `info`'s version (versions of one type share storage and convert with no changes,
    /// upstream's `None` conversion strategy).
    static func decodeStored(_ value: StoredValue, as info: ResourceInfo? = nil, encryption: EncryptionAtRest? = nil)
        throws(APIError) -> JSONValue
    {
        var bytes = value.value
        if bytes.starts(with: Registry.sealedPrefix) {
            guard let encryption else {
                throw APIError.internalError("stored object \(value.key) is encrypted and no key is configured")
            }
            do {
                bytes = try encryption.open(bytes)
            } catch {
                throw APIError.internalError("stored object \(value.key): \(error.description)")
            }
        }
        guard var object = try? JSONParser.parse(bytes) else {
            throw APIError.internalError("stored object \(value.key) is not valid JSON")
        }
        object.setValue(.string(String(value.modRevision)), at: ["metadata", "resourceVersion"])
        if let info, !info.version.isEmpty, object["apiVersion"]?.stringValue != info.groupVersion {
            object["apiVersion"] = .string(info.groupVersion)
        }
        return object
    }

    /// Maps a store error to the API error clients expect.
    static func apiError(_ error: StoreError, info: ResourceInfo, name: String) -> APIError {
        switch error {
        case .notFound: return .notFound(resource: info.resource, group: info.group, name: name)
        case .alreadyExists: return .alreadyExists(resource: info.resource, group: info.group, name: name)
        case .conflict:
            return .conflict(resource: info.resource, group: info.group, name: name,
                             message: "the object has been modified; please apply your changes to the latest version and try again")
        case .compacted(let oldest):
            return .expired("too old resource version (oldest available: \(oldest))")
        case .backend(let message): return .internalError(message)
        }
    }
}
