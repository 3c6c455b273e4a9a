import Foundation
import KgitAPIMachinery

extension APIHandler {
    /// Handles `/api/v1/...` and `/apis/<g>/<v>/...` resource requests.
    func handleResource(_ request: APIRequest, _ r: ResourceRequest, user: UserInfo) async throws(APIError)
        -> APIResponse
    {
        guard let info = catalog.lookup(group: r.group, version: r.version, resource: r.resource) else {
            throw APIError.pathNotFound()
        }
        if r.namespace != nil && !info.namespaced { throw APIError.pathNotFound() }
        // Names become storage key segments: no separators, control characters or dot segments.
        for segment in [r.namespace, r.name].compactMap({ $0 }) {
            if segment.isEmpty || segment == "." || segment == ".." || segment.contains("/")
                || segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "%" })
            {
                throw APIError.badRequest("invalid name or namespace in the request path: \(segment.debugDescription)")
            }
        }
        if let sub = r.subresource, !info.subresources.contains(where: { $0.name == sub }) {
            throw APIError.pathNotFound()
        }
        try await authorize(AuthorizationAttributes(
            user: user, verb: r.verb, namespace: r.namespace ?? "", group: r.group, version: r.version,
            resource: r.resource, subresource: r.subresource ?? "", name: r.name ?? "", isResourceRequest: true))
        guard info.verbs.contains(r.verb) || r.subresource != nil else {
            throw APIError.methodNotAllowed()
        }
        let dryRun = try APIHandler.dryRun(request.query)

        switch r.verb {
        case "get":
            guard let name = r.name else { throw APIError.pathNotFound() }
            if r.subresource == nil, !TableConvertor.wantsTable(request.header("Accept")) {
                // The object as stored, with resourceVersion spliced in (no decoding; see StoredJSON).
                return try await getStored(info, namespace: r.namespace, name: name)
            }
            let object = try await registry.get(info, namespace: r.namespace, name: name)
            if r.subresource == "scale" { return .json(Scale.from(object, info: info, paths: scalePaths(info))) }
            if r.subresource == "log" {
                // No kubelet runs containers yet, so there is no output to show; the container must exist.
                let containers = (object.value(at: ["spec", "containers"])?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                if let wanted = request.query["container"], !wanted.isEmpty, !containers.contains(wanted) {
                    throw APIError.badRequest("container \(wanted) is not valid for pod \(name)")
                }
                return .text("")
            }
            return respond(request, info: info, object: object)
        case "list":
            return try await list(request, info: info, namespace: r.namespace)
        case "watch":
            let options = try ListOptions(query: request.query, resource: info.resource)
            return try await watch(request, info: info, namespace: r.namespace, options: options)
        case "create":
            if let name = r.name, r.subresource == "token", info.resource == "serviceaccounts" {
                return try await tokenRequest(request, namespace: r.namespace ?? "", name: name)
            }
            if let name = r.name, r.subresource == "binding", info.resource == "pods", info.group.isEmpty {
                return try await bindPod(request, namespace: r.namespace ?? "", name: name, dryRun: dryRun)
            }
            if let name = r.name, r.subresource == "eviction", info.resource == "pods", info.group.isEmpty {
                return try await eviction(request, namespace: r.namespace ?? "", name: name, dryRun: dryRun)
            }
            if r.name != nil { throw APIError.methodNotAllowed() }
            if !info.stored { return try await review(request, info: info, user: user) }
            var object = try decodeBody(request)
            try Strategy.checkIdentity(&object, info: info, namespace: r.namespace)
            let warnings = try FieldValidation.mode(request.query).check(object, info: info, custom: served.custom(info))
            let created = try await create(info, object: object, namespace: r.namespace, dryRun: dryRun)
            return respond(request, info: info, object: created, status: 201).warning(warnings)
        case "update":
            guard let name = r.name else { throw APIError.methodNotAllowed() }
            var object = try decodeBody(request)
            if r.subresource == "scale" {
                return try await updateScale(info, namespace: r.namespace, name: name, dryRun: dryRun) { _ in object }
            }
            try Strategy.checkIdentity(&object, info: info, namespace: r.namespace)
            let warnings = try FieldValidation.mode(request.query).check(object, info: info, custom: served.custom(info))
            let updated = try await update(info, namespace: r.namespace, name: name, subresource: r.subresource,
                                           dryRun: dryRun) { _ in object }
            return respond(request, info: info, object: updated).warning(warnings)
        case "patch":
            guard let name = r.name else { throw APIError.methodNotAllowed() }
            return try await patch(request, info: info, namespace: r.namespace, name: name, subresource: r.subresource,
                                   dryRun: dryRun)
        case "delete":
            guard let name = r.name else { throw APIError.methodNotAllowed() }
            return try await delete(request, info: info, namespace: r.namespace, name: name, dryRun: dryRun)
        case "deletecollection":
            return try await deleteCollection(request, info: info, namespace: r.namespace, dryRun: dryRun)
        default:
            throw APIError.methodNotAllowed()
        }
    }

    // MARK: - Create

    func create(_ info: ResourceInfo, object: JSONValue, namespace: String?, dryRun: Bool) async throws(APIError)
        -> JSONValue
    {
        try await quotaSerialized(info, namespace: namespace) { () async throws(APIError) -> JSONValue in
            try await createUnserialized(info, object: object, namespace: namespace, dryRun: dryRun)
        }
    }

    /// Runs a write of a namespaced object while holding its namespace's quota lock, when the
    /// namespace has ResourceQuotas: the quota check and the write then happen as one step, so
    /// concurrent creates cannot together exceed a quota. Must not nest.
    func quotaSerialized<T>(_ info: ResourceInfo, namespace: String?,
                            _ body: () async throws(APIError) -> T) async throws(APIError) -> T
    {
        guard info.namespaced, let namespace, !namespace.isEmpty,
              !(try await admissionContext.list("resourcequotas", namespace: namespace)).isEmpty
        else { return try await body() }
        await quotaLocks.lock(namespace)
        do {
            let result = try await body()
            await quotaLocks.unlock(namespace)
            return result
        } catch {
            await quotaLocks.unlock(namespace)
            throw error
        }
    }

    func createUnserialized(_ info: ResourceInfo, object: JSONValue, namespace: String?, dryRun: Bool)
        async throws(APIError) -> JSONValue
    {
        // Fields a built-in kind does not declare are dropped first, as upstream's typed decoding drops
        // them (custom resources are pruned by their structural schema below).
        var object = served.custom(info) == nil ? FieldValidation.pruned(object, info: info) : object
        if info.namespaced {
            guard let namespace, !namespace.isEmpty else {
                throw APIError.badRequest("the server could not find the requested resource (a namespace is required)")
            }
        }
        var admission = AdmissionRequest(
            operation: .create, info: info, namespace: info.namespaced ? namespace : nil,
            name: object.value(at: ["metadata", "name"])?.stringValue ?? "", object: object,
            user: APIHandler.requestUser, dryRun: dryRun)
        try await self.admission.admit(&admission, admissionContext)
        object = admission.object
        try Strategy.prepareForCreate(&object, info: info, now: clock())
        let custom = served.custom(info)
        if let custom { object = StructuralPruning.prune(object, schema: custom.schema).object }
        if info.group.isEmpty && info.resource == "services" { try await allocateClusterIP(&object) }
        try validation.check(object, info: info, validator: custom?.validator)
        admission.object = object
        admission.name = object.value(at: ["metadata", "name"])?.stringValue ?? admission.name
        try await self.admission.validate(admission, admissionContext)
        try await preventEscalation(object, info: info, namespace: namespace ?? "")
        let created = try await registry.create(info, object: object, dryRun: dryRun)
        if info.namespaced, let namespace, !dryRun { await refreshQuotas(in: namespace) }
        if info.group.isEmpty && info.resource == "namespaces" && !dryRun,
           let name = created.value(at: ["metadata", "name"])?.stringValue
        {
            try await ensureDefaultServiceAccount(in: name)
        }
        if APIHandler.isCRD(info) && !dryRun {
            try await reconcileCustomResourceDefinitions()
            let name = created.value(at: ["metadata", "name"])?.stringValue ?? ""
            return (try await registry.read(info, namespace: nil, name: name))?.object ?? created
        }
        return created
    }

    /// Creates the `default` ServiceAccount of a namespace when missing (upstream's
    /// serviceaccounts controller).
    func ensureDefaultServiceAccount(in namespace: String) async throws(APIError) {
        guard let info = catalog.lookup(group: "", version: "v1", resource: "serviceaccounts"),
              try await registry.read(info, namespace: namespace, name: "default") == nil
        else { return }
        var account: JSONValue = ["apiVersion": "v1", "kind": "ServiceAccount",
                                  "metadata": ["name": "default", "namespace": .string(namespace)]]
        try Strategy.prepareForCreate(&account, info: info, now: clock())
        do {
            _ = try await registry.create(info, object: account, dryRun: false)
        } catch where error.reason == "AlreadyExists" {
            return
        }
    }

    /// RBAC escalation prevention for writes of roles and bindings by the current request's user.
    func preventEscalation(_ object: JSONValue, info: ResourceInfo, namespace: String) async throws(APIError) {
        guard info.group == "rbac.authorization.k8s.io", let user = APIHandler.requestUser else { return }
        let registry = self.registry
        try await EscalationCheck(authorizer: authorizer).check(object, info: info, user: user, namespace: namespace) {
            kind, name in
            let resource = kind == "ClusterRole" ? "clusterroles" : "roles"
            guard let roleInfo = registry.catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: resource),
                  let role = try? await registry.read(roleInfo, namespace: kind == "ClusterRole" ? nil : namespace, name: name)
            else { return nil }
            return (role.object["rules"]?.arrayValue ?? []).map(RBACRule.init(json:))
        }
    }

    /// Gives a ClusterIP service an unused address from 10.96.0.0/16 (10.96.0.1 is kept for the
    /// `kubernetes` service), unless it asks for one or for `None` (headless).
    func allocateClusterIP(_ object: inout JSONValue) async throws(APIError) {
        guard object.value(at: ["spec", "type"])?.stringValue != "ExternalName" else { return }
        if let requested = object.value(at: ["spec", "clusterIP"])?.stringValue, !requested.isEmpty {
            if object.value(at: ["spec", "clusterIPs"]) == nil { object.setValue([.string(requested)], at: ["spec", "clusterIPs"]) }
            return
        }
        guard let info = catalog.lookup(group: "", version: "v1", resource: "services") else { return }
        let existing = try await registry.list(info, namespace: nil, options: ListOptions())
        let used = Set(existing.items.compactMap { $0.value(at: ["spec", "clusterIP"])?.stringValue })
        for n in 10..<65_535 {
            let address = "10.96.\(n / 256).\(n % 256)"
            if !used.contains(address) {
                object.setValue(.string(address), at: ["spec", "clusterIP"])
                object.setValue([.string(address)], at: ["spec", "clusterIPs"])
                return
            }
        }
        throw APIError.internalError("no ClusterIP addresses left in 10.96.0.0/16")
    }

    /// Brings the namespace's ResourceQuota statuses up to date after a write (best effort: a
    /// failure here does not fail the write, and the next write retries).
    func refreshQuotas(in namespace: String) async {
        try? await ResourceQuotaAdmission.refreshStatus(namespace: namespace, context: admissionContext)
    }

    // MARK: - Update

    /// The optimistic-concurrency loop behind PUT and PATCH (upstream `GuaranteedUpdate`):
    /// read, transform, write if unchanged since the read; retry on a concurrent write unless the
    /// new object names the resourceVersion it expects.
    func update(_ info: ResourceInfo, namespace: String?, name: String, subresource: String?, dryRun: Bool,
                transform: (JSONValue) throws(APIError) -> JSONValue) async throws(APIError)
        -> JSONValue
    {
        try await quotaSerialized(info, namespace: namespace) { () async throws(APIError) -> JSONValue in
            try await updateUnserialized(info, namespace: namespace, name: name, subresource: subresource,
                                         dryRun: dryRun, transform: transform)
        }
    }

    func updateUnserialized(_ info: ResourceInfo, namespace: String?, name: String, subresource: String?, dryRun: Bool,
                            transform: (JSONValue) throws(APIError) -> JSONValue) async throws(APIError)
        -> JSONValue
    {
        for _ in 0..<8 {
            guard let current = try await registry.read(info, namespace: namespace, name: name) else {
                throw APIError.notFound(resource: info.resource, group: info.group, name: name)
            }
            var object = try transform(current.object)
            var expected = current.revision
            var precondition = false
            if let rv = object.value(at: ["metadata", "resourceVersion"])?.stringValue, !rv.isEmpty,
               rv != String(current.revision)
            {
                guard let requested = Int64(rv) else {
                    throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: [
                        .init(type: "FieldValueInvalid", message: "Invalid value: \"\(rv)\": must be a number",
                              field: "metadata.resourceVersion"),
                    ])
                }
                expected = requested
                precondition = true
            } else if object.value(at: ["metadata", "resourceVersion"])?.stringValue == String(current.revision) {
                precondition = true
            }
            if precondition && expected != current.revision {
                // A stale resourceVersion is a conflict even when nothing would change (upstream
                // checks the precondition before comparing).
                throw Registry.apiError(.conflict(current: current.revision), info: info, name: name)
            }
            // Fields a built-in kind does not declare are dropped, as upstream's typed decoding drops them
            // (before the generation is bumped: an unknown field is no change).
            let custom = served.custom(info)
            if custom == nil { object = FieldValidation.pruned(object, info: info) }
            try Strategy.prepareForUpdate(&object, old: current.object, info: info, subresource: subresource)
            if let custom { object = StructuralPruning.prune(object, schema: custom.schema).object }
            var causes = validation.causes(for: object, validator: custom?.validator)
            if let custom {
                causes += TransitionRules.causes(new: object, old: current.object, schema: custom.schema)
            }
            if !causes.isEmpty {
                throw APIError.invalid(kind: info.kind, group: info.group, name: name, causes: causes)
            }
            try await admission.validate(
                AdmissionRequest(operation: .update, info: info, subresource: subresource,
                                 namespace: info.namespaced ? namespace : nil, name: name, object: object,
                                 oldObject: current.object, user: APIHandler.requestUser, dryRun: dryRun),
                admissionContext)
            try await preventEscalation(object, info: info, namespace: namespace ?? "")
            var comparable = object
            comparable.setValue(current.object.value(at: ["metadata", "resourceVersion"]),
                                at: ["metadata", "resourceVersion"])
            if comparable == current.object {
                return current.object  // no-op: no new revision, no event
            }
            let updated: JSONValue
            do {
                updated = try await registry.update(info, object: object, expectedRevision: expected, dryRun: dryRun)
            } catch let error where error.reason == "Conflict" && !precondition {
                continue
            }
            if APIHandler.isCRD(info) && !dryRun {
                try await reconcileCustomResourceDefinitions()
                return (try await registry.read(info, namespace: nil, name: name))?.object ?? updated
            }
            if dryRun { return updated }
            if info.namespaced, let namespace { await refreshQuotas(in: namespace) }
            return try await finishDeletionIfFinalized(info, updated)
        }
        throw APIError.conflict(resource: info.resource, group: info.group, name: name,
                                message: "too many concurrent updates; please retry")
    }

    // MARK: - List

    func list(_ request: APIRequest, info: ResourceInfo, namespace: String?) async throws(APIError) -> APIResponse {
        let options = try ListOptions(query: request.query, resource: info.resource)
        let page = try await registry.listStored(info, namespace: namespace, options: options)
        if TableConvertor.wantsTable(request.header("Accept")) {
            var listMeta: JSONValue = ["resourceVersion": .string(String(page.revision))]
            if let token = page.continueToken { listMeta["continue"] = .string(token) }
            var objects = page.objects ?? []
            if page.objects == nil {
                objects.reserveCapacity(page.values.count)
                for value in page.values { objects.append(try registry.decode(value, as: info)) }
            }
            let include = TableConvertor.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata
            return .json(TableConvertor.table(for: info, objects: objects, listMeta: listMeta, include: include,
                                              now: clock(), printerColumns: served.custom(info)?.printerColumns))
        }
        return APIResponse(status: 200, headers: [("Content-Type", "application/json")],
                           body: .parts(try listParts(info: info, page: page)))
    }

    /// The JSON of a list response, `{"apiVersion":…,"items":[…],"kind":"…List","metadata":{…}}` with
    /// keys in the encoder's order, the items spliced from their stored bytes (``StoredJSON``), as
    /// consecutive parts that are never joined on the server: the envelope up to `"items":[`,
    /// each item (with the comma before it, from the second on, as a part of its own), and the rest.
    /// Items come from ``Registry/served(_:as:groupVersion:)``, so a repeated list shares the cached
    /// bytes of its objects instead of copying them.
    func listParts(info: ResourceInfo, page: Registry.StoredPage) throws(APIError) -> [[UInt8]] {
        let items = try registry.served(page.values, as: info, groupVersion: Registry.servedGroupVersion(info))
        var parts: [[UInt8]] = []
        parts.reserveCapacity(2 * items.count + 2)
        var head = Array(#"{"apiVersion":"#.utf8)
        head += StoredJSON.quoted(info.groupVersion)
        head += Array(#","items":["#.utf8)
        parts.append(head)
        let comma = [UInt8(ascii: ",")]
        for (index, item) in items.enumerated() {
            if index > 0 { parts.append(comma) }
            parts.append(item)
        }
        var tail = Array(#"],"kind":"#.utf8)
        tail += StoredJSON.quoted("\(info.kind)List")
        tail += Array(#","metadata":{"#.utf8)
        if let token = page.continueToken {
            tail += Array(#""continue":"#.utf8)
            tail += StoredJSON.quoted(token)
            tail.append(UInt8(ascii: ","))
        }
        tail += Array(#""resourceVersion":""#.utf8)
        tail += Array(String(page.revision).utf8)
        tail += Array(#""}}"#.utf8)
        parts.append(tail)
        return parts
    }

    // MARK: - Encoding

    /// Where the Scale view of `info` reads and writes (custom resources name their paths).
    func scalePaths(_ info: ResourceInfo) -> CustomResource.ScalePaths? {
        served.custom(info)?.scale
    }

    /// Answers a plain GET of one object from its stored bytes.
    func getStored(_ info: ResourceInfo, namespace: String?, name: String) async throws(APIError) -> APIResponse {
        let value: StoredValue?
        do {
            value = try await registry.store.get(info.storageKey(namespace: namespace, name: name))
        } catch {
            throw Registry.apiError(error, info: info, name: name)
        }
        guard let value else { throw APIError.notFound(resource: info.resource, group: info.group, name: name) }
        let served = try registry.served([value], as: info, groupVersion: Registry.servedGroupVersion(info))
        return APIResponse(status: 200, headers: [("Content-Type", "application/json")], body: .bytes(Array(served.joined())))
    }

    /// Sends one object, as a one-row Table when the client asked for tables.
    func respond(_ request: APIRequest, info: ResourceInfo, object: JSONValue, status: Int = 200) -> APIResponse {
        if TableConvertor.wantsTable(request.header("Accept")) {
            let include = TableConvertor.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata
            let meta: JSONValue = ["resourceVersion": object.value(at: ["metadata", "resourceVersion"]) ?? ""]
            return .json(TableConvertor.table(for: info, objects: [object], listMeta: meta, include: include,
                                              now: clock(), printerColumns: served.custom(info)?.printerColumns),
                         status: status)
        }
        return .json(object, status: status)
    }

    /// Decodes a JSON (default) or Kubernetes-protobuf request body.
    func decodeBody(_ request: APIRequest) throws(APIError) -> JSONValue {
        let contentType = (request.header("Content-Type") ?? "application/json")
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch contentType {
        case "", "application/json", "*/*":
            do {
                return try JSONParser.parse(request.body)
            } catch {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(error)")
            }
        case "application/yaml", "application/x-yaml", "text/yaml":
            return try YAMLBody.decode(request.body)
        case "application/vnd.kubernetes.protobuf":
            do {
                return try ProtobufDecoder.decodeObject(request.body)
            } catch .unsupportedKind(let kind) {
                throw APIError.unsupportedMediaType("application/vnd.kubernetes.protobuf (kind \(kind))")
            } catch {
                throw APIError.badRequest("unable to decode protobuf body: \(error)")
            }
        default:
            throw APIError.unsupportedMediaType(contentType)
        }
    }

    /// `dryRun=All` (or absent); anything else is a 400 as upstream.
    static func dryRun(_ query: QueryParameters) throws(APIError) -> Bool {
        let values = query.items.filter { $0.name == "dryRun" }.map(\.value)
        for value in values where value != "All" {
            throw APIError.badRequest("unsupported dryRun value: \(value)")
        }
        return !values.isEmpty
    }
}
