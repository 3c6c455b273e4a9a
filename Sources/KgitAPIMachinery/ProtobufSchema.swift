/// The shape of a Kubernetes protobuf message, as far as kgit decodes it: field numbers mapped to
/// JSON names and value kinds.
///
/// Kubernetes' generated `.proto` files are proto2 and kubectl emits unset optional fields with
/// their zero value, so decoding drops empty strings, zero numbers, `false` and empty messages
/// unless the field is marked `keepZero` (Go pointer fields such as `replicas`).
public struct ProtobufMessage: Sendable {
    /// How one field's value is decoded.
    public indirect enum Kind: Sendable {
        case string
        case bytes  // base64 in JSON
        case int
        case bool
        case time  // meta/v1 Time {1: seconds, 2: nanos} -> RFC 3339
        case message(ProtobufMessage)
        case stringMap  // repeated {1: key, 2: string}
        case bytesMap  // repeated {1: key, 2: bytes}
        case intOrString  // util/intstr {1: type, 2: intVal, 3: strVal}
        case quantity  // api/resource Quantity {1: string}
        case quantityMap  // repeated {1: key, 2: Quantity}
    }

    /// One field.
    public struct Field: Sendable {
        public var name: String
        public var kind: Kind
        public var repeated: Bool
        public var keepZero: Bool

        public init(_ name: String, _ kind: Kind, repeated: Bool = false, keepZero: Bool = false) {
            self.name = name
            self.kind = kind
            self.repeated = repeated
            self.keepZero = keepZero
        }
    }

    public var fields: [Int: Field]

    public init(_ fields: [Int: Field]) { self.fields = fields }
}
