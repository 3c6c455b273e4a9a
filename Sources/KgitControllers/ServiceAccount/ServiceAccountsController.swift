import KgitAPIMachinery

/// The service accounts controller: every active namespace has a ServiceAccount named `default`
/// (upstream's `serviceaccount-controller`; tokens are minted by the API server on request, so no
/// token Secret is created, as since Kubernetes 1.24).
public enum ServiceAccountsController {
    /// The `source.component` of this controller's events.
    public static let component = "service-account-controller"
    /// The ServiceAccounts every namespace gets.
    public static let accounts = ["default"]

    /// Decides what to do for `namespace` given the ServiceAccounts in it.
    public static func reconcile(namespace: JSONValue, serviceAccounts: [JSONValue]) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        let ns = try ObjectMeta(namespace)
        let phase = namespace.value(at: ["status", "phase"])?.stringValue ?? "Active"
        guard !ns.isBeingDeleted, phase == "Active" else { return [] }
        var present: Set<String> = []
        for sa in serviceAccounts {
            let m = try ObjectMeta(sa)
            if m.namespace == ns.name { present.insert(m.name) }
        }
        return accounts.filter { !present.contains($0) }.map { name in
            .create(["apiVersion": "v1", "kind": "ServiceAccount",
                     "metadata": ["name": .string(name), "namespace": .string(ns.name)]])
        }
    }
}
