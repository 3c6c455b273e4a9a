import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("YAML request bodies")
struct YAMLBodyTests {
    @Test("application/yaml creates an object, with YAML 1.1 scalars resolved as Kubernetes does")
    func createFromYAML() async throws {
        let api = try await TestAPI()
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              labels: {app: web}
            data:
              quoted: "yes"
              number: "8080"
            """
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps", body: Array(yaml.utf8),
                                       headers: [("Content-Type", "application/yaml")])
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.json["data"] == ["quoted": "yes", "number": "8080"])
        #expect(answer.json.value(at: ["metadata", "labels", "app"]) == "web")
    }

    @Test("server-side apply accepts a YAML body")
    func applyYAML() async throws {
        let api = try await TestAPI()
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: '1'\n"
        let answer = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=tool",
                                       body: Array(yaml.utf8), headers: [("Content-Type", "application/apply-patch+yaml")])
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.json.value(at: ["data", "a"]) == "1")
    }

    @Test("malformed YAML and multi-document bodies are 400", arguments: ["a: [1, 2", "a: 1\n---\nb: 2\n"])
    func badYAML(_ text: String) async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/default/configmaps", body: Array(text.utf8),
                                       headers: [("Content-Type", "application/yaml")])
        #expect(answer.status == 400)
    }
}
