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
    /// Without a resourceVersion (or with "0") the stream starts with ADDED events for the current
    /// state; with one it replays changes after it, or sends a 410 `Expired` ERROR event when that
    /// revision is compacted. Selectors apply to events (objects leaving the selection are DELETED).
    func watch(_ request: APIRequest, info: ResourceInfo, namespace: String?, options: ListOptions)
        async throws(APIError) -> APIResponse
    {
        let asTable = TableConvertor.wantsTable(request.header("Accept"))
        let include = TableConvertor.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata
        var initial: [JSONValue] = []
        var start: Int64
        let rv = options.resourceVersion ?? ""
        if rv.isEmpty || rv == "0" {
            var listOptions = options
            listOptions.limit = nil
            listOptions.continueToken = nil
            listOptions.resourceVersion = nil
            let page = try await registry.list(info, namespace: namespace, options: listOptions)
            initial = page.items
            start = page.revision
        } else {
            guard let parsed = Int64(rv), parsed >= 0 else { throw APIError.badRequest("invalid resource version: \(rv)") }
            start = parsed
        }
        let now = clock
        let encryption = registry.encryption
        let printerColumns = served.custom(info)?.printerColumns
        let encode: @Sendable (String, JSONValue) -> [UInt8] = { type, object in
            var payload = object
            if asTable && type != "ERROR" && type != "BOOKMARK" {
                let meta: JSONValue = ["resourceVersion": object.value(at: ["metadata", "resourceVersion"]) ?? ""]
                payload = TableConvertor.table(for: info, objects: [object], listMeta: meta, include: include, now: now(),
                                               printerColumns: printerColumns)
            }
            let line: JSONValue = ["type": .string(type), "object": payload]
            return line.serializedBytes() + [UInt8(ascii: "\n")]
        }

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
        let (output, outputContinuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
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
                for object in initial { outputContinuation.yield(encode("ADDED", object)) }
                var lastRevision = start
                loop: for await input in inputs {
                    switch input {
                    case .timeout, .storeClosed:
                        break loop
                    case .bookmark:
                        let bookmark: JSONValue = ["kind": .string(kind), "apiVersion": .string(groupVersion),
                                                   "metadata": ["resourceVersion": .string(String(lastRevision))]]
                        outputContinuation.yield(encode("BOOKMARK", bookmark))
                    case .event(let event):
                        lastRevision = event.revision
                        guard let (type, object) = APIHandler.watchEvent(event, options: options, info: info,
                                                                         encryption: encryption) else {
                            continue
                        }
                        outputContinuation.yield(encode(type, object))
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
        let matchesNow = options.matches(object)
        let previous = event.previous.flatMap { try? Registry.decodeStored($0, as: info, encryption: encryption) }
        let matchedBefore = previous.map(options.matches) ?? false
        switch event.kind {
        case .delete:
            return matchesNow ? ("DELETED", object) : nil
        case .put:
            switch (matchedBefore, matchesNow) {
            case (false, true): return ("ADDED", object)
            case (true, true): return ("MODIFIED", object)
            case (true, false): return ("DELETED", object)
            case (false, false): return nil
            }
        }
    }
}
