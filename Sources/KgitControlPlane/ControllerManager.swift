import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControllers

/// The controller manager: KgitControllers' reconcilers driven by shared informers and work queues, writing
/// through a ``ClientClusterWriter``.
///
/// ```
/// InformerFactory (one list+watch per kind) ──handlers──▶ keys ──▶ WorkQueue per controller
///   ──workers──▶ listers + pure reconcile ──▶ [ControllerAction] ──ControllerDriver──▶ DynamicClient
/// ```
///
/// Controllers: ReplicaSet, Deployment, Endpoints, EndpointSlice (when the server serves
/// `discovery.k8s.io/v1`), Job, CronJob, StatefulSet, DaemonSet, node lifecycle (Lease heartbeats, NotReady,
/// taints, eviction), disruption (PodDisruptionBudget status), and the garbage collector. Everything goes through the API, so the
/// manager runs the same in `kgit up` (in-process transport) and against a remote server (HTTPS).
public final class ControllerManager: Sendable {
    /// The client every informer and write uses.
    public let client: DynamicClient
    /// The shared informers.
    public let informers: InformerFactory
    /// The running controllers, by name.
    public let controllers: [Controller]
    private let log: @Sendable (String) -> Void

    /// The kinds the garbage collector sees: owners and dependents of the built-in controllers.
    static let graphKinds: [(apiVersion: String, kind: String)] = [
        ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("v1", "Pod"), ("batch/v1", "Job"),
        ("batch/v1", "CronJob"), ("v1", "Service"), ("v1", "Endpoints"), ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
    ]

    private init(client: DynamicClient, informers: InformerFactory, controllers: [Controller],
                 log: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.informers = informers
        self.controllers = controllers
        self.log = log
    }

    /// Tunables of the controllers.
    public struct Options: Sendable {
        /// How long a node may go without renewing its Lease before it is marked NotReady
        /// (`--node-monitor-grace-period`).
        public var nodeMonitorGracePeriod: Duration = .seconds(40)
        /// How long a new node may go before its first heartbeat.
        public var nodeStartupGracePeriod: Duration = .seconds(60)

        /// The defaults.
        public init() {}
    }

