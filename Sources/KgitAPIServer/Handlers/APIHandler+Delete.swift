import Foundation
import KgitAPIMachinery

/// DELETE and deletecollection, with finalizers and namespace termination:
///
/// ```
/// DELETE object ─┬─ no finalizers ──────────────► removed; 200 Status Success
///                └─ metadata.finalizers ≠ [] ───► deletionTimestamp set; 200 with the object;
///                                                 removed by the update that clears the last finalizer
/// DELETE namespace ─► deletionTimestamp, phase Terminating; 200 with the namespace
///                     └─ finalizer task: delete every object in it (finalizers honoured), retry
///                        until none is left, then remove the namespace
/// ```
extension APIHandler {
    /// Namespaces that may never be deleted.
    static let undeletableNamespaces: Set<String> = ["default", "kube-system", "kube-public"]

    func delete(_ request: APIRequest, info: ResourceInfo, namespace: String?, name: String, dryRun: Bool)
        async throws(APIError) -> APIResponse
    {
        let options = try DeleteOptions(body: request.body.isEmpty ? nil : try decodeBody(request),
                                        query: request.query, dryRun: dryRun)
        let dryRun = options.dryRun
        guard let current = try await registry.read(info, namespace: namespace, name: name) else {
            throw APIError.notFound(resource: info.resource, group: info.group, name: name)
        }
        let uid = current.object.value(at: ["metadata", "uid"])?.stringValue ?? ""
        if let expectedUID = options.preconditionUID, expectedUID != uid {
            throw APIError.conflict(resource: info.resource, group: info.group, name: name,
                                    message: "Precondition failed: UID in precondition: \(expectedUID), UID in object meta: \(uid)")
        }
        if let expectedRevision = options.preconditionResourceVersion, expectedRevision != current.revision {
            throw APIError.conflict(resource: info.resource, group: info.group, name: name,
                                    message: "Precondition failed: ResourceVersion in precondition: \(expectedRevision), ResourceVersion in object meta: \(current.revision)")
        }
        if APIHandler.isNamespace(info) {
            if APIHandler.undeletableNamespaces.contains(name) {
                throw APIError.forbidden(message: "namespaces \"\(name)\" is forbidden: this namespace may not be deleted",
                                         resource: "namespaces", name: name)
            }
            let terminating = try await markForDeletion(info, current, dryRun: dryRun, terminating: true)
            if !dryRun { startNamespaceFinalizer(name) }
            return respond(request, info: info, object: terminating)
        }
        if let pending = try await markForGracefulDeletion(info, current, options: options) {
            return respond(request, info: info, object: pending)
        }
        if APIHandler.isCRD(info) && !dryRun { try await deleteCustomResources(of: current.object) }
        _ = try await registry.delete(info, namespace: namespace, name: name,
                                      expectedRevision: options.preconditionResourceVersion ?? current.revision,
                                      dryRun: dryRun)
        if APIHandler.isCRD(info) && !dryRun { try await reconcileCustomResourceDefinitions() }
        if let namespace, !dryRun { await refreshQuotas(in: namespace) }
        var details: JSONValue = ["name": .string(name), "kind": .string(info.resource), "uid": .string(uid)]
        if !info.group.isEmpty { details["group"] = .string(info.group) }
        return .json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": details])
    }

    /// The grace period a pod deletion gets (upstream's pod strategy `CheckGracefulDelete`): the
    /// requested one, else `spec.terminationGracePeriodSeconds` (default 30); 0 for a pod no node
    /// runs (unbound, or finished), which therefore goes at once.
    static func podGracePeriod(_ pod: JSONValue, requested: Int64?) -> Int64 {
        let nodeName = pod.value(at: ["spec", "nodeName"])?.stringValue ?? ""
        let phase = pod.value(at: ["status", "phase"])?.stringValue ?? ""
        if nodeName.isEmpty || phase == "Succeeded" || phase == "Failed" { return 0 }
        return max(0, requested ?? pod.value(at: ["spec", "terminationGracePeriodSeconds"])?.intValue ?? 30)
    }

