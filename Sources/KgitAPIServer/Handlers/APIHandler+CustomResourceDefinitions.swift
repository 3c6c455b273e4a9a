import Foundation
import KgitAPIMachinery

/// CustomResourceDefinitions: what upstream's apiextensions controllers do, run inline after every
/// CRD write (and at start): settle each CRD's names against the others and the built-in types,
/// write its `NamesAccepted` and `Established` conditions, and serve the custom resources of the
/// accepted ones.
extension APIHandler {
    static let crdGroup = "apiextensions.k8s.io"

    /// Whether `info` is the CustomResourceDefinition type itself.
    static func isCRD(_ info: ResourceInfo) -> Bool {
        info.group == crdGroup && info.resource == "customresourcedefinitions"
    }

    /// Re-reads every CRD, writes the conditions that changed, and serves exactly the custom
    /// resources of the established CRDs. Idempotent; safe to run concurrently (a reconcile that
    /// read older CRDs than one already installed does not install).
    func reconcileCustomResourceDefinitions() async throws(APIError) {
        guard let crdInfo = served.builtIn.lookup(group: APIHandler.crdGroup, version: "v1",
                                                  resource: "customresourcedefinitions")
        else { return }
        let page = try await registry.list(crdInfo, namespace: nil, options: ListOptions())
        // A CRD whose names are accepted keeps them; among the others the earlier one wins, as
        // upstream's naming controller decides.
        let crds = page.items.sorted { a, b in
            let acceptedA = APIHandler.condition(a, "NamesAccepted") == "True"
            let acceptedB = APIHandler.condition(b, "NamesAccepted") == "True"
            if acceptedA != acceptedB { return acceptedA }
            let ta = a.value(at: ["metadata", "creationTimestamp"])?.stringValue ?? ""
            let tb = b.value(at: ["metadata", "creationTimestamp"])?.stringValue ?? ""
            if ta != tb { return ta < tb }
            return (a.value(at: ["metadata", "name"])?.stringValue ?? "") < (b.value(at: ["metadata", "name"])?.stringValue ?? "")
        }
        var claims = NameClaims(builtIn: served.builtIn)
        var resources: [CustomResource] = []
        for crd in crds {
            let conflict = claims.claim(crd)
            var updated = crd
            APIHandler.setNameConditions(&updated, conflict: conflict, now: clock())
            var current = crd
            if updated != crd, let rv = crd.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(Int64.init) {
                do {
                    current = try await registry.update(crdInfo, object: updated, expectedRevision: rv, dryRun: false)
                } catch where error.code == 409 || error.code == 404 {
                    // Changed or deleted meanwhile: the write that did it reconciles again.
                    continue
                }
            }
            if conflict == nil && current.value(at: ["metadata", "deletionTimestamp"]) == nil {
                resources += CustomResource.versions(of: current)
            }
        }
        served.install(resources, revision: page.revision)
    }

    /// The status of a CRD's condition of `type`, if set.
    static func condition(_ crd: JSONValue, _ type: String) -> String? {
        crd.value(at: ["status", "conditions"])?.arrayValue?
            .first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }

    /// Sets `status.acceptedNames`, `storedVersions` and the `NamesAccepted`/`Established` conditions
    /// (keeping a condition's `lastTransitionTime` while its status does not change).
    static func setNameConditions(_ crd: inout JSONValue, conflict: NameClaims.Conflict?, now: Date) {
        let names = crd.value(at: ["spec", "names"]) ?? [:]
        var status = crd["status"] ?? [:]
        if conflict == nil {
            var accepted = names
            if accepted["singular"] == nil, let kind = names["kind"]?.stringValue {
                accepted["singular"] = .string(kind.lowercased())
            }
            if accepted["listKind"] == nil, let kind = names["kind"]?.stringValue {
                accepted["listKind"] = .string(kind + "List")
            }
            status["acceptedNames"] = accepted
            var stored = (status["storedVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
            if let version = CustomResource.storageVersion(of: crd), !stored.contains(version) { stored.append(version) }
            status["storedVersions"] = .array(stored.map(JSONValue.string))
        } else if status["acceptedNames"] == nil {
            status["acceptedNames"] = ["plural": "", "kind": ""]
        }
        if status["storedVersions"] == nil { status["storedVersions"] = [] }
        var conditions = status["conditions"]?.arrayValue ?? []
        func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) {
            let text: JSONValue = .string(value ? "True" : "False")
            var condition: JSONValue = ["type": .string(type), "status": text, "reason": .string(reason),
                                        "message": .string(message), "lastTransitionTime": .string(RFC3339.format(now))]
            if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
                if conditions[index]["status"] == text {
                    condition["lastTransitionTime"] = conditions[index]["lastTransitionTime"] ?? condition["lastTransitionTime"]
                }
                conditions[index] = condition
            } else {
                conditions.append(condition)
            }
        }
        if let conflict {
            set("NamesAccepted", false, conflict.reason, conflict.message)
            set("Established", false, "NotAccepted", "not all names are accepted")
        } else {
            set("NamesAccepted", true, "NoConflicts", "no conflicts found")
            set("Established", true, "InitialNamesAccepted", "the initial names have been accepted")
        }
        status["conditions"] = .array(conditions)
        crd["status"] = status
    }

