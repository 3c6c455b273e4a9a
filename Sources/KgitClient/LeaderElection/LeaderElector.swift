import Foundation
import KgitAPIMachinery

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go's `leaderelection` with a Lease lock:
/// of several replicas of a component, the one holding the Lease works; the others wait to take over.
///
/// The holder renews `spec.renewTime` every `retryPeriod`; a Lease whose `renewTime + leaseDurationSeconds`
/// has passed may be taken by anyone. Every write is optimistic (the observed `resourceVersion`), so two
/// candidates never both win. A leader that cannot renew within `renewDeadline` stops leading.
public final class LeaderElector: Sendable {
    /// Timing and names.
    public struct Configuration: Sendable {
        /// The Lease's namespace (upstream components use `kube-system`).
        public var namespace: String
        /// The Lease's name, the component's (`kube-controller-manager`).
        public var name: String
        /// This candidate's identity, unique among the candidates (host name and a random suffix).
        public var identity: String
        /// How long a Lease stays held without renewal.
        public var leaseDuration: Duration
        /// How long a leader keeps trying to renew before it gives up leading.
        public var renewDeadline: Duration
        /// How often candidates try to acquire and the leader renews.
        public var retryPeriod: Duration

        /// A configuration with upstream's defaults: 15 s lease, 10 s renew deadline, 2 s retry period.
        public init(
            namespace: String, name: String, identity: String, leaseDuration: Duration = .seconds(15),
            renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)
        ) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let client: DynamicClient
    private let now: @Sendable () -> Date

    /// An elector writing the Lease through `client`; `now` is the wall clock written into the Lease.
    public init(client: DynamicClient, configuration: Configuration, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.configuration = configuration
        self.now = now
    }

    private var reference: ObjectReference {
        ObjectReference(
            apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: configuration.namespace,
            name: configuration.name)
    }

    /// One attempt: creates the Lease, renews it when this candidate holds it, or takes it over when its holder
    /// let it expire. Returns whether this candidate holds the Lease afterwards. A lost race (409) is `false`.
    public func tryAcquireOrRenew() async throws -> Bool {
        let time = now()
        let seconds = Int64(configuration.leaseDuration.components.seconds)
        guard let lease = try await client.getIfPresent(reference) else {
            let fresh: JSONValue = [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": ["name": .string(configuration.name), "namespace": .string(configuration.namespace)],
                "spec": [
                    "holderIdentity": .string(configuration.identity), "leaseDurationSeconds": .int(seconds),
                    "acquireTime": .string(MicroTime.format(time)), "renewTime": .string(MicroTime.format(time)),
                    "leaseTransitions": 0,
                ],
            ]
            do {
                _ = try await client.create(fresh)
                return true
            } catch let error as ClientError where error.isAlreadyExists || error.isConflict {
                return false
            }
        }
        let spec = lease["spec"] ?? [:]
        let holder = spec["holderIdentity"]?.stringValue ?? ""
        let held = holder == configuration.identity
        if !held && !holder.isEmpty && !Self.expired(spec, at: time) { return false }
        var updated = lease
        updated.setValue(.string(configuration.identity), at: ["spec", "holderIdentity"])
        updated.setValue(.int(seconds), at: ["spec", "leaseDurationSeconds"])
        updated.setValue(.string(MicroTime.format(time)), at: ["spec", "renewTime"])
        if !held {
            updated.setValue(.string(MicroTime.format(time)), at: ["spec", "acquireTime"])
            let transitions = spec["leaseTransitions"]?.intValue ?? 0
            updated.setValue(.int(holder.isEmpty ? transitions : transitions + 1), at: ["spec", "leaseTransitions"])
        }
        do {
            _ = try await client.update(updated)
            return true
        } catch let error as ClientError where error.isConflict {
            return false
        }
    }

    /// Whether a Lease with `spec` has expired at `time` (no renew time counts as expired).
    static func expired(_ spec: JSONValue, at time: Date) -> Bool {
        guard let renewed = spec["renewTime"]?.stringValue.flatMap(RFC3339.parse) else { return true }
        let duration = Double(spec["leaseDurationSeconds"]?.intValue ?? 0)
        return renewed.addingTimeInterval(duration) < time
    }

    /// Gives the Lease up if this candidate holds it, so another can take over at once.
    public func release() async {
        guard let lease = try? await client.getIfPresent(reference),
            lease["spec"]?["holderIdentity"]?.stringValue == configuration.identity
        else { return }
        var updated = lease
        updated.setValue(.string(""), at: ["spec", "holderIdentity"])
        updated.setValue(1, at: ["spec", "leaseDurationSeconds"])
        _ = try? await client.update(updated)
    }

    /// Campaigns until this candidate holds the Lease, then runs `lead` while renewing. Returns when leadership
    /// is lost (no renewal within `renewDeadline`; `lead` is cancelled) or when the task is cancelled (the
    /// Lease is released). Returns early if `lead` returns.
    public func run(lead: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            if (try? await tryAcquireOrRenew()) == true { break }
            try? await Task.sleep(for: configuration.retryPeriod)
        }
        if Task.isCancelled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await lead() }
            group.addTask { [self] in
                var lastRenewal = ContinuousClock.now
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.retryPeriod)
                    if Task.isCancelled { return }
                    if (try? await tryAcquireOrRenew()) == true {
                        lastRenewal = .now
                    } else if ContinuousClock.now - lastRenewal > configuration.renewDeadline {
                        return
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        if Task.isCancelled { await release() }
    }
}

/// `metav1.MicroTime`: RFC 3339 in UTC with microseconds, `2026-11-29T16:30:00.123456Z`.
public enum MicroTime {
    /// Formats `date` with six fractional digits.
    public static func format(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = Int((date.timeIntervalSince1970 - whole) * 1_000_000)
        let base = RFC3339.format(Date(timeIntervalSince1970: whole))
        let digits = String(micros)
        return String(base.dropLast()) + "." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "Z"
    }
}
