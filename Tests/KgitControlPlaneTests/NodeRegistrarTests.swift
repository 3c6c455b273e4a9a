import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControlPlane
import Testing

@Suite("NodeRegistrar: simulated nodes registered through the API", .timeLimit(.minutes(2)))
struct NodeRegistrarTests {
    @Test("nodes are created with capacity and a Ready condition, and a heartbeat moves their lastHeartbeatTime")
    func registerAndBeat() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let registrar = NodeRegistrar(client: cluster.client, count: 3)
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        try await registrar.register(now: start)
        try await registrar.register(now: start)  // a second registration finds the nodes and keeps them
        let nodes = try await cluster.client.list(apiVersion: "v1", kind: "Node").items
        #expect(nodes.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() == ["kgit-node-1", "kgit-node-2", "kgit-node-3"])
        for node in nodes {
            let ready = node["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }
            #expect(ready?["status"] == "True")
            #expect(node["status"]?["allocatable"]?["cpu"] == "4")
            #expect(node["status"]?["capacity"]?["pods"] == "110")
        }
        try await registrar.beat(now: start.addingTimeInterval(30))
        let node = try await cluster.client.get(ObjectReference(apiVersion: "v1", kind: "Node", name: "kgit-node-2"))
        let ready = node["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }
        #expect(ready?["lastHeartbeatTime"]?.stringValue == RFC3339.format(start.addingTimeInterval(30)))
    }
}