    /// A manager over `client`, with every controller wired to its informers. Discovery decides whether the
    /// EndpointSlice controller runs.
    ///
    /// With a `cloud` provider (`kgit up`'s local one), the cloud controller manager's controllers run too:
    /// load balancer addresses for `type: LoadBalancer` Services from its pool, InternalIPs for nodes.
    public static func make(
        client: DynamicClient, informerOptions: Informer.Options = Informer.Options(), options: Options = Options(),
        cloud: LocalCloudProvider? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) async -> ControllerManager {
        let factory = InformerFactory(client: client, options: informerOptions)
        let writer = ClientClusterWriter(client: client)
        let owner = [Indexers.ownerUID: Indexers.byOwnerUID]
        let pods = factory.informer(apiVersion: "v1", kind: "Pod", indexers: owner)
        let replicaSets = factory.informer(apiVersion: "apps/v1", kind: "ReplicaSet", indexers: owner)
        let deployments = factory.informer(apiVersion: "apps/v1", kind: "Deployment")
        let services = factory.informer(apiVersion: "v1", kind: "Service")
        let endpoints = factory.informer(apiVersion: "v1", kind: "Endpoints")
        let jobs = factory.informer(apiVersion: "batch/v1", kind: "Job", indexers: owner)
        let cronJobs = factory.informer(apiVersion: "batch/v1", kind: "CronJob")
        var controllers: [Controller] = []
        // What each controller waits to see of its own writes before deciding again about a key.
        let view: Controller.View = { key in
            guard let informer = factory.existingInformer(apiVersion: key.apiVersion, kind: key.kind) else { return nil }
            let namespace = key.namespace.isEmpty ? nil : key.namespace
            return (informer.cache.get(cacheKey(namespace: namespace, name: key.name)), informer.resourceVersion)
        }

        // ReplicaSet: the pods it owns and the namespace's orphans (adoption candidates), from indexes: with
        // 50,000 pods in a namespace, decoding all of them on every reconcile made filling it quadratic. Pods
        // another controller owns are not its business, as in the reconciler.
        pods.cache.addIndexer(orphanIndex, orphansByNamespace)
        let replicaSet = Controller(name: "replicaset", component: ReplicaSetController.component, writer: writer, log: log, view: view) {
            key, now in
            guard let rs = replicaSets.cache.get(key) else { return [] }
            let namespace = rs["metadata"]?["namespace"]?.stringValue ?? ""
            let owned = pods.cache.byIndex(Indexers.ownerUID, rs["metadata"]?["uid"]?.stringValue ?? "")
            return try ReplicaSetController.reconcile(
                rs, pods: unionByKey(owned, pods.cache.byIndex(orphanIndex, namespace)), now: now)
        }
        replicaSets.addHandler { replicaSet.queue.add(cacheKey(of: $0.object)) }
        pods.addHandler { event in
            for key in ownerKeys(event, kind: "ReplicaSet", orAll: replicaSets) { replicaSet.queue.add(key) }
        }
        controllers.append(replicaSet)

        // Deployment: the namespace's ReplicaSets, and the pods of those it controls or may adopt (it looks at
        // pods only through their ReplicaSets).
        let deployment = Controller(name: "deployment", component: DeploymentController.component, writer: writer, log: log, view: view) {
            key, now in
            guard let d = deployments.cache.get(key) else { return [] }
            let namespace = d["metadata"]?["namespace"]?.stringValue ?? ""
            let uid = d["metadata"]?["uid"]?.stringValue ?? ""
            let sets = replicaSets.lister.list(namespace: namespace)
            var setPods: [JSONValue] = []
            for set in sets {
                let controller = controllerReference(of: set)?["uid"]?.stringValue
                guard controller == nil || controller == uid, let setUID = set["metadata"]?["uid"]?.stringValue else { continue }
                setPods += pods.cache.byIndex(Indexers.ownerUID, setUID)
            }
            return try DeploymentController.reconcile(d, replicaSets: sets, pods: setPods, now: now)
        }
        deployments.addHandler { deployment.queue.add(cacheKey(of: $0.object)) }
        replicaSets.addHandler { event in
            for key in ownerKeys(event, kind: "Deployment", orAll: deployments) { deployment.queue.add(key) }
        }
        pods.addHandler { event in
            // A pod's owning ReplicaSet's owning Deployment, when the pod is gone (Recreate waits for that); other
            // pod changes reach the Deployment through its ReplicaSets' status, as upstream.
            guard case .deleted = event else { return }
            for rsKey in ownerKeys(event, kind: "ReplicaSet", orAll: nil) {
                guard let rs = replicaSets.cache.get(rsKey) else { continue }
                for key in ownerKeys(.added(rs), kind: "Deployment", orAll: nil) { deployment.queue.add(key) }
            }
        }
        controllers.append(deployment)

        // Endpoints: one per Service; any pod change in the namespace may change it.
        let endpointsController = Controller(name: "endpoints", component: EndpointsController.component, writer: writer, log: log, view: view) {
            key, _ in
            let (namespace, name) = splitKey(key)
            let service = services.cache.get(key)
            return try EndpointsController.reconcile(
                namespace: namespace, name: name, service: service,
                pods: hasSelector(service) ? pods.lister.list(namespace: namespace) : [], endpoints: endpoints.cache.get(key))
        }
        services.addHandler { endpointsController.queue.add(cacheKey(of: $0.object)) }
        endpoints.addHandler { endpointsController.queue.add(cacheKey(of: $0.object)) }
        pods.addHandler { event in
            let namespace = event.object["metadata"]?["namespace"]?.stringValue ?? ""
            for service in services.lister.list(namespace: namespace) { endpointsController.queue.add(cacheKey(of: service)) }
        }
        controllers.append(endpointsController)

        // EndpointSlice, when served.
        if (try? await client.resource(apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice")) != nil {
            let slices = factory.informer(
                apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
                indexers: ["service": { [$0["metadata"]?["labels"]?["kubernetes.io/service-name"]?.stringValue ?? ""] }])
            let sliceController = Controller(name: "endpointslice", component: EndpointSliceController.component, writer: writer, log: log, view: view) {
                key, _ in
                guard let service = services.cache.get(key) else { return [] }
                let (namespace, name) = splitKey(key)
                let owned = slices.cache.byIndex("service", name).filter {
                    $0["metadata"]?["namespace"]?.stringValue == namespace
                }
                return try EndpointSliceController.reconcile(
                    service: service, pods: hasSelector(service) ? pods.lister.list(namespace: namespace) : [], slices: owned)
            }
            services.addHandler { sliceController.queue.add(cacheKey(of: $0.object)) }
            slices.addHandler { event in
                let namespace = event.object["metadata"]?["namespace"]?.stringValue ?? ""
                if let service = event.object["metadata"]?["labels"]?["kubernetes.io/service-name"]?.stringValue {
                    sliceController.queue.add(cacheKey(namespace: namespace, name: service))
                }
            }
            pods.addHandler { event in
                let namespace = event.object["metadata"]?["namespace"]?.stringValue ?? ""
                for service in services.lister.list(namespace: namespace) { sliceController.queue.add(cacheKey(of: service)) }
            }
            controllers.append(sliceController)
        }

        // Job.
        let job = Controller(name: "job", component: JobController.component, writer: writer, log: log, view: view) { key, now in
            guard let j = jobs.cache.get(key) else { return [] }
            let uid = j["metadata"]?["uid"]?.stringValue ?? ""
            return try JobController.reconcile(j, pods: pods.cache.byIndex(Indexers.ownerUID, uid), now: now)
        }
        jobs.addHandler { job.queue.add(cacheKey(of: $0.object)) }
        pods.addHandler { event in for key in ownerKeys(event, kind: "Job", orAll: nil) { job.queue.add(key) } }
        controllers.append(job)

        // CronJob.
        let cronJob = Controller(name: "cronjob", component: CronJobController.component, writer: writer, log: log, view: view) { key, now in
            guard let c = cronJobs.cache.get(key) else { return [] }
            let uid = c["metadata"]?["uid"]?.stringValue ?? ""
            return try CronJobController.reconcile(c, jobs: jobs.cache.byIndex(Indexers.ownerUID, uid), now: now)
        }
        cronJobs.addHandler { cronJob.queue.add(cacheKey(of: $0.object)) }
        jobs.addHandler { event in for key in ownerKeys(event, kind: "CronJob", orAll: nil) { cronJob.queue.add(key) } }
        controllers.append(cronJob)

        // ServiceAccounts: every active namespace has `default`; deleting it brings it back. (The API server
        // also makes it when it creates a namespace, so pods can be created at once; this heals a deleted one.)
        let namespaces = factory.informer(apiVersion: "v1", kind: "Namespace")
        let accounts = factory.informer(apiVersion: "v1", kind: "ServiceAccount")
        let serviceAccount = Controller(
            name: "serviceaccount", component: ServiceAccountsController.component, writer: writer, log: log
        ) { key, _ in
            guard let namespace = namespaces.cache.get(key) else { return [] }
            return try ServiceAccountsController.reconcile(namespace: namespace, serviceAccounts: accounts.lister.list(namespace: key))
        }
        namespaces.addHandler { serviceAccount.queue.add(cacheKey(of: $0.object)) }
        accounts.addHandler { event in
            guard case .deleted = event, let namespace = event.object["metadata"]?["namespace"]?.stringValue else { return }
            serviceAccount.queue.add(namespace)
        }
        controllers.append(serviceAccount)

        // StatefulSet: ordered pods with stable names, from the namespace's pods.
        let statefulSets = factory.informer(apiVersion: "apps/v1", kind: "StatefulSet")
        let claims = factory.informer(apiVersion: "v1", kind: "PersistentVolumeClaim")
        let statefulSet = Controller(name: "statefulset", component: StatefulSetController.component, writer: writer, log: log, view: view) {
            key, now in
            guard let set = statefulSets.cache.get(key) else { return [] }
            let namespace = set["metadata"]?["namespace"]?.stringValue ?? ""
            return try StatefulSetController.reconcile(
                set, pods: pods.lister.list(namespace: namespace), claims: claims.lister.list(namespace: namespace), now: now)
        }
        statefulSets.addHandler { statefulSet.queue.add(cacheKey(of: $0.object)) }
        pods.addHandler { event in
            for key in ownerKeys(event, kind: "StatefulSet", orAll: nil) { statefulSet.queue.add(key) }
        }
        controllers.append(statefulSet)

        // DaemonSet: one pod per eligible node; every node change may change which nodes those are.
        let daemonSets = factory.informer(apiVersion: "apps/v1", kind: "DaemonSet")
        let nodes = factory.informer(apiVersion: "v1", kind: "Node")
        let daemonSet = Controller(name: "daemonset", component: DaemonSetController.component, writer: writer, log: log, view: view) {
            key, now in
            guard let set = daemonSets.cache.get(key) else { return [] }
            let namespace = set["metadata"]?["namespace"]?.stringValue ?? ""
            return try DaemonSetController.reconcile(
                set, nodes: nodes.cache.list(), pods: pods.lister.list(namespace: namespace), now: now)
        }
        daemonSets.addHandler { daemonSet.queue.add(cacheKey(of: $0.object)) }
        pods.addHandler { event in
            for key in ownerKeys(event, kind: "DaemonSet", orAll: nil) { daemonSet.queue.add(key) }
        }
        nodes.addHandler { event in
            // Heartbeats change only status; labels, taints and membership decide eligibility.
            if case .updated(let old, let new) = event, old["metadata"]?["labels"] == new["metadata"]?["labels"],
               old["spec"] == new["spec"] { return }
            for set in daemonSets.cache.list() { daemonSet.queue.add(cacheKey(of: set)) }
        }
        controllers.append(daemonSet)

        // Node lifecycle: one key per node; its Lease, its pods (by node name).
        pods.cache.addIndexer(Indexers.nodeName, Indexers.byNodeName)
        let leases = factory.informer(apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-node-lease")
        var lifecycleConfiguration = NodeLifecycleController.Configuration()
        lifecycleConfiguration.monitorGracePeriod = seconds(options.nodeMonitorGracePeriod)
        lifecycleConfiguration.startupGracePeriod = seconds(options.nodeStartupGracePeriod)
        let nodeLifecycle = Controller(
            name: "nodelifecycle", component: NodeLifecycleController.component, writer: writer, log: log
        ) { [lifecycleConfiguration] key, now in
            guard let node = nodes.cache.get(key) else { return [] }
            let lease = leases.cache.get(cacheKey(namespace: NodeLifecycleController.leaseNamespace, name: key))
            let actions = try NodeLifecycleController.reconcile(
                node: node, lease: lease,
                pods: pods.cache.byIndex(Indexers.nodeName, key), now: now, configuration: lifecycleConfiguration)
            if actions.contains(where: { if case .event(let e) = $0 { e.reason == "NodeNotReady" } else { false } }) {
                // Why, for whoever reads the log: the heartbeats this controller saw.
                let renew = lease?["spec"]?["renewTime"]?.stringValue ?? "none"
                log("nodelifecycle: node \(key) NotReady at \(RFC3339.format(now)): Lease renewTime \(renew) (Lease informer at resourceVersion \(leases.resourceVersion))")
            }
            return actions
        }
        nodes.addHandler { nodeLifecycle.queue.add(cacheKey(of: $0.object)) }
        leases.addHandler { event in
            // Renewals only matter to a node not Ready (the controller requeues itself for staleness).
            let name = event.object["metadata"]?["name"]?.stringValue ?? ""
            if case .updated = event, let node = nodes.cache.get(name), isReady(node) { return }
            nodeLifecycle.queue.add(name)
        }
        pods.addHandler { event in
            // A pod newly on a node (a tainted one must be evicted).
            guard let node = event.object["spec"]?["nodeName"]?.stringValue, !node.isEmpty else { return }
            switch event {
            case .added: nodeLifecycle.queue.add(node)
            case .updated(let old, _) where old["spec"]?["nodeName"]?.stringValue != node: nodeLifecycle.queue.add(node)
            default: break
            }
        }
        controllers.append(nodeLifecycle)

        // Disruption: PodDisruptionBudget status from the pods it selects and their controllers' replicas.
        if (try? await client.resource(apiVersion: "policy/v1", kind: "PodDisruptionBudget")) != nil {
            let budgets = factory.informer(apiVersion: "policy/v1", kind: "PodDisruptionBudget")
            let disruption = Controller(name: "disruption", component: DisruptionController.component, writer: writer, log: log, view: view) {
                key, now in
                guard let budget = budgets.cache.get(key) else { return [] }
                let namespace = budget["metadata"]?["namespace"]?.stringValue ?? ""
                var replicas: [String: Int] = [:]
                for owner in replicaSets.lister.list(namespace: namespace) + statefulSets.lister.list(namespace: namespace) {
                    guard let uid = owner["metadata"]?["uid"]?.stringValue else { continue }
                    replicas[uid] = Int(owner["spec"]?["replicas"]?.intValue ?? 1)
                }
                return try DisruptionController.reconcile(
                    budget, pods: pods.lister.list(namespace: namespace), replicasByOwnerUID: replicas, now: now)
            }
            budgets.addHandler { disruption.queue.add(cacheKey(of: $0.object)) }
            pods.addHandler { event in
                let namespace = event.object["metadata"]?["namespace"]?.stringValue ?? ""
                for budget in budgets.lister.list(namespace: namespace) { disruption.queue.add(cacheKey(of: budget)) }
            }
            controllers.append(disruption)
        }

        // The cloud controller manager, with the local provider: one key for all Services, one for all nodes,
        // so that one pass never hands an address out twice.
        if let cloud {
            let lb = Controller(name: "service-lb", component: LoadBalancerController.component, writer: writer, workers: 1, log: log, view: view) {
                _, _ in try LoadBalancerController.reconcile(services: services.cache.list(), pool: cloud.loadBalancerPool)
            }
            services.addHandler { _ in lb.queue.add("services") }
            controllers.append(lb)
            let cloudNode = Controller(name: "cloud-node", component: CloudNodeController.component, writer: writer, workers: 1, log: log, view: view) {
                _, _ in try CloudNodeController.reconcile(nodes: nodes.cache.list(), pool: cloud.nodePool)
            }
            nodes.addHandler { event in
                if case .updated(let old, let new) = event, !CloudNodeController.isRelevantUpdate(old: old, new: new) {
                    return
                }
                cloudNode.queue.add("nodes")
            }
            controllers.append(cloudNode)
        }

        // The garbage collector: one key for the whole graph of the kinds it knows.
        var graph = [pods, replicaSets, deployments, services, endpoints, jobs, cronJobs, statefulSets, daemonSets]
        for extra in graphKinds where !graph.contains(where: { $0.apiVersion == extra.apiVersion && $0.kind == extra.kind }) {
            if (try? await client.resource(apiVersion: extra.apiVersion, kind: extra.kind)) != nil {
                graph.append(factory.informer(apiVersion: extra.apiVersion, kind: extra.kind))
            }
        }
        let known = Set(graph.map { "\(group(of: $0.apiVersion))/\($0.kind)" })
        let graphInformers = graph
        let collector = Controller(name: "garbagecollector", component: GarbageCollector.component, writer: writer, workers: 1, log: log, view: view) {
            _, _ in
            // Only objects whose every owner is of a kind seen here: an owner of an unseen kind must never look gone.
            let objects = graphInformers.flatMap { $0.cache.list() }.filter { object in
                (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).allSatisfy { ref in
                    known.contains("\(group(of: ref["apiVersion"]?.stringValue ?? ""))/\(ref["kind"]?.stringValue ?? "")")
                }
            }
            return try GarbageCollector.reconcile(objects: objects)
        }
        var byKind: [String: Informer] = [:]
        for informer in graph { byKind["\(group(of: informer.apiVersion))/\(informer.kind)"] = informer }
        let owners = byKind
        for informer in graph {
            informer.addHandler { event in
                if mattersToCollector(event, owners: owners) { collector.queue.add("graph") }
            }
        }
        controllers.append(collector)

        return ControllerManager(client: client, informers: factory, controllers: controllers, log: log)
    }

    /// Starts the informers, waits for their first lists, and runs every controller until the task is cancelled.
    public func run() async {
        informers.start()
        await informers.waitForSync()
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for controller in controllers { group.addTask { await controller.run() } }
            }
        } onCancel: {
            for controller in controllers { controller.queue.shutDown() }
            informers.shutdown()
        }
        informers.shutdown()
    }
}

