import KgitAPIMachinery
import Synchronization

/// Access to any kind the server serves, with objects as `JSONValue`: discovery, get, list, create, update,
/// delete, patch (merge, JSON, strategic, server-side apply) and watch.
///
/// ```swift
/// let client = try DynamicClient(kubeconfig: nil, context: nil)
/// let applied = try await client.apply(deployment, fieldManager: "kgit")
/// for try await event in try await client.watch(apiVersion: "v1", kind: "Pod", namespace: "shop") { ... }
/// ```
///
/// Kinds map to resources through discovery (`/api/v1`, `/apis/GROUP/VERSION`), fetched once per group and
/// version and fetched again when a kind is missing (a CustomResourceDefinition may have just been created).
/// A non-2xx answer throws `ClientError.status` with the server's reason, code and message.
public final class DynamicClient: Sendable {
    /// How requests reach the server.
    public let transport: any Transport
    /// The namespace used for a namespaced kind when a request names none.
    public let defaultNamespace: String
    private let discovered = Mutex<[String: [APIResource]]>([:])

    /// A client over `transport`.
    public init(transport: any Transport, defaultNamespace: String = "default") {
        self.transport = transport
        self.defaultNamespace = defaultNamespace
    }

    /// A client over HTTPS for a resolved kubeconfig context.
    public convenience init(connection: Connection) throws(ClientError) {
        self.init(transport: try HTTPSTransport(connection: connection), defaultNamespace: connection.namespace)
    }

    /// A client from the kubeconfig kubectl would use (`path` as `--kubeconfig`, then `KUBECONFIG`, then
    /// `~/.kube/config`) and `context` (nil: `current-context`).
    public convenience init(kubeconfig path: String?, context: String?) throws(ClientError) {
        let config = try Kubeconfig.load(explicitPath: path)
        try self.init(connection: config.connection(context: context))
    }

    // MARK: - Discovery

    /// How the server serves `kind` in `apiVersion`.
    /// - Throws: `ClientError.unknownKind` when it does not.
    public func resource(apiVersion: String, kind: String) async throws -> APIResource {
        if let cached = discovered.withLock({ $0[apiVersion] })?.first(where: { $0.kind == kind }) { return cached }
        let resources: [APIResource]
        do {
            resources = try await discover(apiVersion: apiVersion)
        } catch ClientError.unknownKind {
            throw ClientError.unknownKind(apiVersion: apiVersion, kind: kind)
        }
        guard let found = resources.first(where: { $0.kind == kind }) else {
            throw ClientError.unknownKind(apiVersion: apiVersion, kind: kind)
        }
        return found
    }

    /// Fetches the resources of `apiVersion` again and caches them.
    @discardableResult
    public func discover(apiVersion: String) async throws -> [APIResource] {
        let (group, version) = splitAPIVersion(apiVersion)
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let response = try await transport.send(TransportRequest(method: "GET", path: path, headers: Self.accept))
        if response.status == 404 {
            throw ClientError.unknownKind(apiVersion: apiVersion, kind: "*")
        }
        let value = try Self.decode(response)
        let resources = APIResource.list(value, group: group, version: version)
        discovered.withLock { $0[apiVersion] = resources }
        return resources
    }

    /// Forgets every discovered resource.
    public func invalidateDiscovery() {
        discovered.withLock { $0.removeAll() }
    }

    // MARK: - Reading

    /// The object `reference` names.
    public func get(_ reference: ObjectReference) async throws -> JSONValue {
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path = resource.objectPath(namespace: namespace(reference.namespace, resource), name: reference.name)
        return try await request("GET", path)
    }

    /// The object, or nil when it does not exist.
    public func getIfPresent(_ reference: ObjectReference) async throws -> JSONValue? {
        do {
            return try await get(reference)
        } catch let error as ClientError where error.isNotFound {
            return nil
        }
    }

    /// One page of objects of `kind` in `namespace` (nil: every namespace).
    public func list(apiVersion: String, kind: String, namespace: String? = nil, options: ListOptions = ListOptions())
        async throws -> ObjectList
    {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let query = PathEncoding.query([
            ("labelSelector", options.labelSelector), ("fieldSelector", options.fieldSelector),
            ("limit", options.limit.map(String.init)), ("continue", options.continueToken),
            ("resourceVersion", options.resourceVersion),
        ])
        let value = try await request("GET", resource.collectionPath(namespace: namespace) + query)
        let items = (value["items"]?.arrayValue ?? []).map { item -> JSONValue in
            var object = item
            if object["apiVersion"] == nil { object["apiVersion"] = .string(resource.apiVersion) }
            if object["kind"] == nil { object["kind"] = .string(resource.kind) }
            return object
        }
        let token = value["metadata"]?["continue"]?.stringValue
        return ObjectList(
            items: items, resourceVersion: value["metadata"]?["resourceVersion"]?.stringValue ?? "",
            continueToken: token?.isEmpty == false ? token : nil)
    }

