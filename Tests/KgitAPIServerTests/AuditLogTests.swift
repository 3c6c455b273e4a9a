import Foundation
import KgitAPIMachinery
import Synchronization
import Testing
@testable import KgitAPIServer

@Suite("Audit log")
struct AuditLogTests {
    @Test("a resource request becomes a Metadata-level audit event naming user, verb, object and outcome")
    func resourceEvent() throws {
        let request = APIRequest(method: "DELETE", target: "/apis/apps/v1/namespaces/team/deployments/web?dryRun=All",
                                 headers: [("User-Agent", "kubectl/v1.32")], body: Array("secret body".utf8),
                                 remoteAddress: "10.0.0.7")
        let route = Route.parse(method: request.method, path: request.path, query: request.query)
        let user = UserInfo(name: "bob", uid: "u1", groups: ["dev"])
        let event = try #require(AuditLog.event(request, route: route, user: user, status: 200,
                                                received: Date(timeIntervalSince1970: 1_800_000_000.25),
                                                completed: Date(timeIntervalSince1970: 1_800_000_000.5)))
        #expect(event["verb"] == "delete")
        #expect(event["level"] == "Metadata")
        #expect(event["stage"] == "ResponseComplete")
        #expect(event["requestURI"] == "/apis/apps/v1/namespaces/team/deployments/web?dryRun=All")
        #expect(event.value(at: ["user", "username"]) == "bob")
        #expect(event["objectRef"] == ["resource": "deployments", "apiGroup": "apps", "apiVersion": "v1",
                                       "namespace": "team", "name": "web"])
        #expect(event.value(at: ["responseStatus", "code"]) == 200)
        #expect(event["sourceIPs"] == ["10.0.0.7"])
        #expect(event["requestReceivedTimestamp"] == "2027-01-15T08:00:00.250000Z")
        #expect(!event.serialized().contains("secret body"), "bodies are never logged at Metadata level")
    }

    @Test("health probes are not audited; failed authentication is, as system:anonymous with 401")
    func skippedAndAnonymous() throws {
        let health = APIRequest(method: "GET", target: "/readyz")
        #expect(AuditLog.event(health, route: Route.parse(method: "GET", path: "/readyz", query: .init()), user: nil,
                               status: 200, received: Date(), completed: Date()) == nil)
        let denied = APIRequest(method: "GET", target: "/api/v1/pods")
        let event = AuditLog.event(denied, route: Route.parse(method: "GET", path: "/api/v1/pods", query: .init()),
                                   user: nil, status: 401, received: Date(), completed: Date())
        #expect(event?.value(at: ["user", "username"]) == "system:anonymous")
        #expect(event?.value(at: ["responseStatus", "code"]) == 401)
    }

    @Test("lines are written on the log's own thread, in order; callers never wait for a write in progress, and the lines queued meanwhile go out in one write")
    func writesOffTheCallersThread() async throws {
        struct Write: Sendable {
            var thread: String?
            var lines: [String]
        }
        let writes = Mutex<[Write]>([])
        let firstWriteMayEnd = DispatchSemaphore(value: 0)
        let (entered, entering) = AsyncStream.makeStream(of: Int.self)
        let log = AuditLog { bytes in
            let count = writes.withLock { writes in
                writes.append(Write(thread: Thread.current.name,
                                    lines: String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)))
                return writes.count
            }
            entering.yield(count)
            if count == 1 { firstWriteMayEnd.wait() }  // a write stuck on the disk
        }
        log.append(Array("line 0\n".utf8), then: nil)
        var calls = entered.makeAsyncIterator()
        #expect(await calls.next() == 1)
        // The first write is stuck: appending still returns at once, and the lines wait for the next write.
        for index in 1...20 { log.append(Array("line \(index)\n".utf8), then: nil) }
        #expect(writes.withLock { $0.count } == 1)
        firstWriteMayEnd.signal()
        #expect(await calls.next() == 2)
        // A recorded request returns once its line is written, after the lines queued before it.
        let request = APIRequest(method: "GET", target: "/api/v1/namespaces/default/pods")
        await log.record(request, route: Route.parse(method: "GET", path: request.path, query: .init()), user: nil,
                         status: 401, received: Date(), completed: Date())
        let all = writes.withLock { $0 }
        #expect(all.count == 3)
        #expect(all.allSatisfy { $0.thread == AuditLog.threadName }, "\(all.map(\.thread))")
        #expect(all[0].lines == ["line 0"])
        #expect(all[1].lines == (1...20).map { "line \($0)" })
        #expect(all.count == 3 && all[2].lines.count == 1 && all[2].lines[0].contains("/api/v1/namespaces/default/pods"))
    }
}
