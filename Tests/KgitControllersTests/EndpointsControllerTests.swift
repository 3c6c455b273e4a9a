import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

enum ServiceFixture {
    static func service(
        _ name: String = "web", selector: [String: String]? = ["app": "web"],
        ports: [JSONValue] = [["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"]],
        headless: Bool = false, publishNotReady: Bool = false, labels: [String: String] = ["tier": "fe"]
    ) -> JSONValue {
        var spec: [String: JSONValue] = ["ports": .array(ports)]
        if let selector { spec["selector"] = Fixture.labels(selector) }
        if headless { spec["clusterIP"] = "None" }
        if publishNotReady { spec["publishNotReadyAddresses"] = true }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": .string(name), "namespace": "shop", "uid": .string("svc-\(name)"),
                         "labels": Fixture.labels(labels), "resourceVersion": "4"],
            "spec": .object(spec),
        ]
    }
}

@Suite("Endpoints controller")
struct EndpointsControllerTests {
    func reconcile(_ service: JSONValue?, _ pods: [JSONValue], endpoints: JSONValue? = nil) throws -> [ControllerAction] {
        try EndpointsController.reconcile(namespace: "shop", name: "web", service: service, pods: pods, endpoints: endpoints)
    }

    @Test("ready pods are addresses and not-ready pods notReadyAddresses, with the named target port resolved per pod")
    func readyAndNotReady() throws {
        let pods = [
            Fixture.pod("b", node: "node-2", ip: "10.0.0.12", ports: [("http", 8080)]),
            Fixture.pod("a", node: "node-1", ip: "10.0.0.9", ports: [("http", 8080)]),
            Fixture.pod("c", ready: false, ip: "10.0.0.30", ports: [("http", 8080)]),
        ]
        let created = try #require(try reconcile(ServiceFixture.service(), pods).creates.first)
        #expect(created.name == "web")
        #expect(created.value(at: ["metadata", "labels"]) == ["tier": "fe"])
        let subsets = created["subsets"]?.arrayValue ?? []
        #expect(subsets.count == 1)
        #expect(subsets.first?["addresses"]?.arrayValue?.compactMap { $0["ip"] } == ["10.0.0.9", "10.0.0.12"],
                "sorted by IP numerically")
        #expect(subsets.first?["notReadyAddresses"]?.arrayValue?.compactMap { $0["ip"] } == ["10.0.0.30"])
        #expect(subsets.first?["ports"] == [["name": "http", "port": 8080, "protocol": "TCP"]])
        #expect(subsets.first?["addresses"]?.arrayValue?.first?["targetRef"] == ["kind": "Pod", "namespace": "shop", "name": "a", "uid": "pod-a"])
        #expect(subsets.first?["addresses"]?.arrayValue?.first?["nodeName"] == "node-1")
    }

    @Test("pods whose named port resolves to different numbers land in different subsets")
    func differentPortsDifferentSubsets() throws {
        let pods = [
            Fixture.pod("a", ip: "10.0.0.1", ports: [("http", 8080)]),
            Fixture.pod("b", ip: "10.0.0.2", ports: [("http", 9090)]),
        ]
        let subsets = try reconcile(ServiceFixture.service(), pods).creates.first?["subsets"]?.arrayValue ?? []
        #expect(subsets.map { $0["ports"]?.arrayValue?.first?["port"] } == [8080, 9090])
    }

    @Test("a numeric target port is used as is, and a port the pod does not declare by name leaves the pod out")
    func numericAndUnresolvable() throws {
        let service = ServiceFixture.service(ports: [["name": "web", "port": 80, "targetPort": 8000]])
        let numeric = try reconcile(service, [Fixture.pod("a", ip: "10.0.0.1")]).creates.first?["subsets"]?.arrayValue
        #expect(numeric?.first?["ports"] == [["name": "web", "port": 8000, "protocol": "TCP"]])
        let unresolved = try reconcile(ServiceFixture.service(), [Fixture.pod("a", ip: "10.0.0.1")])
        #expect(unresolved.creates.first?["subsets"] == [])
    }

    @Test("pods without an IP, finished pods, terminating pods and unselected pods are not endpoints")
    func excludedPods() throws {
        let pods = [
            Fixture.pod("no-ip", ports: [("http", 8080)]),
            Fixture.pod("done", phase: "Succeeded", ip: "10.0.0.2", ports: [("http", 8080)]),
            Fixture.pod("going", deleting: true, ip: "10.0.0.3", ports: [("http", 8080)]),
            Fixture.pod("other", labels: ["app": "db"], ip: "10.0.0.4", ports: [("http", 8080)]),
        ]
        #expect(try reconcile(ServiceFixture.service(), pods).creates.first?["subsets"] == [])
    }

    @Test("publishNotReadyAddresses lists not-ready pods as addresses")
    func publishNotReady() throws {
        let pods = [Fixture.pod("a", ready: false, ip: "10.0.0.1", ports: [("http", 8080)])]
        let subsets = try reconcile(ServiceFixture.service(publishNotReady: true), pods).creates.first?["subsets"]?.arrayValue
        #expect(subsets?.first?["addresses"]?.arrayValue?.count == 1)
        #expect(subsets?.first?["notReadyAddresses"] == nil)
    }

    @Test("unchanged endpoints are not rewritten; changed ones are patched under the stored resourceVersion")
    func updatesOnlyOnChange() throws {
        let pods = [Fixture.pod("a", ip: "10.0.0.1", ports: [("http", 8080)])]
        var stored = try #require(try reconcile(ServiceFixture.service(), pods).creates.first)
        stored.setValue("42", at: ["metadata", "resourceVersion"])
        #expect(try reconcile(ServiceFixture.service(), pods, endpoints: stored).isEmpty)
        let more = pods + [Fixture.pod("b", ip: "10.0.0.2", ports: [("http", 8080)])]
        let patch = try #require(try reconcile(ServiceFixture.service(), more, endpoints: stored).patches.first)
        #expect(patch.1.value(at: ["metadata", "resourceVersion"]) == "42")
        #expect(patch.1["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.count == 2)
    }

    @Test("a Service without a selector is left to its owner; a deleted Service loses its Endpoints")
    func selectorlessAndDeleted() throws {
        #expect(try reconcile(ServiceFixture.service(selector: nil), [Fixture.pod("a", ip: "10.0.0.1")]).isEmpty)
        let actions = try reconcile(nil, [], endpoints: ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": "web"]])
        #expect(actions.deletes.map(\.0.name) == ["web"])
    }

    @Test("a headless Service's Endpoints carry the headless label and pods' hostnames under their subdomain")
    func headless() throws {
        var pod = Fixture.pod("a", ip: "10.0.0.1", ports: [("http", 8080)])
        pod.setValue("a-host", at: ["spec", "hostname"])
        pod.setValue("web", at: ["spec", "subdomain"])
        let created = try #require(try reconcile(ServiceFixture.service(headless: true), [pod]).creates.first)
        #expect(created.value(at: ["metadata", "labels", "service.kubernetes.io/headless"]) == "")
        #expect(created["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.first?["hostname"] == "a-host")
    }
}

