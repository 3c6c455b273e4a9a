import KgitTesting
import Testing

/// Services and CronJobs against `kgit up`, driven with real kubectl: the Endpoints and EndpointSlice
/// controllers follow the ready pods a Service selects, and the CronJob controller starts Jobs on schedule.
@Suite("kgit up: Services get endpoints, CronJobs run", .serialized, .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "kubectl is not installed"))
struct ServiceEndToEndTests {
    static let podIPs = ["get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.status.podIP}{\"\\n\"}{end}"]

    @Test("kubectl expose gives a Service Endpoints and an EndpointSlice with the selected pods' IPs, following a scale-up")
    func serviceEndpoints() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2"])
        defer { cluster.stop() }
        let created = try await cluster.kubectl(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"])
        #expect(created.status == 0, "\(created)")
        let exposed = try await cluster.kubectl(["expose", "deployment", "web", "--port=80", "--target-port=8080"])
        #expect(exposed.status == 0 && exposed.stdout.contains("service/web exposed"), "\(exposed)")

        let ips = try await eventually(cluster, Self.podIPs) { sortedLines($0).count == 2 }
        let endpoints = ["get", "endpoints", "web", "-o", "jsonpath={range .subsets[*].addresses[*]}{.ip}{\"\\n\"}{end}"]
        _ = try await eventually(cluster, endpoints) { sortedLines($0) == sortedLines(ips) }
        let port = try await cluster.kubectl(["get", "endpoints", "web", "-o", "jsonpath={.subsets[0].ports[0].port}"])
        #expect(port.stdout == "8080", "\(port)")
        // The table shows ip:port pairs, as upstream's ENDPOINTS column does.
        let table = try await cluster.kubectl(["get", "endpoints", "web"])
        #expect(table.stdout.hasPrefix("NAME") && table.stdout.contains("ENDPOINTS"), "\(table)")
        for ip in sortedLines(ips) { #expect(table.stdout.contains("\(ip):8080"), "\(table)") }

        let slices = [
            "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o",
            "jsonpath={range .items[*].endpoints[*]}{.addresses[0]}={.conditions.ready}{\"\\n\"}{end}",
        ]
        _ = try await eventually(cluster, slices) { sortedLines($0) == sortedLines(ips).map { "\($0)=true" } }
        let slicePort = try await cluster.kubectl([
            "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "jsonpath={.items[0].ports[0].port}",
        ])
        #expect(slicePort.stdout == "8080", "\(slicePort)")

        let scaled = try await cluster.kubectl(["scale", "deployment", "web", "--replicas=3"])
        #expect(scaled.status == 0, "\(scaled)")
        let three = try await eventually(cluster, Self.podIPs) { sortedLines($0).filter { !$0.isEmpty }.count == 3 }
        _ = try await eventually(cluster, endpoints) { sortedLines($0) == sortedLines(three) }
        _ = try await eventually(cluster, slices) { sortedLines($0).count == 3 }
    }

    @Test("a CronJob created with kubectl starts a Job on its schedule, whose pod succeeds, and records the schedule time")
    func cronJobRuns() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        let created = try await cluster.kubectl([
            "create", "cronjob", "tick", "--image=busybox", "--schedule=* * * * *", "--", "sh", "-c", "sleep 1",
        ])
        #expect(created.status == 0 && created.stdout.contains("cronjob.batch/tick created"), "\(created)")
        let jobs = ["get", "jobs", "-o", "jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}={.status.succeeded}{\"\\n\"}{end}"]
        let done = try await eventually(cluster, jobs) { sortedLines($0).contains("tick=1") }
        #expect(sortedLines(done).allSatisfy { $0.hasPrefix("tick=") })
        let status = try await eventually(cluster, ["get", "cronjob", "tick", "-o", "jsonpath={.status.lastScheduleTime}"]) { !$0.isEmpty }
        #expect(status.hasSuffix("Z"), "an RFC 3339 time: \(status)")
        let names = try await cluster.kubectl(["get", "jobs", "-o", "name"])
        #expect(sortedLines(names.stdout).allSatisfy { $0.hasPrefix("job.batch/tick-") }, "\(names)")
    }
}