/// The keys of `event`'s object's owners of `kind` in its namespace; for an object without a controller
/// owner, every object of `all` in the namespace (they may adopt it).
func ownerKeys(_ event: InformerEvent, kind: String, orAll all: Informer?) -> [String] {
    var objects = [event.object]
    if case .updated(let old, _) = event { objects.append(old) }
    var keys: Set<String> = []
    var orphan = false
    for object in objects {
        let namespace = object["metadata"]?["namespace"]?.stringValue
        if controllerReference(of: object) == nil { orphan = true }
        for ref in object["metadata"]?["ownerReferences"]?.arrayValue ?? [] where ref["kind"]?.stringValue == kind {
            if let name = ref["name"]?.stringValue { keys.insert(cacheKey(namespace: namespace, name: name)) }
        }
    }
    if orphan, let all {
        let namespace = event.object["metadata"]?["namespace"]?.stringValue ?? ""
        for candidate in all.lister.list(namespace: namespace) { keys.insert(cacheKey(of: candidate)) }
    }
    return keys.sorted()
}

/// Whether an informer event can change what the garbage collector decides (each run reads the whole graph, so
/// with 50,000 pods it must not run for every status write): a deletion; a new object being deleted or with an
/// owner that is not in the caches (by UID); a change of owner references, finalizers or deletionTimestamp.
func mattersToCollector(_ event: InformerEvent, owners: [String: Informer]) -> Bool {
    switch event {
    case .deleted:
        return true
    case .updated(let old, let new):
        let before = old["metadata"], after = new["metadata"]
        return before?["ownerReferences"] != after?["ownerReferences"] || before?["finalizers"] != after?["finalizers"]
            || before?["deletionTimestamp"] != after?["deletionTimestamp"]
    case .added(let object):
        let meta = object["metadata"]
        if meta?["deletionTimestamp"] != nil { return true }
        let namespace = meta?["namespace"]?.stringValue
        for ref in meta?["ownerReferences"]?.arrayValue ?? [] {
            let kind = "\(group(of: ref["apiVersion"]?.stringValue ?? ""))/\(ref["kind"]?.stringValue ?? "")"
            guard let informer = owners[kind], let name = ref["name"]?.stringValue,
                  let owner = informer.cache.get(cacheKey(namespace: namespace, name: name)),
                  owner["metadata"]?["uid"] == ref["uid"]
            else { return true }
        }
        return false
    }
}

