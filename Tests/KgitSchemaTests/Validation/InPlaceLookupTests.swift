@testable import KgitSchema
import KgitYAML
import Testing

/// The walk's in-place machinery: property lookup by key bytes, required fields by bits, the identity table
/// of duplicate detection and the per-chunk kind cache.
@Suite struct InPlaceLookupTests {
    private static func schema(_ name: String) -> Schema { Schema(.string(StringSchema()), definitionName: name) }

    @Test func keysOfEveryLengthFindTheirPropertyAndNoOther() {
        // Short keys (held in two words), 8/9 and 16/17 bytes (the boundaries) and long ones (by pointer).
        let names = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", "x" + String(repeating: "y", count: 40)]
        var properties: [String: Schema] = [:]
        for name in names { properties[name] = Self.schema(name) }
        let lookup = PropertyLookup(properties)
        for name in names {
            #expect(lookup.findUnretained(name)?.takeUnretainedValue().definitionName == name)
        }
        // Same length and sampled bytes as a property, other bytes in between: found by neither.
        for miss in ["", "b", "abcdefgX", "abcdefghiX", "abcdefgXijklmnop", "abcdefghXjklmnopq", "x" + String(repeating: "y", count: 39) + "z"] {
            #expect(lookup.findUnretained(miss) == nil, "\(miss)")
        }
    }

    @Test func requiredBitsCoverDeclaredRequiredNamesOnly() {
        let declared = PropertyLookup(["a": Self.schema("a"), "b": Self.schema("b")], required: ["a", "b", "a"])
        #expect(declared.requiredComplete)
        #expect(declared.requiredMask.nonzeroBitCount == 2)
        // A required name that is not a declared property cannot be seen through the table.
        let undeclared = PropertyLookup(["a": Self.schema("a")], required: ["a", "z"])
        #expect(!undeclared.requiredComplete)
    }

    @Test func aMissingRequiredFieldIsReportedWhetherOrNotItIsDeclared() throws {
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [size, color, ghost]
                        properties:
                          size: {type: integer}
                          color: {type: string}
            """
        let widget = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w, namespace: default}
            spec: {size: 1}
            """
        let found = try diagnostics(widget, schemas: [crd]).filter { $0.code == "required" }
        #expect(found.map(\.path) == [".spec.color", ".spec.ghost"])
        let complete = try diagnostics(widget.replacingOccurrences(of: "{size: 1}", with: "{size: 1, color: red, ghost: 1}"), schemas: [crd])
        #expect(complete.filter { $0.code == "required" }.isEmpty)
    }

    @Test func firstDefinitionsFindsEveryRepeatAcrossGrowth() throws {
        // More objects than the table's first size, each defined twice, some names long.
        var yaml = ""
        for _ in 0..<2 {
            for index in 0..<40 {
                let name = index % 3 == 0 ? "config-with-a-rather-long-name-\(index)" : "c\(index)"
                yaml += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: ns}\n"
            }
        }
        let warnings = try diagnostics(yaml).filter { $0.code == "duplicate-object" }
        #expect(warnings.count == 40)
    }

    @Test func theGroupNotTheVersionMakesTheIdentity() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}
            ---
            apiVersion: apps/v1beta2
            kind: Deployment
            metadata: {name: web, namespace: default}
            ---
            apiVersion: extensions/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            """
        let duplicates = try report(yaml).diagnostics.filter { $0.code == "duplicate-object" }
        // apps/v1beta2 is the same group (and an unknown kind there, but still named); extensions is not.
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.start.line == 6)
    }

    @Test func theKindCacheKeepsKindsApartByTheirBytes() {
        let cache = KindCache()
        let deployment = cache.entry(apiVersion: "apps/v1", kind: "Deployment")
        let service = cache.entry(apiVersion: "v1", kind: "Service")
        #expect(cache.entry(apiVersion: "apps/v1", kind: "Deployment") == deployment)
        #expect(cache.entry(apiVersion: "apps/v1beta1", kind: "Deployment") != deployment)
        #expect(cache.kind(deployment) == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        #expect(cache.kind(service) == GroupVersionKind(group: "", version: "v1", kind: "Service"))
        // Past its capacity it still answers, with kinds made anew.
        var last = 0
        for index in 0..<40 { last = cache.entry(apiVersion: "example.com/v\(index)", kind: "Thing") }
        #expect(last == -1)
        #expect(cache.kind(last) == GroupVersionKind(group: "example.com", version: "v39", kind: "Thing"))
    }
}
