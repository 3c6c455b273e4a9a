import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Defaults")
struct DefaultsTests {
    static func container(requests: JSONValue? = nil, limits: JSONValue? = nil) -> JSONValue {
        var resources: JSONValue = [:]
        if let requests { resources["requests"] = requests }
        if let limits { resources["limits"] = limits }
        return ["name": "c", "image": "nginx", "resources": resources]
    }

    @Test("a pod's QoS class follows its containers' requests and limits", arguments: [
        (container(), "BestEffort"),
        (container(requests: ["cpu": "100m"]), "Burstable"),
        (container(limits: ["cpu": "1", "memory": "1Gi"]), "Guaranteed"),
        (container(requests: ["cpu": "1", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"]), "Guaranteed"),
        (container(requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"]), "Burstable"),
        (container(limits: ["cpu": "1"]), "Burstable"),
    ])
    func qosClass(container: JSONValue, expected: String) {
        #expect(Defaults.qosClass(["containers": [container]]) == expected)
    }
}