@Suite("EndpointSlice controller")
struct EndpointSliceControllerTests {
    func reconcile(_ service: JSONValue, _ pods: [JSONValue], slices: [JSONValue] = []) throws -> [ControllerAction] {
        try EndpointSliceController.reconcile(service: service, pods: pods, slices: slices)
    }

    @Test("a slice lists every selected pod with ready, serving and terminating conditions, and is owned by the Service")
    func conditions() throws {
        let pods = [
            Fixture.pod("ready", ip: "10.0.0.1", ports: [("http", 8080)]),
            Fixture.pod("unready", ready: false, ip: "10.0.0.2", ports: [("http", 8080)]),
            Fixture.pod("terminating", deleting: true, ip: "10.0.0.3", ports: [("http", 8080)]),
        ]
        let slice = try #require(try reconcile(ServiceFixture.service(), pods).creates.first)
        #expect(slice.value(at: ["metadata", "generateName"]) == "web-")
        #expect(slice.value(at: ["metadata", "labels", "kubernetes.io/service-name"]) == "web")
        #expect(slice.value(at: ["metadata", "labels", "endpointslice.kubernetes.io/managed-by"]) == "endpointslice-controller.k8s.io")
        #expect(try ObjectMeta(slice).controllerRef?.uid == "svc-web")
        #expect(slice["addressType"] == "IPv4")
        #expect(slice["ports"] == [["name": "http", "port": 8080, "protocol": "TCP"]])
        let conditions = slice["endpoints"]?.arrayValue?.map { $0["conditions"] } ?? []
        #expect(conditions == [
            ["ready": true, "serving": true, "terminating": false],
            ["ready": false, "serving": false, "terminating": false],
            ["ready": false, "serving": true, "terminating": true],
        ])
    }

    @Test("more than 100 endpoints are split across slices")
    func chunking() throws {
        let pods = (0..<150).map { Fixture.pod("p\($0)", ip: "10.0.\($0 / 200).\($0 % 200 + 1)", ports: [("http", 8080)]) }
        let created = try reconcile(ServiceFixture.service(), pods).creates
        #expect(created.map { $0["endpoints"]?.arrayValue?.count ?? 0 } == [100, 50])
    }

    @Test("a Service with no endpoints keeps one empty placeholder slice")
    func placeholder() throws {
        let created = try reconcile(ServiceFixture.service(), []).creates
        #expect(created.count == 1)
        #expect(created.first?["endpoints"] == [])
    }

    @Test("existing slices are patched in place when endpoints change, left alone when not, and deleted when surplus")
    func reconcilesExisting() throws {
        let pods = [Fixture.pod("a", ip: "10.0.0.1", ports: [("http", 8080)])]
        var slice = try #require(try reconcile(ServiceFixture.service(), pods).creates.first)
        slice.setValue("web-abcde", at: ["metadata", "name"])
        slice.setValue("9", at: ["metadata", "resourceVersion"])
        #expect(try reconcile(ServiceFixture.service(), pods, slices: [slice]).isEmpty)
        let grown = try reconcile(ServiceFixture.service(), pods + [Fixture.pod("b", ip: "10.0.0.2", ports: [("http", 8080)])],
                                  slices: [slice])
        #expect(grown.patches.first?.0.name == "web-abcde")
        #expect(grown.patches.first?.1["endpoints"]?.arrayValue?.count == 2)
        var extra = slice
        extra.setValue("web-zzzzz", at: ["metadata", "name"])
        let trimmed = try reconcile(ServiceFixture.service(), pods, slices: [slice, extra])
        #expect(trimmed.deletes.map(\.0.name) == ["web-zzzzz"])
    }
}
