import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Nothing a client sends may crash the server: hostile paths, queries and bodies get Status errors.
@Suite("Hostile input")
struct HostileInputTests {
    static let bodies: [[UInt8]] = [
        Array(String(repeating: "[", count: 50_000).utf8),
        [0xFF, 0xFE, 0x00, 0x7B],
        Array(#"{"metadata":{"name":"\ud800"}}"#.utf8),
        Array(#"{"metadata":[],"spec":"x"}"#.utf8),
        Array(#"{"metadata":{"name":"ok","labels":{"a":1}},"data":{"k":{"nested":true}}}"#.utf8),
        Array("null".utf8),
        Array(#"[{"op":"move","from":"/metadata","path":"/metadata/x"}]"#.utf8),
    ]

    @Test("malformed bodies on every write verb answer with a Status, never a crash")
    func bodies() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("live"))
        let types = ["application/json", "application/merge-patch+json", "application/json-patch+json",
                     "application/strategic-merge-patch+json", "application/apply-patch+yaml",
                     "application/vnd.kubernetes.protobuf", "application/yaml"]
        for body in Self.bodies {
            for type in types {
                for (method, path) in [("POST", "/api/v1/namespaces/default/configmaps"),
                                       ("PUT", "/api/v1/namespaces/default/configmaps/live"),
                                       ("PATCH", "/api/v1/namespaces/default/configmaps/live?fieldManager=x"),
                                       ("DELETE", "/api/v1/namespaces/default/configmaps/nope")] {
                    let answer = await api.request(method, path, body: body, headers: [("Content-Type", type)])
                    // Each body is wrong for its verb: the client is told so (4xx), never a server error or success.
                    #expect((400..<500).contains(answer.status), "\(method) \(type): \(answer.status) \(answer.text)")
                    #expect(answer.json["kind"] == "Status", "\(method) \(type): \(answer.text)")
                }
            }
        }
    }

    @Test("odd paths and queries are 4xx Status answers", arguments: [
        "/api/v1/namespaces/%00/configmaps", "/api/v1/namespaces/default/configmaps/a/b/c/d", "/apis//v1",
        "/api/v1/configmaps?limit=-1", "/api/v1/configmaps?labelSelector=%28%28%28", "/api/v1/configmaps?watch=true&resourceVersion=abc",
        "/api/v1/configmaps?continue=%FF%FE", "/api/v1/configmaps?timeoutSeconds=1e9", "/openapi/v3/apis/../../etc/passwd",
        "/api/v1/namespaces/default/pods/x/exec", "/%", "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name",
    ])
    func paths(_ target: String) async throws {
        let api = try await TestAPI()
        let answer = await api.request("GET", target)
        #expect((400..<500).contains(answer.status), "\(target): \(answer.status) \(answer.text)")
        #expect(answer.json["kind"] == "Status")
    }
}