    /// Every object of `kind`, following continue tokens page by page.
    public func listAll(
        apiVersion: String, kind: String, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> ObjectList {
        var options = options
        var page = try await list(apiVersion: apiVersion, kind: kind, namespace: namespace, options: options)
        var items = page.items
        while let token = page.continueToken {
            options.continueToken = token
            page = try await list(apiVersion: apiVersion, kind: kind, namespace: namespace, options: options)
            items += page.items
        }
        return ObjectList(items: items, resourceVersion: page.resourceVersion, continueToken: nil)
    }

    // MARK: - Writing

    /// Creates `object` (its namespace, or the default one), named by `metadata.name` or, without one, by the
    /// server from `metadata.generateName`.
    public func create(_ object: JSONValue, options: WriteOptions = WriteOptions()) async throws -> JSONValue {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = object["kind"]?.stringValue, !kind.isEmpty
        else { throw ClientError.invalidObject("the object needs apiVersion and kind") }
        let named = object["metadata"]?["name"]?.stringValue ?? ""
        let generated = object["metadata"]?["generateName"]?.stringValue ?? ""
        guard !named.isEmpty || !generated.isEmpty else {
            throw ClientError.invalidObject("\(apiVersion) \(kind) needs metadata.name or metadata.generateName")
        }
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let path =
            resource.collectionPath(namespace: namespace(object["metadata"]?["namespace"]?.stringValue, resource))
            + writeQuery(options)
        return try await request("POST", path, body: object.serializedBytes(), contentType: "application/json")
    }

    /// POSTs `object` to a subresource of the object `reference` names, as `pods/NAME/binding` or
    /// `serviceaccounts/NAME/token` take it; returns the server's answer.
    @discardableResult
    public func create(
        _ object: JSONValue, subresource: String, of reference: ObjectReference, options: WriteOptions = WriteOptions()
    ) async throws -> JSONValue {
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path =
            resource.objectPath(namespace: namespace(reference.namespace, resource), name: reference.name)
            + "/" + PathEncoding.segment(subresource) + writeQuery(options)
        return try await request("POST", path, body: object.serializedBytes(), contentType: "application/json")
    }

    /// Replaces `object` (optimistically: a stale `metadata.resourceVersion` fails with a 409 Conflict).
    public func update(_ object: JSONValue, options: WriteOptions = WriteOptions()) async throws -> JSONValue {
        let reference = try ObjectReference(object: object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path =
            resource.objectPath(namespace: namespace(reference.namespace, resource), name: reference.name)
            + writeQuery(options)
        return try await request("PUT", path, body: object.serializedBytes(), contentType: "application/json")
    }

    /// Patches the object `reference` names, or its `subresource` (`status`, `scale`).
    public func patch(
        _ reference: ObjectReference, _ patch: Patch, subresource: String? = nil, options: WriteOptions = WriteOptions()
    ) async throws -> JSONValue {
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path =
            resource.objectPath(namespace: namespace(reference.namespace, resource), name: reference.name)
            + (subresource.map { "/" + PathEncoding.segment($0) } ?? "") + writeQuery(options)
        return try await request("PATCH", path, body: patch.body, contentType: patch.contentType)
    }

    /// Server-side applies `object` as `fieldManager`: creates it, or sets the fields it names and removes the
    /// ones this manager set before and no longer names. `force` takes over fields other managers own.
    public func apply(_ object: JSONValue, fieldManager: String, force: Bool = false, dryRun: Bool = false)
        async throws -> JSONValue
    {
        guard !fieldManager.isEmpty else { throw ClientError.invalidObject("server-side apply needs a field manager") }
        return try await patch(
            ObjectReference(object: object), .apply(object),
            options: WriteOptions(dryRun: dryRun, fieldManager: fieldManager, force: force))
    }

    /// Deletes the object; returns what the server answered (the object, or a `Status`). With `preconditionUID` or
    /// `preconditionResourceVersion`, only that incarnation or version is deleted (otherwise a 409 Conflict).
    /// `gracePeriodSeconds` overrides the object's grace period (0: at once, as a kubelet confirms a pod's end).
    @discardableResult
    public func delete(
        _ reference: ObjectReference, propagationPolicy: PropagationPolicy? = nil, dryRun: Bool = false,
        preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, gracePeriodSeconds: Int? = nil
    ) async throws -> JSONValue {
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let query = PathEncoding.query([
            ("propagationPolicy", propagationPolicy?.rawValue), ("dryRun", dryRun ? "All" : nil),
            ("gracePeriodSeconds", gracePeriodSeconds.map(String.init)),
        ])
        let path = resource.objectPath(namespace: namespace(reference.namespace, resource), name: reference.name)
        guard preconditionUID != nil || preconditionResourceVersion != nil else {
            return try await request("DELETE", path + query)
        }
        var preconditions: [String: JSONValue] = [:]
        if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
        if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
        var options: JSONValue = [
            "apiVersion": "v1", "kind": "DeleteOptions", "preconditions": .object(preconditions),
        ]
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = .int(Int64(gracePeriodSeconds)) }
        return try await request("DELETE", path + query, body: options.serializedBytes(), contentType: "application/json")
    }

    // MARK: - Watching

    /// Watches objects of `kind` in `namespace` (nil: every namespace). The stream ends when the server ends
    /// the watch (its timeout), after an `.error` event, or when the caller stops iterating.
    /// - Throws: `ClientError.status` when the server refuses the watch itself (410 when `resourceVersion` is too old).
    public func watch(
        apiVersion: String, kind: String, namespace: String? = nil, options: WatchOptions = WatchOptions()
    ) async throws -> AsyncThrowingStream<WatchEvent, any Error> {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let query = PathEncoding.query([
            ("watch", "true"), ("resourceVersion", options.resourceVersion),
            ("labelSelector", options.labelSelector), ("fieldSelector", options.fieldSelector),
            ("allowWatchBookmarks", options.allowBookmarks ? "true" : nil),
            ("timeoutSeconds", options.timeoutSeconds.map(String.init)),
        ])
        let answer = try await transport.stream(
            TransportRequest(
                method: "GET", path: resource.collectionPath(namespace: namespace) + query, headers: Self.accept))
        guard (200..<300).contains(answer.status) else {
            throw ClientError.status(APIError.decoding(status: answer.status, body: try await answer.collect()))
        }
        let body = answer.body
        return AsyncThrowingStream { continuation in
            let task = Task {
                var lines = LineSplitter()
                do {
                    for try await chunk in body {
                        for line in lines.append(chunk) {
                            guard let event = try WatchEventDecoder.decode(line) else { continue }
                            continuation.yield(event)
                            if case .error = event {
                                continuation.finish()
                                return
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: - Requests

    static let accept = [TransportRequest.Header("Accept", "application/json")]

    private func namespace(_ given: String?, _ resource: APIResource) -> String? {
        guard resource.namespaced else { return nil }
        if let given, !given.isEmpty { return given }
        return defaultNamespace
    }

    private func writeQuery(_ options: WriteOptions) -> String {
        PathEncoding.query([
            ("dryRun", options.dryRun ? "All" : nil), ("fieldManager", options.fieldManager),
            ("force", options.force ? "true" : nil),
        ])
    }

    /// Sends a request and decodes a 2xx JSON answer; anything else throws.
    func request(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil) async throws
        -> JSONValue
    {
        var headers = Self.accept
        if let contentType { headers.append(TransportRequest.Header("Content-Type", contentType)) }
        let response = try await transport.send(
            TransportRequest(method: method, path: path, headers: headers, body: body))
        return try Self.decode(response)
    }

    static func decode(_ response: TransportResponse) throws -> JSONValue {
        guard response.isSuccess else {
            throw ClientError.status(APIError.decoding(status: response.status, body: response.body))
        }
        if response.body.isEmpty { return .null }
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw ClientError.invalidResponse("the body is not JSON: \(error)")
        }
    }
}

/// Splits a byte stream into lines (a watch sends one JSON event per line).
struct LineSplitter {
    private var buffer: [UInt8] = []

    /// The complete lines `chunk` finishes (without their newline); the rest waits for the next chunk.
    mutating func append(_ chunk: [UInt8]) -> [[UInt8]] {
        buffer += chunk
        var lines: [[UInt8]] = []
        var start = 0
        for index in buffer.indices where buffer[index] == UInt8(ascii: "\n") {
            let line = Array(buffer[start..<index])
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append(line) }
            start = index + 1
        }
        buffer.removeFirst(start)
        return lines
    }
}

/// Decodes one watch event line, `{"type":"ADDED","object":{...}}`.
enum WatchEventDecoder {
    static func decode(_ line: [UInt8]) throws -> WatchEvent? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw ClientError.invalidResponse("a watch event is not JSON: \(error)")
        }
        guard let type = value["type"]?.stringValue, let object = value["object"] else {
            throw ClientError.invalidResponse("a watch event needs type and object")
        }
        switch type {
        case "ADDED": return .added(object)
        case "MODIFIED": return .modified(object)
        case "DELETED": return .deleted(object)
        case "BOOKMARK": return .bookmark(resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "")
        case "ERROR": return .error(APIError(status: object, httpCode: 500))
        default: return nil
        }
    }
}
