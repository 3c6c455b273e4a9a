import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// DeleteOptions: propagation policy finalizers and pods' grace periods, in process.
@Suite("DeleteOptions: propagation policy and grace period", .timeLimit(.minutes(3)))
struct DeleteOptionsTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"
    static let pods = "/api/v1/namespaces/default/pods"

    static func pod(_ name: String, node: String?, grace: Int64? = nil) -> JSONValue {
        var spec: JSONValue = ["containers": [["name": "app", "image": "nginx"]]]
        if let node { spec["nodeName"] = .string(node) }
        if let grace { spec["terminationGracePeriodSeconds"] = .int(grace) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)], "spec": spec]
    }

    static func finalizers(_ object: JSONValue) -> [String] {
        (object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue)
    }

    @Test("Foreground and Orphan (in the body or the query) add their finalizer and keep the object; Background removes at once",
          arguments: [("Foreground", "foregroundDeletion", true), ("Orphan", "orphan", true),
                      ("Foreground", "foregroundDeletion", false), ("Orphan", "orphan", false)])
    func propagation(policy: String, finalizer: String, inBody: Bool) async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", Self.configMaps, json: TestAPI.configMap("owner"))
        let answer = inBody
            ? await api.request("DELETE", "\(Self.configMaps)/owner",
                                json: ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(policy)])
            : await api.request("DELETE", "\(Self.configMaps)/owner?propagationPolicy=\(policy)")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["kind"] == "ConfigMap")
        #expect(Self.finalizers(answer.json) == [finalizer])
        #expect(answer.json.value(at: ["metadata", "deletionTimestamp"]) != nil)
        #expect(answer.json.value(at: ["metadata", "deletionGracePeriodSeconds"]) == 0)
        // The garbage collector removes the finalizer once it is done; then the object goes.
        _ = await api.request("PATCH", "\(Self.configMaps)/owner", body: Array(#"{"metadata":{"finalizers":null}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        #expect(await api.request("GET", "\(Self.configMaps)/owner").status == 404)

        _ = await api.request("POST", Self.configMaps, json: TestAPI.configMap("plain"))
        let background = await api.request("DELETE", "\(Self.configMaps)/plain",
                                           json: ["propagationPolicy": "Background"])
        #expect(background.json["kind"] == "Status")
        #expect(await api.request("GET", "\(Self.configMaps)/plain").status == 404)
    }

    @Test("an unknown propagation policy is a 422 naming the field")
    func unknownPolicy() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", Self.configMaps, json: TestAPI.configMap("cm"))
        let answer = await api.request("DELETE", "\(Self.configMaps)/cm", json: ["propagationPolicy": "Sideways"])
        #expect(answer.status == 422)
        #expect(answer.json.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "propagationPolicy")
    }

    @Test("a pod bound to a node waits out its grace period until a delete with gracePeriodSeconds=0")
    func boundPodGrace() async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let api = try await TestAPI(clock: { start })
        _ = await api.request("POST", Self.pods, json: Self.pod("web", node: "n1"))
        let first = await api.request("DELETE", "\(Self.pods)/web")
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json["kind"] == "Pod")
        #expect(first.json.value(at: ["metadata", "deletionGracePeriodSeconds"]) == 30)
        #expect(first.json.value(at: ["metadata", "deletionTimestamp"]) == .string(RFC3339.format(start.addingTimeInterval(30))))
        #expect(await api.request("GET", "\(Self.pods)/web").status == 200)

        let shorter = await api.request("DELETE", "\(Self.pods)/web", json: ["gracePeriodSeconds": 5])
        #expect(shorter.json.value(at: ["metadata", "deletionGracePeriodSeconds"]) == 5)
        let longer = await api.request("DELETE", "\(Self.pods)/web", json: ["gracePeriodSeconds": 60])
        #expect(longer.json.value(at: ["metadata", "deletionGracePeriodSeconds"]) == 5, "a grace period only shortens")

        let confirmed = await api.request("DELETE", "\(Self.pods)/web", json: ["gracePeriodSeconds": 0])
        #expect(confirmed.json["kind"] == "Status", "\(confirmed.text)")
        #expect(await api.request("GET", "\(Self.pods)/web").status == 404)
    }

    @Test("a bound pod takes its spec.terminationGracePeriodSeconds; an unbound pod goes at once")
    func specGraceAndUnbound() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", Self.pods, json: Self.pod("slow", node: "n1", grace: 120))
        let slow = await api.request("DELETE", "\(Self.pods)/slow")
        #expect(slow.json.value(at: ["metadata", "deletionGracePeriodSeconds"]) == 120)
        _ = await api.request("POST", Self.pods, json: Self.pod("pending", node: nil))
        let pending = await api.request("DELETE", "\(Self.pods)/pending")
        #expect(pending.json["kind"] == "Status")
        #expect(await api.request("GET", "\(Self.pods)/pending").status == 404)
        _ = await api.request("POST", Self.pods, json: Self.pod("forced", node: "n1"))
        let forced = await api.request("DELETE", "\(Self.pods)/forced?gracePeriodSeconds=0")
        #expect(forced.json["kind"] == "Status")
    }

    @Test("a terminating pod with a finalizer goes when both its grace period ended and the finalizer is removed")
    func graceAndFinalizer() async throws {
        let api = try await TestAPI()
        var pod = Self.pod("held", node: "n1")
        pod.setValue(["example.com/hold"], at: ["metadata", "finalizers"])
        _ = await api.request("POST", Self.pods, json: pod)
        _ = await api.request("DELETE", "\(Self.pods)/held")
        _ = await api.request("PATCH", "\(Self.pods)/held", body: Array(#"{"metadata":{"finalizers":null}}"#.utf8),
                              headers: [("Content-Type", "application/merge-patch+json")])
        #expect(await api.request("GET", "\(Self.pods)/held").status == 200, "the grace period still runs")
        _ = await api.request("DELETE", "\(Self.pods)/held", json: ["gracePeriodSeconds": 0])
        #expect(await api.request("GET", "\(Self.pods)/held").status == 404)
    }
}
