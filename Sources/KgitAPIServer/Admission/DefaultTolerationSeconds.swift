import KgitAPIMachinery

/// Upstream's `DefaultTolerationSeconds` plugin: a new pod that does not tolerate the
/// `node.kubernetes.io/not-ready` or `node.kubernetes.io/unreachable` `NoExecute` taints gets a
/// toleration of each for 300 s, so its node's failure evicts it after five minutes rather than at once.
struct DefaultTolerationSeconds: AdmissionPlugin {
    var name: String { "DefaultTolerationSeconds" }

    /// How long the added tolerations last (upstream's `--default-not-ready-toleration-seconds`).
    var seconds: Int64 = 300

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods") else { return }
        var tolerations = request.object.value(at: ["spec", "tolerations"])?.arrayValue ?? []
        var changed = false
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            let tolerated = tolerations.contains { t in
                let tKey = t["key"]?.stringValue ?? ""
                let effect = t["effect"]?.stringValue ?? ""
                let op = t["operator"]?.stringValue ?? "Equal"
                return (tKey == key || (tKey.isEmpty && op == "Exists")) && (effect.isEmpty || effect == "NoExecute")
            }
            guard !tolerated else { continue }
            tolerations.append([
                "key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": .int(seconds),
            ])
            changed = true
        }
        if changed { request.object.setValue(.array(tolerations), at: ["spec", "tolerations"]) }
    }
}
