import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Events the server writes")
struct EventRecorderTests {
    @Test("a repeated event is one Event whose count grows; a different one is another Event")
    func aggregates() async throws {
        let api = try await TestAPI()
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("cfg"))
        let info = try #require(api.handler.catalog.lookup(group: "", version: "v1", resource: "configmaps"))
        for _ in 0..<3 {
            await api.handler.events.record(.warning, reason: "Broken", message: "it broke", about: created.json, info: info)
        }
        await api.handler.events.record(.normal, reason: "Fixed", message: "it works", about: created.json, info: info)
        let uid = try #require(created.json.value(at: ["metadata", "uid"])?.stringValue)
        let list = await api.request("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3D\(uid)")
        let events = try #require(list.json["items"]?.arrayValue)
        #expect(events.count == 2)
        let broken = try #require(events.first { $0["reason"] == "Broken" })
        #expect(broken["count"] == 3)
        #expect(broken["type"] == "Warning")
        #expect(broken.value(at: ["involvedObject", "kind"]) == "ConfigMap")
        #expect(broken.value(at: ["involvedObject", "name"]) == "cfg")
        #expect(broken.value(at: ["source", "component"]) == "kgit-apiserver")
    }

    @Test("scaling through /scale records a Scaled event on the object")
    func scaled() async throws {
        let api = try await TestAPI()
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
            "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]],
                                  "spec": ["containers": [["name": "app", "image": "nginx"]]]]],
        ]
        let created = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", json: deployment)
        #expect(created.status == 201, "\(created.text)")
        _ = await api.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                              body: Array(#"{"spec":{"replicas":3}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        let list = await api.request("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb")
        let messages = list.json["items"]?.arrayValue?.compactMap { $0["message"]?.stringValue }
        #expect(messages == ["Scaled deployment web from 1 to 3 replicas"])
    }

    @Test("controllers create events through the API, and they are listed by the object they are about")
    func createdThroughTheAPI() async throws {
        let api = try await TestAPI()
        let event: JSONValue = [
            "metadata": ["name": "app.1"], "involvedObject": ["kind": "Application", "name": "shop", "namespace": "default"],
            "reason": "Synced", "message": "synced to abc123", "type": "Normal", "source": ["component": "kgit-sync"],
        ]
        let created = await api.request("POST", "/api/v1/namespaces/default/events", json: event)
        #expect(created.status == 201, "\(created.text)")
        let invalid = await api.request("POST", "/api/v1/namespaces/default/events",
                                        json: ["metadata": ["name": "bad"], "type": 5])
        #expect(invalid.status == 422, "\(invalid.text)")
        let list = await api.request("GET", "/api/v1/events?fieldSelector=involvedObject.kind%3DApplication,reason%3DSynced")
        #expect(list.json["items"]?.arrayValue?.count == 1)
    }
}