/// Whether a Service selects pods (one without a selector, such as `default/kubernetes`, ignores them, so its
/// reconcile need not be handed every pod of the namespace on each pod change).
func hasSelector(_ service: JSONValue?) -> Bool {
    service?["spec"]?["selector"]?.objectValue != nil
}

/// The owner reference of `object` marked `controller: true`, if any.
func controllerReference(of object: JSONValue) -> JSONValue? {
    (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).first { $0["controller"]?.boolValue == true }
}

/// The pod index of orphans: pods without a controlling owner, filed under their namespace.
let orphanIndex = "orphansByNamespace"

/// Files an object without a controller owner reference under its namespace.
let orphansByNamespace: IndexFunction = { object in
    if controllerReference(of: object) != nil { return [] }
    return [object["metadata"]?["namespace"]?.stringValue ?? ""]
}

/// `first` then the objects of `second` not in it (by namespace/name).
func unionByKey(_ first: [JSONValue], _ second: [JSONValue]) -> [JSONValue] {
    guard !first.isEmpty, !second.isEmpty else { return first + second }
    let keys = Set(first.map { cacheKey(of: $0) })
    return first + second.filter { !keys.contains(cacheKey(of: $0)) }
}

/// Whether the node's Ready condition is True.
func isReady(_ node: JSONValue) -> Bool {
    (node["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> TimeInterval {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `namespace/name` split; a key without a slash is a cluster-scoped name.
func splitKey(_ key: String) -> (namespace: String, name: String) {
    guard let slash = key.firstIndex(of: "/") else { return ("", key) }
    return (String(key[..<slash]), String(key[key.index(after: slash)...]))
}

/// The group of `apps/v1` (empty for `v1`).
func group(of apiVersion: String) -> String {
    guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
    return String(apiVersion[..<slash])
}

/// A cloud provider for a cluster on one machine: load balancer addresses and node addresses come from
/// local pools instead of a cloud's API.
public struct LocalCloudProvider: Sendable {
    /// Where `type: LoadBalancer` Services get their `status.loadBalancer.ingress` addresses.
    public var loadBalancerPool: AddressPool
    /// Where nodes without an InternalIP get one.
    public var nodePool: AddressPool

    /// A provider with these pools (node addresses default to 10.0.0.0/16, for nodes registered without one).
    public init(loadBalancerPool: AddressPool, nodePool: AddressPool? = nil) {
        self.loadBalancerPool = loadBalancerPool
        self.nodePool = nodePool ?? (try? AddressPool(parsing: "10.0.0.0/16")) ?? loadBalancerPool
    }
}