    /// Upstream's `BeforeDelete` for everything but namespaces: adds the finalizer the propagation
    /// policy asks for (`foregroundDeletion`, `orphan`), and, for a pod on a node, starts its grace
    /// period (`deletionTimestamp` = now + grace, `deletionGracePeriodSeconds`; a later delete may
    /// only shorten it). Returns the object as it now waits, or nil when it is to be removed now (no
    /// finalizers and no grace period left).
    func markForGracefulDeletion(_ info: ResourceInfo, _ current: (object: JSONValue, revision: Int64),
                                 options: DeleteOptions) async throws(APIError) -> JSONValue?
    {
        var object = current.object
        var finalizers = (object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue)
        switch options.propagationPolicy {
        case "Foreground":
            finalizers.removeAll { $0 == "orphan" }
            if !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
        case "Orphan":
            finalizers.removeAll { $0 == "foregroundDeletion" }
            if !finalizers.contains("orphan") { finalizers.append("orphan") }
        case "Background":
            finalizers.removeAll { $0 == "orphan" || $0 == "foregroundDeletion" }
        default:
            break
        }
        object.setValue(finalizers.isEmpty ? nil : .array(finalizers.map(JSONValue.string)), at: ["metadata", "finalizers"])
        let grace = info.group.isEmpty && info.resource == "pods"
            ? APIHandler.podGracePeriod(object, requested: options.gracePeriodSeconds) : 0
        let now = clock()
        if object.value(at: ["metadata", "deletionTimestamp"]) == nil {
            if finalizers.isEmpty && grace == 0 { return nil }
            object.setValue(.string(RFC3339.format(now.addingTimeInterval(TimeInterval(grace)))),
                            at: ["metadata", "deletionTimestamp"])
            object.setValue(.int(grace), at: ["metadata", "deletionGracePeriodSeconds"])
        } else if let existing = object.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue, grace < existing {
            // A shorter grace period replaces a longer one (e.g. the node confirming with 0).
            object.setValue(.string(RFC3339.format(now.addingTimeInterval(TimeInterval(grace)))),
                            at: ["metadata", "deletionTimestamp"])
            object.setValue(.int(grace), at: ["metadata", "deletionGracePeriodSeconds"])
        }
        let remainingGrace = object.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue ?? 0
        if finalizers.isEmpty && remainingGrace == 0 { return nil }
        if object == current.object { return current.object }
        return try await registry.update(info, object: object, expectedRevision: current.revision, dryRun: options.dryRun)
    }

    static func isNamespace(_ info: ResourceInfo) -> Bool {
        info.group.isEmpty && info.resource == "namespaces"
    }

    /// Whether an object lists finalizers in `metadata.finalizers`.
    static func hasFinalizers(_ object: JSONValue) -> Bool {
        !(object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).isEmpty
    }

    /// Sets `deletionTimestamp` (and, for a namespace, phase `Terminating`) unless already set;
    /// returns the object as stored (or as it would be, under dry run).
    func markForDeletion(_ info: ResourceInfo, _ current: (object: JSONValue, revision: Int64), dryRun: Bool,
                         terminating: Bool) async throws(APIError) -> JSONValue
    {
        guard current.object.value(at: ["metadata", "deletionTimestamp"]) == nil else { return current.object }
        var marked = current.object
        marked.setValue(.string(RFC3339.format(clock())), at: ["metadata", "deletionTimestamp"])
        marked.setValue(0, at: ["metadata", "deletionGracePeriodSeconds"])
        if terminating { marked.setValue("Terminating", at: ["status", "phase"]) }
        return try await registry.update(info, object: marked, expectedRevision: current.revision, dryRun: dryRun)
    }

    /// Called after an update stored `object`: removes it when it is being deleted and its last
    /// finalizer is gone. Returns the object's final state.
    func finishDeletionIfFinalized(_ info: ResourceInfo, _ object: JSONValue) async throws(APIError) -> JSONValue {
        guard !APIHandler.isNamespace(info), object.value(at: ["metadata", "deletionTimestamp"]) != nil,
              !APIHandler.hasFinalizers(object),
              (object.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue ?? 0) == 0,
              let rv = object.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(Int64.init)
        else { return object }
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        let namespace = object.value(at: ["metadata", "namespace"])?.stringValue
        do {
            _ = try await registry.delete(info, namespace: namespace, name: name, expectedRevision: rv, dryRun: false)
        } catch where error.code == 404 || error.code == 409 {
            // Removed or changed meanwhile; whoever did it finishes the deletion.
        }
        return object
    }

