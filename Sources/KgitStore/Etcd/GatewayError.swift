import FoundationEssentials

/// A non-200 answer from the gateway, with its JSON error body.
struct GatewayError: Error {
    var status: Int
    var body: [UInt8]

    /// The decoded error (gRPC code and etcd message), when the body is the gateway's error JSON.
    var decoded: EtcdJSON.ErrorJ? { try? JSONDecoder().decode(EtcdJSON.ErrorJ.self, from: Data(body)) }
}