    /// The names CRDs and built-in types hold in each group, claimed in order.
    struct NameClaims {
        private var resources: [String: Set<String>] = [:]
        private var kinds: [String: Set<String>] = [:]

        init(builtIn: ResourceCatalog) {
            for info in builtIn.resources {
                resources[info.group, default: []].formUnion([info.resource, info.singular] + info.shortNames)
                kinds[info.group, default: []].formUnion([info.kind, info.kind + "List"])
            }
        }

        /// Why a CRD's names were not accepted: upstream's condition reason and message.
        struct Conflict: Equatable {
            var reason: String
            var message: String
        }

        /// Claims the CRD's names; returns why they conflict, or nil when they are accepted.
        mutating func claim(_ crd: JSONValue) -> Conflict? {
            guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
                  let names = spec["names"], let plural = names["plural"]?.stringValue,
                  let kind = names["kind"]?.stringValue
            else { return Conflict(reason: "Invalid", message: "the CustomResourceDefinition has no group, plural or kind") }
            let singular = names["singular"]?.stringValue ?? kind.lowercased()
            let listKind = names["listKind"]?.stringValue ?? kind + "List"
            let shortNames = (names["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue)
            let held = resources[group] ?? []
            if held.contains(plural) { return Conflict(reason: "PluralConflict", message: "\"\(plural)\" is already in use") }
            if held.contains(singular) {
                return Conflict(reason: "SingularConflict", message: "\"\(singular)\" is already in use")
            }
            for short in shortNames where held.contains(short) {
                return Conflict(reason: "ShortNamesConflict", message: "\"\(short)\" is already in use")
            }
            let heldKinds = kinds[group] ?? []
            if heldKinds.contains(kind) { return Conflict(reason: "KindConflict", message: "\"\(kind)\" is already in use") }
            if heldKinds.contains(listKind) {
                return Conflict(reason: "ListKindConflict", message: "\"\(listKind)\" is already in use")
            }
            resources[group, default: []].formUnion([plural, singular] + shortNames)
            kinds[group, default: []].formUnion([kind, listKind])
            return nil
        }
    }

    /// Deletes every object of a CRD's custom resource (all versions share one storage prefix).
    func deleteCustomResources(of crd: JSONValue) async throws(APIError) {
        guard let group = crd.value(at: ["spec", "group"])?.stringValue,
              let plural = crd.value(at: ["spec", "names", "plural"])?.stringValue, !plural.isEmpty
        else { return }
        let prefix = ResourceInfo(group: group, version: "", resource: plural, singular: "", kind: "",
                                  namespaced: false, verbs: [], shortNames: [], categories: [], subresources: [],
                                  stored: true).storagePrefix
        while true {
            let page: StoreListResult
            do {
                page = try await registry.store.list(prefix: prefix, startAfter: nil, limit: 500, at: nil)
            } catch {
                throw APIError.internalError("listing the objects of \(plural).\(group): \(error)")
            }
            for item in page.items {
                do {
                    _ = try await registry.store.delete(item.key, expectedRevision: nil)
                    registry.servedBytes?.remove(item.key)
                } catch .notFound {
                    continue
                } catch {
                    throw APIError.internalError("deleting \(item.key): \(error)")
                }
            }
            if !page.more || page.items.isEmpty { break }
        }
    }
}