    /// Deletes one listed object as DELETE would (finalizers honoured); returns whether it is gone.
    func deleteListed(_ info: ResourceInfo, _ object: JSONValue, dryRun: Bool) async throws(APIError) -> Bool {
        guard let name = object.value(at: ["metadata", "name"])?.stringValue,
              let rv = object.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(Int64.init)
        else { return true }
        let namespace = object.value(at: ["metadata", "namespace"])?.stringValue
        do {
            let options = DeleteOptions(dryRun: dryRun)
            if try await markForGracefulDeletion(info, (object, rv), options: options) != nil { return false }
            _ = try await registry.delete(info, namespace: namespace, name: name, expectedRevision: nil, dryRun: dryRun)
            if let namespace, !dryRun { await refreshQuotas(in: namespace) }
            return true
        } catch where error.code == 404 {
            return true
        } catch where error.code == 409 {
            return false
        }
    }

    // MARK: - Namespaces

    /// Runs the namespace's finalizer in the background unless it already runs.
    func startNamespaceFinalizer(_ namespace: String) {
        let started = finalizingNamespaces.withLock { running in running.insert(namespace).inserted }
        guard started else { return }
        Task.detached { [self] in
            await self.finalizeNamespace(namespace)
            self.finalizingNamespaces.withLock { _ = $0.remove(namespace) }
        }
    }

    /// Upstream's namespace controller: deletes everything in a terminating namespace, waiting for
    /// objects with finalizers, then removes the namespace.
    func finalizeNamespace(_ namespace: String) async {
        var delay: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                if try await deleteNamespaceContents(namespace) == 0 {
                    try await removeTerminatedNamespace(namespace)
                    return
                }
            } catch {
                // Retried below: a transient store error must not leave the namespace stuck.
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// Deletes every namespaced object in `namespace`; returns how many remain (waiting on finalizers).
    @discardableResult
    func deleteNamespaceContents(_ namespace: String) async throws(APIError) -> Int {
        var remaining = 0
        var seen: Set<String> = []
        // Versions of one type share storage: list each storage prefix once.
        for info in catalog.resources where info.namespaced && info.stored && seen.insert(info.storagePrefix).inserted {
            let page = try await registry.list(info, namespace: namespace, options: ListOptions())
            for object in page.items {
                if try await !deleteListed(info, object, dryRun: false) { remaining += 1 }
            }
        }
        return remaining
    }

    /// Removes an emptied namespace (clearing its `kubernetes` finalizer first, as upstream does).
    func removeTerminatedNamespace(_ namespace: String) async throws(APIError) {
        guard let info = served.builtIn.lookup(group: "", version: "v1", resource: "namespaces"),
              let current = try await registry.read(info, namespace: nil, name: namespace)
        else { return }
        var object = current.object
        object.setValue([], at: ["spec", "finalizers"])
        if APIHandler.hasFinalizers(object) {
            // metadata.finalizers belong to other controllers; the namespace waits for them.
            if object != current.object {
                _ = try await registry.update(info, object: object, expectedRevision: current.revision, dryRun: false)
            }
            return
        }
        _ = try await registry.delete(info, namespace: nil, name: namespace, expectedRevision: current.revision,
                                      dryRun: false)
    }

    /// Resumes the finalizers of namespaces that were terminating when the server stopped.
    func resumeNamespaceFinalizers() async throws(APIError) {
        guard let info = served.builtIn.lookup(group: "", version: "v1", resource: "namespaces") else { return }
        let page = try await registry.list(info, namespace: nil, options: ListOptions())
        for namespace in page.items where namespace.value(at: ["metadata", "deletionTimestamp"]) != nil {
            if let name = namespace.value(at: ["metadata", "name"])?.stringValue { startNamespaceFinalizer(name) }
        }
    }

    // MARK: - deletecollection

    func deleteCollection(_ request: APIRequest, info: ResourceInfo, namespace: String?, dryRun: Bool)
        async throws(APIError) -> APIResponse
    {
        let options = try ListOptions(query: request.query, resource: info.resource)
        let page = try await registry.list(info, namespace: namespace, options: options)
        var deleted: [JSONValue] = []
        for object in page.items {
            if try await deleteListed(info, object, dryRun: dryRun) { deleted.append(object) }
        }
        return .json(["kind": .string("\(info.kind)List"), "apiVersion": .string(info.groupVersion),
                      "metadata": ["resourceVersion": .string(String(page.revision))], "items": .array(deleted)])
    }
}
