import Testing
@testable import KgitAPIMachinery

@Suite("Kubernetes protobuf request bodies")
struct ProtobufDecoderTests {
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex)
        while chars.count >= 2 {
            out.append(UInt8(String(chars[0...1]), radix: 16) ?? 0)
            chars.removeFirst(2)
        }
        return out
    }

    @Test("kubectl 1.32's `create namespace team-a` body decodes to a Namespace with only the name set")
    func namespace() throws {
        let body = Self.bytes(hex: "6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6112001a0022002a0032003800420012001a020a001a002200")
        let object = try ProtobufDecoder.decodeObject(body)
        #expect(object["apiVersion"] == "v1")
        #expect(object["kind"] == "Namespace")
        #expect(object.value(at: ["metadata", "name"]) == "team-a")
        #expect(object.value(at: ["metadata", "namespace"]) == nil, "empty proto2 strings are unset")
        #expect(object.value(at: ["metadata", "creationTimestamp"]) == nil, "an empty Time is unset")
    }

    /// Builds protobuf bytes by hand: field tags and length-prefixed payloads.
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        [UInt8(number << 3 | 2), UInt8(payload.count)] + payload
    }

    static func string(_ number: Int, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        ProtobufDecoder.magic + field(1, string(1, apiVersion) + string(2, kind)) + field(2, raw)
    }

    @Test("a ConfigMap's data and binaryData maps decode, binary values as base64")
    func configMap() throws {
        let meta = Self.field(1, Self.string(1, "cfg") + Self.field(11, Self.string(1, "app") + Self.string(2, "web")))
        let data = Self.field(2, Self.string(1, "a") + Self.string(2, "1")) + Self.field(2, Self.string(1, "b") + Self.string(2, "2"))
        let binary = Self.field(3, Self.string(1, "bin") + Self.field(2, [0, 1, 2]))
        let object = try ProtobufDecoder.decodeObject(Self.envelope(apiVersion: "v1", kind: "ConfigMap", raw: meta + data + binary))
        #expect(object.value(at: ["metadata", "name"]) == "cfg")
        #expect(object.value(at: ["metadata", "labels", "app"]) == "web")
        #expect(object["data"] == ["a": "1", "b": "2"])
        #expect(object.value(at: ["binaryData", "bin"]) == "AAEC")
    }

    @Test("a SelfSubjectAccessReview keeps its resource attributes")
    func accessReview() throws {
        let attributes = Self.string(1, "default") + Self.string(2, "create") + Self.string(5, "pods")
        let raw = Self.field(1, []) + Self.field(2, Self.field(1, attributes))
        let object = try ProtobufDecoder.decodeObject(
            Self.envelope(apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", raw: raw))
        #expect(object.value(at: ["spec", "resourceAttributes", "verb"]) == "create")
        #expect(object.value(at: ["spec", "resourceAttributes", "resource"]) == "pods")
        #expect(object.value(at: ["spec", "resourceAttributes", "namespace"]) == "default")
    }

    @Test("unknown kinds are reported so the server can answer 415")
    func unknownKind() {
        #expect(throws: ProtobufError.unsupportedKind("Widget")) {
            try ProtobufDecoder.decodeObject(Self.envelope(apiVersion: "v1", kind: "Widget", raw: []))
        }
    }

    @Test("truncated and garbage bodies throw instead of trapping", arguments: [
        [UInt8](), [0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff], [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x01],
        [0x6b, 0x38, 0x73, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [1, 2, 3, 4, 5],
    ])
    func garbage(_ body: [UInt8]) {
        #expect(throws: ProtobufError.self) { try ProtobufDecoder.decodeObject(body) }
    }
}
