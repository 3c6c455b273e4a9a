import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControllers

/// One running controller: a work queue of keys, workers that reconcile them, and a driver that performs
/// the decided actions.
///
/// Informer handlers only add keys. A worker takes a key (never one another worker holds), reads the objects
/// it needs from listers, asks the pure reconciler what to do, and performs it. A failed action puts the key
/// back with per-key backoff; success forgets its failures; a reconciler's `requeue(after:)` adds the key again
/// later.
public final class Controller: Sendable {
    /// The controller's name, `deployment`.
    public let name: String
    /// Its queue.
    public let queue: WorkQueue
    /// How many keys it reconciles at once.
    public let workers: Int
    private let reconcile: @Sendable (String, Date) async throws -> [ControllerAction]
    private let driver: ControllerDriver<ClientClusterWriter>
    private let log: @Sendable (String) -> Void

    /// A controller named `name` whose reconciler turns a key into actions, performed through `writer`.
    public init(
        name: String, component: String, writer: ClientClusterWriter, workers: Int = 2,
        queue: WorkQueue = WorkQueue(), log: @escaping @Sendable (String) -> Void = { _ in },
        reconcile: @escaping @Sendable (_ key: String, _ now: Date) async throws -> [ControllerAction]
    ) {
        self.name = name
        self.queue = queue
        self.workers = workers
        self.reconcile = reconcile
        self.driver = ControllerDriver(writer: writer, component: component)
        self.log = log
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
        let actions: [ControllerAction]
        do {
            actions = try await reconcile(key, Date())
        } catch {
            log("\(name) \(key): \(error)")
            queue.addRateLimited(key)
            return
        }
        let outcome = await driver.perform(actions, now: Date())
        if outcome.needsRetry {
            for failure in outcome.failures { log("\(name) \(key): \(failure.action): \(failure.error)") }
            queue.addRateLimited(key)
        } else {
            queue.forget(key)
        }
        if let after = outcome.requeueAfter { queue.add(key, after: after) }
    }
}
