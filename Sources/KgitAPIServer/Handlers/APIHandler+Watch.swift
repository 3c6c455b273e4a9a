import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// What drives a watch stream: a store event, a bookmark tick, or the end of the timeout.
    enum WatchInput: Sendable {
        case event(StoreEvent)
        case bookmark
        case timeout
        case storeClosed
    }

    /// GET ...?watch=true: a chunked stream of `{"type":…,"object":…}` lines.
    ///
    /// Served from the resource's ``WatchCache``: without a resourceVersion (or with "0") the stream
    /// starts with ADDED events for the cache's current objects; with one inside the cache's window it
    /// replays the changes after it. A resourceVersion older than the window is served from the store's
    /// history, or gets a 410 `Expired` ERROR event when that is compacted. Selectors apply to events
    /// (objects leaving the selection are DELETED).
    func watch(_ request: APIRequest, info: ResourceInfo, namespace: String?, options: ListOptions)
        async throws(APIError) -> APIResponse
    {
        let asTable = TableConvertor.wantsTable(request.header("Accept"))
        let include = TableConvertor.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata
        let rv = options.resourceVersion ?? ""
        let start: WatchCache.Start
        if rv.isEmpty || rv == "0" {
            start = .current
        } else {
            guard let parsed = Int64(rv), parsed >= 0 else { throw APIError.badRequest("invalid resource version: \(rv)") }
            start = .after(parsed)
        }
        let encode = watchEncoder(info: info, asTable: asTable, include: include)
        let timeout: Duration = options.timeoutSeconds.map { .seconds($0) } ?? defaultWatchTimeout
        let bookmarks = options.allowWatchBookmarks
        let bookmarkInterval = self.bookmarkInterval
        if watchCaches.capacity == 0 {
            // The cache is off: this watch gets its own store watch.
            return try await watchFromStore(info: info, namespace: namespace, options: options, start: start,
                                            encode: encode)
        }
        let cache = watchCaches.cache(for: info)
        let id = WatchCache.nextID()
        let (output, outputContinuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(watchBuffer))
        let timers = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: timeout) }
                if bookmarks {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: bookmarkInterval)
                            if Task.isCancelled { break }
                            await cache.bookmark(id)
                        }
                    }
                }
                _ = await group.next()
                group.cancelAll()
            }
            outputContinuation.finish()
        }
        outputContinuation.onTermination = { _ in
            timers.cancel()
            Task { await cache.unsubscribe(id) }
        }
        let watcher = WatchCache.Watcher(keyPrefix: info.listPrefix(namespace: namespace), options: options,
                                         sharesLines: !asTable, encode: encode, kind: info.kind,
                                         apiVersion: info.groupVersion, output: outputContinuation)
        if await cache.subscribe(id, watcher, from: start) {
            return APIResponse(status: 200, headers: [("Content-Type", "application/json")], body: .stream(output))
        }
        outputContinuation.finish()
        return try await watchFromStore(info: info, namespace: namespace, options: options, start: start,
                                        encode: encode)
    }

    /// Encodes one watch event as the client asked: a JSON line, or (kubectl get -w) a one-row Table.
    func watchEncoder(info: ResourceInfo, asTable: Bool, include: TableConvertor.IncludeObject)
        -> @Sendable (String, JSONValue) -> [UInt8]
    {
        let now = clock
        let printerColumns = served.custom(info)?.printerColumns
        return { type, object in
            var payload = object
            if asTable && type != "ERROR" && type != "BOOKMARK" {
                let meta: JSONValue = ["resourceVersion": object.value(at: ["metadata", "resourceVersion"]) ?? ""]
                payload = TableConvertor.table(for: info, objects: [object], listMeta: meta, include: include, now: now(),
                                               printerColumns: printerColumns)
            }
            let line: JSONValue = ["type": .string(type), "object": payload]
            return line.serializedBytes() + [UInt8(ascii: "\n")]
        }
    }

    /// A watch served by its own store watch from `start`: for resourceVersions older than the watch
    /// cache's window (the store may still have them, or answers 410 Expired).
    func watchFromStore(info: ResourceInfo, namespace: String?, options: ListOptions, start from: WatchCache.Start,
                        encode: @escaping @Sendable (String, JSONValue) -> [UInt8])
        async throws(APIError) -> APIResponse
    {
        var initial: [JSONValue] = []
        let start: Int64
        switch from {
        case .after(let revision):
            start = revision
        case .current:
            var listOptions = options
            listOptions.limit = nil
            listOptions.continueToken = nil
            listOptions.resourceVersion = nil
            let page = try await registry.list(info, namespace: namespace, options: listOptions)
            initial = page.items
            start = page.revision
        }
        let initialObjects = initial
        let encryption = registry.encryption
        let events: AsyncStream<StoreEvent>
        do {
            events = try await registry.store.watch(prefix: info.listPrefix(namespace: namespace), after: start)
        } catch {
            let status: APIError
            if case .compacted(let oldest) = error {
                status = .expired("too old resource version: \(start) (\(oldest))")
            } else {
                status = Registry.apiError(error, info: info, name: "")
            }
            return APIResponse(status: 200, headers: [("Content-Type", "application/json")],
                               body: .bytes(encode("ERROR", status.status)))
        }

        let timeout: Duration = options.timeoutSeconds.map { .seconds($0) } ?? defaultWatchTimeout
        let bookmarks = options.allowWatchBookmarks
        let bookmarkInterval = self.bookmarkInterval
        let (inputs, inputContinuation) = AsyncStream<WatchInput>.makeStream()
        let (output, outputContinuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(watchBuffer))
        let kind = info.kind, groupVersion = info.groupVersion

        let producer = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events { inputContinuation.yield(.event(event)) }
                    inputContinuation.yield(.storeClosed)
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    inputContinuation.yield(.timeout)
                }
                if bookmarks {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: bookmarkInterval)
                            inputContinuation.yield(.bookmark)
                        }
                    }
                }
                for object in initialObjects {
                    if case .dropped = outputContinuation.yield(encode("ADDED", object)) { break }
                }
                // A client too slow to take what the store sends is ended (it re-watches), never buffered
                // without bound.
                func send(_ bytes: [UInt8]) -> Bool {
                    if case .dropped = outputContinuation.yield(bytes) { return false }
                    return true
                }
                var lastRevision = start
                loop: for await input in inputs {
                    switch input {
                    case .timeout, .storeClosed:
                        break loop
                    case .bookmark:
                        let bookmark: JSONValue = ["kind": .string(kind), "apiVersion": .string(groupVersion),
                                                   "metadata": ["resourceVersion": .string(String(lastRevision))]]
                        if !send(encode("BOOKMARK", bookmark)) { break loop }
                    case .event(let event):
                        lastRevision = event.revision
                        guard let (type, object) = APIHandler.watchEvent(event, options: options, info: info,
                                                                         encryption: encryption) else {
                            continue
                        }
                        if !send(encode(type, object)) { break loop }
                    }
                }
                group.cancelAll()
            }
            outputContinuation.finish()
        }
        outputContinuation.onTermination = { _ in
            producer.cancel()
            inputContinuation.finish()
        }
        return APIResponse(status: 200, headers: [("Content-Type", "application/json")], body: .stream(output))
    }

    /// The watch event type and object for a store event, after selectors; nil when filtered out.
    static func watchEvent(_ event: StoreEvent, options: ListOptions, info: ResourceInfo? = nil,
                           encryption: EncryptionAtRest? = nil) -> (String, JSONValue)? {
        guard let object = try? Registry.decodeStored(event.value, as: info, encryption: encryption) else { return nil }
        let previous = event.previous.flatMap { try? Registry.decodeStored($0, as: info, encryption: encryption) }
        guard let type = selectedType(isDelete: event.kind == .delete, object: object, previous: previous,
                                      options: options) else { return nil }
        return (type, object)
    }

    /// The watch event type of a change for a watcher with `options`, or nil when the change is outside
    /// its selection: an object entering the selection is ADDED, one leaving it DELETED.
    static func selectedType(isDelete: Bool, object: JSONValue, previous: JSONValue?, options: ListOptions) -> String? {
        let matchesNow = options.matches(object)
        if isDelete { return matchesNow ? "DELETED" : nil }
        let matchedBefore = previous.map(options.matches) ?? false
        switch (matchedBefore, matchesNow) {
        case (false, true): return "ADDED"
        case (true, true): return "MODIFIED"
        case (true, false): return "DELETED"
        case (false, false): return nil
        }
    }
}
