import Foundation
import KgitAPIMachinery
import KgitClient
import KgitTesting
import Testing

/// Lists far larger than a TLS record, the socket buffers and the client's reads arrive whole, with a
/// Content-Length that matches (the client reserves it up front), through the client's transport and
/// through real kubectl.
@Suite("Large list responses over HTTPS", .serialized, .timeLimit(.minutes(3)))
struct LargeResponseTests {
    /// ConfigMaps whose data makes each object about `size` bytes, with a per-object marker at both
    /// ends of the value so a lost, repeated or reordered slice shows up as a wrong value.
    static func configMap(_ index: Int, size: Int) -> JSONValue {
        let filler = String(repeating: String(UnicodeScalar(UInt8(97 + index % 26))), count: size)
        return [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("big-\(index)")],
            "data": ["payload": .string("begin-\(index)-" + filler + "-end-\(index)")],
        ]
    }

    @Test("a list of objects larger than one server write arrives as exactly the bytes of each object's GET")
    func objectsLargerThanOneWrite() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        let transport = try HTTPSTransport(connection: connection)
        let client = DynamicClient(transport: transport, defaultNamespace: connection.namespace)
        // The server copies a list into writes of 256 KiB; these objects straddle and exceed them.
        for (index, size) in [300_000, 10, 700_000, 200_000].enumerated() {
            _ = try await client.create(Self.configMap(index, size: size))
        }
        let response = try await transport.send(
            TransportRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps"))
        #expect(response.status == 200)
        let length = response.headers.first { $0.name.lowercased() == "content-length" }?.value
        #expect(length == String(response.body.count), "Content-Length \(length ?? "none")")
        let list = try JSONParser.parse(response.body)
        #expect(list.serializedBytes() == response.body, "the list is in the encoder's exact form")
        let items = list["items"]?.arrayValue ?? []
        #expect(items.filter { $0["metadata"]?["name"]?.stringValue?.hasPrefix("big-") == true }.count == 4)
        for item in items {
            let name = item["metadata"]?["name"]?.stringValue ?? ""
            let get = try await transport.send(
                TransportRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps/\(name)"))
            #expect(get.body == item.serializedBytes(), "\(name) differs from its GET")
        }
    }

    @Test("a 1.2 MB list is received byte for byte by the client and by kubectl, in key order with every value intact")
    func largeList() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        let transport = try HTTPSTransport(connection: connection)
        let client = DynamicClient(transport: transport, defaultNamespace: connection.namespace)
        let count = 12
        let size = 100_000
        for index in 0..<count {
            _ = try await client.create(Self.configMap(index, size: size))
        }

        let response = try await transport.send(
            TransportRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps"))
        #expect(response.status == 200)
        #expect(response.body.count > count * size, "the list is \(response.body.count) bytes")
        let length = response.headers.first { $0.name.lowercased() == "content-length" }?.value
        #expect(length == String(response.body.count), "Content-Length \(length ?? "none")")
        let list = try JSONParser.parse(response.body)
        let names = list["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        #expect(names.filter { $0.hasPrefix("big-") } == (0..<count).map { "big-\($0)" }.sorted())
        for item in list["items"]?.arrayValue ?? [] {
            let name = item["metadata"]?["name"]?.stringValue ?? ""
            let index = Int(name.dropFirst("big-".count)) ?? -1
            #expect(item["data"] == Self.configMap(index, size: size)["data"], "\(name) arrived changed")
            #expect(item["metadata"]?["resourceVersion"]?.stringValue?.isEmpty == false)
        }

        let kubectl = try await server.kubectl(["get", "configmaps", "-o", "json"])
        #expect(kubectl.status == 0, "\(kubectl.stderr)")
        let printed = try JSONParser.parse(Array(kubectl.stdout.utf8))
        let printedNames = printed["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        #expect(printedNames.filter { $0.hasPrefix("big-") } == names.filter { $0.hasPrefix("big-") })
        for item in printed["items"]?.arrayValue ?? [] {
            guard let name = item["metadata"]?["name"]?.stringValue, name.hasPrefix("big-") else { continue }
            let index = Int(name.dropFirst("big-".count)) ?? -1
            #expect(item["data"] == Self.configMap(index, size: size)["data"], "kubectl: \(name) arrived changed")
        }
    }
}
