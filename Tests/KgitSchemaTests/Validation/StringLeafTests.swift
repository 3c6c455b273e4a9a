import KgitSchema
import KgitYAML
import Testing

/// String fields that accept any string are not walked into for string values; everything else about
/// them is still checked.
@Suite struct StringLeafTests {
    @Test func stringFieldsListsAndMapsOfStringsAcceptStrings() throws {
        let found = try diagnostics(deployment(container: "args: [serve, '--port', \"8080\"]\nworkingDir: /srv"))
        #expect(found.isEmpty, "\(found)")
    }

    @Test func aNonStringInAPlainStringFieldIsStillAMismatch() throws {
        let found = try diagnostics(deployment(container: "workingDir: {path: /srv}"))
        #expect(codes(found) == ["type-mismatch"])
        #expect(found.first?.path == ".spec.template.spec.containers[name=\"web\"].workingDir")
        #expect(found.first?.message == "expected string, found object")
    }

    @Test func aNonStringElementOfAListOfStringsIsStillAMismatch() throws {
        let found = try diagnostics(deployment(container: "args: [serve, [nested]]"))
        #expect(codes(found) == ["type-mismatch"])
        #expect(found.first?.path == ".spec.template.spec.containers[name=\"web\"].args[1]")
    }

    @Test func aNonStringValueOfAMapOfStringsIsStillReportedWithItsKey() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {tier: backend, debug: [x]}
            data:
              mode: fast
              level: [1]
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == ["type-mismatch", "type-mismatch"])
        #expect(found.map(\.path) == [".metadata.labels.debug", ".data.level"])
    }

    @Test func stringsWithACheckedFormatAreStillChecked() throws {
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: token
            data:
              token: not base64!
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == ["invalid-format"])
        #expect(found.first?.path == ".data.token")
    }
}
