import KgitSchema
import KgitYAML

/// Compares desired objects with live ones, ignoring what the server owns or defaulted, and renders
/// the differences as unified diffs.
///
/// Only fields the desired object sets are compared; lists are matched element by element by their
/// list-map keys (or patch merge key) from the Kubernetes schema, set-lists as sets, quantities by
/// value. Custom resources, which have no schema here, compare lists by position.
public struct ObjectDiffer: Sendable {
    let catalog: KubernetesCatalog?

    /// A differ using `catalog` for list keys and quantity fields (nil: every list is positional).
    public init(catalog: KubernetesCatalog?) {
        self.catalog = catalog
    }

    /// Compares every desired object with the live object of the same identity, and reports a live object
    /// without a desired counterpart as extra (prunable) when `inventory` records it, or, with no inventory,
    /// always (then `live` should hold only objects kgit manages). The result is sorted by identity.
    public func diff(desired: [DesiredObject], live: [YAMLValue], inventory: Inventory? = nil) -> [ObjectDiff] {
        var liveByIdentity: [ObjectIdentity: YAMLValue] = [:]
        for object in live {
            if let identity = ObjectIdentity(object: object) { liveByIdentity[identity] = object }
        }
        var results: [ObjectDiff] = []
        var seen = Set<ObjectIdentity>()
        for object in desired {
            seen.insert(object.identity)
            results.append(diff(object, live: liveByIdentity[object.identity]))
        }
        for (identity, object) in liveByIdentity where !seen.contains(identity) {
            if let inventory, !inventory.contains(identity) { continue }
            results.append(extra(identity, live: object))
        }
        return results.sorted { $0.identity < $1.identity }
    }

    /// Compares one desired object with its live counterpart (nil when the cluster does not have it).
    public func diff(_ desired: DesiredObject, live: YAMLValue?) -> ObjectDiff {
        let identity = desired.identity
        let schema = schema(for: identity)
        let wanted = Normalizer.normalize(desired.body, identity: identity)
        let headers = ("live/\(identity.path)", "git/\(identity.path)")
        guard let live else {
            let shown = isSecret(identity) ? SecretMask.mask(live: nil, desired: wanted).desired ?? wanted : wanted
            let diff = UnifiedDiff.make(
                live: [], git: YAMLLines.render(shown, schema: schema), liveHeader: headers.0, gitHeader: headers.1,
                source: { desired.source(of: $0) })
            return ObjectDiff(identity: identity, outcome: .missingOnCluster(diff))
        }
        let have = Normalizer.normalize(live, identity: identity)
        let projected = LiveProjection.project(have, onto: wanted, schema: schema) ?? .mapping([])
        if projected == wanted { return ObjectDiff(identity: identity, outcome: .unchanged) }
        var shownLive: YAMLValue = projected
        var shownGit: YAMLValue = wanted
        if isSecret(identity) {
            let masked = SecretMask.mask(live: projected, desired: wanted)
            shownLive = masked.live ?? projected
            shownGit = masked.desired ?? wanted
        }
        let diff = UnifiedDiff.make(
            live: YAMLLines.render(shownLive, schema: schema), git: YAMLLines.render(shownGit, schema: schema),
            liveHeader: headers.0, gitHeader: headers.1, source: { desired.source(of: $0) })
        return ObjectDiff(identity: identity, outcome: .changed(diff))
    }

    func extra(_ identity: ObjectIdentity, live: YAMLValue) -> ObjectDiff {
        var have = Normalizer.normalize(live, identity: identity)
        if isSecret(identity) { have = SecretMask.mask(live: have, desired: nil).live ?? have }
        let diff = UnifiedDiff.make(
            live: YAMLLines.render(have, schema: schema(for: identity)), git: [],
            liveHeader: "live/\(identity.path)", gitHeader: "git/\(identity.path)", source: { _ in nil })
        return ObjectDiff(identity: identity, outcome: .extraOnCluster(diff))
    }

    func schema(for identity: ObjectIdentity) -> Schema? {
        catalog?.schema(for: GroupVersionKind(group: identity.group, version: identity.version, kind: identity.kind))
    }

    func isSecret(_ identity: ObjectIdentity) -> Bool { identity.group.isEmpty && identity.kind == "Secret" }
}
