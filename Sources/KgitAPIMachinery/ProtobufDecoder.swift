import Foundation

/// Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into JSON.
///
/// kubectl ≥ 1.32 sends its typed-client writes (`create namespace|configmap|secret|…`, `auth can-i`)
/// as protobuf. A body is the magic `k8s\0` followed by a `runtime.Unknown` envelope
/// `{1: typeMeta{1: apiVersion, 2: kind}, 2: raw}`; `raw` is decoded with the schema registered for
/// the kind in ``ProtobufCatalog``. Unknown kinds are rejected with ``ProtobufError/unsupportedKind(_:)``.
public enum ProtobufDecoder {
    /// The 4-byte prefix of every Kubernetes protobuf body.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Decodes a whole request body into a JSON object with `apiVersion` and `kind` set.
    public static func decodeObject(_ body: [UInt8]) throws(ProtobufError) -> JSONValue {
        guard body.count >= 4, Array(body[0..<4]) == magic else {
            throw ProtobufError.malformed("missing the k8s protobuf prefix")
        }
        var reader = ProtobufReader(Array(body[4...]))
        var apiVersion = ""
        var kind = ""
        var raw: [UInt8] = []
        while let (number, value) = try reader.next() {
            switch (number, value) {
            case (1, .lengthDelimited(let typeMeta)):
                var inner = ProtobufReader(typeMeta)
                while let (n, v) = try inner.next() {
                    if case .lengthDelimited(let b) = v {
                        if n == 1 { apiVersion = String(decoding: b, as: UTF8.self) }
                        if n == 2 { kind = String(decoding: b, as: UTF8.self) }
                    }
                }
            case (2, .lengthDelimited(let b)):
                raw = b
            default:
                continue
            }
        }
        guard let schema = ProtobufCatalog.messages[kind] else { throw ProtobufError.unsupportedKind(kind) }
        var object = try decode(raw, as: schema)
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return object
    }

    /// Decodes one message into a JSON object.
    public static func decode(_ bytes: [UInt8], as message: ProtobufMessage) throws(ProtobufError) -> JSONValue {
        var reader = ProtobufReader(bytes)
        var members: [String: JSONValue] = [:]
        while let (number, value) = try reader.next() {
            guard let field = message.fields[number] else { continue }
            guard let decoded = try decodeField(value, field) else { continue }
            if field.repeated {
                var items = members[field.name]?.arrayValue ?? []
                items.append(decoded)
                members[field.name] = .array(items)
            } else if case .object(let entry) = decoded, isMapKind(field.kind) {
                // Map entries arrive one per field occurrence; merge them.
                var map = members[field.name]?.objectValue ?? [:]
                for (k, v) in entry { map[k] = v }
                members[field.name] = .object(map)
            } else {
                members[field.name] = decoded
            }
        }
        return .object(members)
    }

    static func isMapKind(_ kind: ProtobufMessage.Kind) -> Bool {
        switch kind {
        case .stringMap, .bytesMap, .quantityMap: return true
        default: return false
        }
    }

    static func decodeField(_ value: ProtobufReader.FieldValue, _ field: ProtobufMessage.Field)
        throws(ProtobufError) -> JSONValue?
    {
        switch (field.kind, value) {
        case (.string, .lengthDelimited(let b)):
            let s = String(decoding: b, as: UTF8.self)
            return s.isEmpty && !field.keepZero && !field.repeated ? nil : .string(s)
        case (.bytes, .lengthDelimited(let b)):
            return .string(Data(b).base64EncodedString())
        case (.int, .varint(let v)):
            let i = Int64(bitPattern: v)
            return i == 0 && !field.keepZero ? nil : .int(i)
        case (.bool, .varint(let v)):
            return v == 0 && !field.keepZero ? nil : .bool(v != 0)
        case (.time, .lengthDelimited(let b)):
            let t = try decode(b, as: ProtobufCatalog.time)
            guard let seconds = t["seconds"]?.intValue, seconds != 0 else { return nil }
            return .string(RFC3339.format(Date(timeIntervalSince1970: TimeInterval(seconds))))
        case (.message(let m), .lengthDelimited(let b)):
            let decoded = try decode(b, as: m)
            if decoded.objectValue?.isEmpty == true && !field.keepZero && !field.repeated { return nil }
            return decoded
        case (.stringMap, .lengthDelimited(let b)), (.bytesMap, .lengthDelimited(let b)),
            (.quantityMap, .lengthDelimited(let b)):
            var reader = ProtobufReader(b)
            var key = ""
            var val: JSONValue = .string("")
            while let (n, v) = try reader.next() {
                guard case .lengthDelimited(let raw) = v else { continue }
                if n == 1 { key = String(decoding: raw, as: UTF8.self) }
                if n == 2 {
                    switch field.kind {
                    case .bytesMap: val = .string(Data(raw).base64EncodedString())
                    case .quantityMap:
                        val = try decode(raw, as: ProtobufCatalog.quantity)["string"] ?? .string("0")
                    default: val = .string(String(decoding: raw, as: UTF8.self))
                    }
                }
            }
            return .object([key: val])
        case (.intOrString, .lengthDelimited(let b)):
            let v = try decode(b, as: ProtobufCatalog.intOrString)
            if v["type"]?.intValue == 1 { return v["strVal"] ?? .string("") }
            return .int(v["intVal"]?.intValue ?? 0)
        case (.quantity, .lengthDelimited(let b)):
            return try decode(b, as: ProtobufCatalog.quantity)["string"]
        default:
            throw ProtobufError.malformed("field \(field.name) has an unexpected wire type")
        }
    }
}
