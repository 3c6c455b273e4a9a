import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControllers
import KgitControlPlane
import Synchronization
import Testing

/// A view the test fills by hand, standing for informers that lag behind the server.
private final class LaggingView: Sendable {
    private struct State {
        var objects: [String: JSONValue] = [:]
        var revision = ""
        var looks = 0
        var reconciles = 0
    }

    private let state = Mutex(State())

    /// The objects the view shows, keyed as informers key them.
    var objects: [JSONValue] { state.withLock { Array($0.objects.values) } }

    /// How often the controller asked the view about a write.
    var looks: Int { state.withLock { $0.looks } }

    /// How often the controller reconciled.
    var reconciles: Int { state.withLock { $0.reconciles } }

    /// Counts one reconcile.
    func countReconcile() { state.withLock { $0.reconciles += 1 } }

    /// Shows `objects` from now on, at the newest of their resourceVersions.
    func show(_ objects: [JSONValue]) {
        state.withLock { state in
            for object in objects { state.objects[cacheKey(of: object)] = object }
            let newest = objects.compactMap { $0.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap { Int64($0) } }.max()
            state.revision = newest.map(String.init) ?? state.revision
        }
    }

    /// The controller's ``Controller/View`` over this.
    var view: Controller.View {
        { [self] key in
            state.withLock { state in
                state.looks += 1
                let namespace = key.namespace.isEmpty ? nil : key.namespace
                return (state.objects[cacheKey(namespace: namespace, name: key.name)], state.revision)
            }
        }
    }
}

@Suite("Controller: a key is decided again only once the view shows its last writes", .timeLimit(.minutes(3)))
struct ControllerTests {
    /// Wants two pods labelled `app=web`, counting those `view` shows; counts its calls in `view`.
    private static func twoPods(_ view: LaggingView) -> @Sendable (String, Date) async throws -> [ControllerAction] {
        { _, _ in
            view.countReconcile()
            let have = view.objects.count
            return (0..<max(0, 2 - have)).map { _ in
                .create([
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": ["generateName": "web-", "namespace": "default", "labels": ["app": "web"]],
                    "spec": ["containers": [["name": "web", "image": "nginx:1.27"]]],
                ])
            }
        }
    }

    /// Runs `body` with a ``twoPods(_:)`` controller against a fresh in-process API server, waiting on
    /// `lagging` when `usesView`.
    private static func withTwoPodsController(
        usesView: Bool, _ body: (InProcessCluster, Controller, LaggingView) async throws -> Void
    ) async throws {
        let cluster = try await InProcessCluster(controllers: false)
        defer { cluster.stop() }
        let lagging = LaggingView()
        let controller = Controller(
            name: "two-pods", component: "test", writer: ClientClusterWriter(client: cluster.client),
            view: usesView ? lagging.view : nil, reconcile: twoPods(lagging))
        let running = Task { await controller.run() }
        defer {
            controller.queue.shutDown()
            running.cancel()
        }
        try await body(cluster, controller, lagging)
    }

    @Test("a key added again before the view shows the pods it created waits for them instead of creating more")
    func waitsForItsCreatesToShow() async throws {
        try await Self.withTwoPodsController(usesView: true) { cluster, controller, lagging in
            controller.queue.add("default/web")
            let created = try await cluster.eventually("two pods created") {
                let pods = try await cluster.pods(selector: "app=web")
                return pods.count == 2 && lagging.reconciles == 1 ? pods : nil
            }

            // The view still shows no pods: deciding now would create two more.
            controller.queue.add("default/web")
            _ = try await cluster.eventually("the key looked at again") {
                lagging.looks > 0 || lagging.reconciles > 1 ? true : nil
            }
            #expect(lagging.reconciles == 1, "the key was reconciled on a view without its own creates")

            // Once the view shows them, the key is decided again (without another add) and creates nothing.
            lagging.show(created)
            _ = try await cluster.eventually("reconciled again") { lagging.reconciles >= 2 ? true : nil }
            #expect(try await cluster.pods(selector: "app=web").count == 2)
        }
    }

    @Test("without a view, a key is decided again at once (the view is what makes it wait)")
    func withoutAViewNothingWaits() async throws {
        try await Self.withTwoPodsController(usesView: false) { cluster, controller, lagging in
            controller.queue.add("default/web")
            _ = try await cluster.eventually("two pods created") {
                try await cluster.pods(selector: "app=web").count == 2 && lagging.reconciles == 1 ? true : nil
            }
            controller.queue.add("default/web")
            _ = try await cluster.eventually("two more pods created") {
                try await cluster.pods(selector: "app=web").count == 4 ? true : nil
            }
            #expect(lagging.looks == 0)
        }
    }
}
