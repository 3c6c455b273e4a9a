import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControllers
import Synchronization

/// One running controller: a work queue of keys, workers that reconcile them, and a driver that performs
/// the decided actions.
///
/// Informer handlers only add keys. A worker takes a key (never one another worker holds), reads the objects
/// it needs from listers, asks the pure reconciler what to do, and performs it. A failed action puts the key
/// back with per-key backoff; success forgets its failures; a reconciler's `requeue(after:)` adds the key again
/// later.
///
/// With a ``View``, a key is not reconciled again until the view shows what its last reconcile wrote
/// (``WriteExpectation``): listers lag behind the server, and a ReplicaSet deciding on a view without the pods
/// it just created would create them twice. The informer event that brings the write adds the key again (a
/// fallback re-add every ``expectationRecheck`` covers keys no handler maps the event to).
public final class Controller: Sendable {
    /// Where the controller reads what it wrote: for a key, the object the view holds (nil when none) and the
    /// newest resourceVersion it has seen of that kind; nil when no informer watches the kind (nothing to wait for).
    public typealias View = @Sendable (ObjectKey) -> (observed: JSONValue?, revision: String)?

    /// How often a key waiting for its writes to show is looked at again even without an event.
    public static let expectationRecheck: Duration = .milliseconds(100)

    /// The controller's name, `deployment`.
    public let name: String
    /// Its queue.
    public let queue: WorkQueue
    /// How many keys it reconciles at once.
    public let workers: Int
    private let reconcile: @Sendable (String, Date) async throws -> [ControllerAction]
    private let driver: ControllerDriver<ClientClusterWriter>
    private let log: @Sendable (String) -> Void
    private let view: View?
    private let expectations = Mutex(ControllerExpectations())

    /// A controller named `name` whose reconciler turns a key into actions, performed through `writer`.
    public init(
        name: String, component: String, writer: ClientClusterWriter, workers: Int = 2,
        queue: WorkQueue = WorkQueue(), log: @escaping @Sendable (String) -> Void = { _ in }, view: View? = nil,
        reconcile: @escaping @Sendable (_ key: String, _ now: Date) async throws -> [ControllerAction]
    ) {
        self.name = name
        self.queue = queue
        self.workers = workers
        self.reconcile = reconcile
        self.driver = ControllerDriver(writer: writer, component: component)
        self.log = log
        self.view = view
    }

    /// Runs the workers until the queue shuts down or the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask { [self] in
                    while let key = await queue.get() {
                        await process(key)
                        queue.done(key)
                    }
                }
            }
        }
    }

    /// Reconciles `key` once and decides when it comes back.
    func process(_ key: String) async {
        if let view {
            let (waiting, expired) = expectations.withLock { expectations in
                expectations.pending(key, now: .now) { expectation in
                    guard let seen = view(expectation.key) else { return true }
                    return expectation.isMet(observed: seen.observed, viewRevision: seen.revision)
                }
            }
            if expired { log("\(name) \(key): gave up waiting for its informers to show its last writes") }
            if !waiting.isEmpty {
                queue.add(key, after: Self.expectationRecheck)
                return
            }
        }
        let actions: [ControllerAction]
        do {
            actions = try await reconcile(key, Date())
        } catch {
            log("\(name) \(key): \(error)")
            queue.addRateLimited(key)
            return
        }
        let outcome = await driver.perform(actions, now: Date())
        if view != nil {
            expectations.withLock { $0.expect(outcome.written, for: key, now: .now) }
        }
        if outcome.needsRetry {
            for failure in outcome.failures { log("\(name) \(key): \(failure.action): \(failure.error)") }
            queue.addRateLimited(key)
        } else {
            queue.forget(key)
        }
        if let after = outcome.requeueAfter { queue.add(key, after: after) }
    }
}
