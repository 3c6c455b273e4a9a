import Foundation
import Testing

/// Deleting and editing with the real kubectl against a real `kgit server`.
@Suite("kubectl delete, edit and annotate", .serialized, .enabled(if: Tools.endToEnd))
struct KubectlDeleteEditTests {
    static let manifests = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: one, labels: {tier: web}}
        data: {a: "1"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: two, labels: {tier: web}}
        data: {a: "2"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: three, labels: {tier: db}}
        data: {a: "3"}
        """

    static func names(_ result: ServerProcess.Result) -> [String] {
        result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("configmap/") }
    }

    @Test("delete -f, -l and --all delete what they name and print what kubectl prints", .timeLimit(.minutes(4)))
    func deleteForms() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let file = server.root.appendingPathComponent("cms.yaml")
        try Self.manifests.write(to: file, atomically: true, encoding: .utf8)
        try await server.kubectl(["apply", "-f", file.path])
        let byLabel = try await server.kubectl(["delete", "configmap", "-l", "tier=web"])
        #expect(byLabel.stdout == "configmap \"one\" deleted\nconfigmap \"two\" deleted\n", "\(byLabel)")
        let left = try await server.kubectl(["get", "configmaps", "-o", "name"])
        #expect(Self.names(left) == ["configmap/three"], "\(left)")

        try await server.kubectl(["apply", "-f", file.path])
        let byFile = try await server.kubectl(["delete", "-f", file.path])
        #expect(byFile.stdout == "configmap \"one\" deleted\nconfigmap \"two\" deleted\nconfigmap \"three\" deleted\n",
                "\(byFile)")

        try await server.kubectl(["apply", "-f", file.path])
        let all = try await server.kubectl(["delete", "configmaps", "--all"])
        #expect(all.stdout.contains("configmap \"one\" deleted") && all.stdout.contains("configmap \"three\" deleted"), "\(all)")
        let none = try await server.kubectl(["get", "configmaps", "-o", "name"])
        #expect(Self.names(none).isEmpty, "\(none)")
    }

    @Test("delete namespace removes its contents, and the namespace refuses new content while terminating",
          .timeLimit(.minutes(4)))
    func deleteNamespace() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "namespace", "team"])
        try await server.kubectl(["create", "configmap", "cfg", "-n", "team", "--from-literal=a=1"])
        try await server.kubectl(["create", "deployment", "web", "-n", "team", "--image=nginx"])
        // A finalizer holds the namespace in Terminating until it is removed.
        try await server.kubectl(["patch", "configmap", "cfg", "-n", "team", "--type", "merge", "-p",
                                  #"{"metadata":{"finalizers":["example.com/hold"]}}"#])
        let deleting = try await server.kubectl(["delete", "namespace", "team", "--wait=false"])
        #expect(deleting.stdout == "namespace \"team\" deleted\n", "\(deleting)")
        let status = try await server.kubectl(["get", "namespace", "team", "-o", "jsonpath={.status.phase}"])
        #expect(status.stdout == "Terminating", "\(status)")
        let refused = try await server.kubectl(["create", "configmap", "late", "-n", "team"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(#"error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated"#),
                "\(refused)")
        try await server.kubectl(["patch", "configmap", "cfg", "-n", "team", "--type", "merge", "-p",
                                  #"{"metadata":{"finalizers":null}}"#])
        let waited = try await server.kubectl(["wait", "--for=delete", "namespace/team", "--timeout=120s"])
        #expect(waited.status == 0, "\(waited)")
        let gone = try await server.kubectl(["get", "deployments", "-n", "team", "-o", "name"])
        #expect(gone.stdout.isEmpty, "\(gone)")
    }

    @Test("edit with a non-interactive KUBE_EDITOR, and annotate", .timeLimit(.minutes(4)))
    func editAndAnnotate() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "configmap", "cfg", "--from-literal=colour=red"])
        let editor = server.root.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nsed -i 's/colour: red/colour: blue/' \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let edited = try await server.kubectl(["edit", "configmap", "cfg"], environment: ["KUBE_EDITOR": editor.path])
        #expect(edited.stdout == "configmap/cfg edited\n", "\(edited)")
        let colour = try await server.kubectl(["get", "configmap", "cfg", "-o", "jsonpath={.data.colour}"])
        #expect(colour.stdout == "blue", "\(colour)")
        let unchanged = try await server.kubectl(["edit", "configmap", "cfg"], environment: ["KUBE_EDITOR": "true"])
        #expect(unchanged.status == 0 && unchanged.stderr == "Edit cancelled, no changes made.\n", "\(unchanged)")

        let annotated = try await server.kubectl(["annotate", "configmap", "cfg", "owner=team-a"])
        #expect(annotated.stdout == "configmap/cfg annotated\n", "\(annotated)")
        let refused = try await server.kubectl(["annotate", "configmap", "cfg", "owner=team-b"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--overwrite is false but found the following declared annotation(s): 'owner' already has a value (team-a)"),
                "\(refused)")
        try await server.kubectl(["annotate", "configmap", "cfg", "owner=team-b", "--overwrite"])
        let removed = try await server.kubectl(["annotate", "configmap", "cfg", "owner-"])
        #expect(removed.stdout == "configmap/cfg annotated\n", "\(removed)")
        let annotations = try await server.kubectl(["get", "configmap", "cfg", "-o", "jsonpath={.metadata.annotations}"])
        #expect(!annotations.stdout.contains("owner"), "\(annotations)")
    }
}
