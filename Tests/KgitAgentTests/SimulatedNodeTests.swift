import KgitAPIMachinery
import Testing

@testable import KgitAgent

@Suite("Simulated nodes")
struct SimulatedNodeTests {
    @Test("the Node object carries capacity as allocatable, labels, taints and a Ready condition") func object() throws {
        let node = SimulatedNode(
            name: "sim-0", capacity: ["cpu": "4", "memory": "16Gi", "pods": "110"], labels: ["pool": "a"],
            taints: [try SimulatedNode.Taint(parsing: "dedicated=gpu:NoSchedule")])
        let object = node.object(now: "2026-11-29T20:00:00Z")
        #expect(object.value(at: ["metadata", "name"]) == "sim-0")
        #expect(object.value(at: ["metadata", "labels", "kubernetes.io/hostname"]) == "sim-0")
        #expect(object.value(at: ["metadata", "labels", "pool"]) == "a")
        #expect(object.value(at: ["status", "allocatable", "memory"]) == "16Gi")
        #expect(object.value(at: ["status", "capacity", "pods"]) == "110")
        #expect(object.value(at: ["spec", "taints"]) == [["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]])
        #expect(object.value(at: ["status", "conditions"])?.arrayValue?.first?["status"] == "True")
        #expect(object.value(at: ["status", "conditions"])?.arrayValue?.first?["lastHeartbeatTime"] == "2026-11-29T20:00:00Z")
    }

    @Test(
        "taints parse as kubectl taint writes them",
        arguments: [
            ("dedicated=gpu:NoSchedule", SimulatedNode.Taint(key: "dedicated", value: "gpu", effect: "NoSchedule")),
            ("spot:PreferNoSchedule", SimulatedNode.Taint(key: "spot", effect: "PreferNoSchedule")),
            ("a=:NoExecute", SimulatedNode.Taint(key: "a", value: "", effect: "NoExecute")),
        ])
    func taints(_ text: String, _ want: SimulatedNode.Taint) throws {
        #expect(try SimulatedNode.Taint(parsing: text) == want)
    }

    @Test("a taint without a known effect or key is refused with the reason", arguments: ["dedicated=gpu", "k=v:Sometimes", "=v:NoSchedule"])
    func badTaints(_ text: String) {
        #expect(throws: AgentError.self) { try SimulatedNode.Taint(parsing: text) }
    }

    @Test("a fleet names nodes by index and spreads them over zones round-robin") func fleet() {
        let nodes = SimulatedNode.fleet(prefix: "sim", count: 5, capacity: ["cpu": "2"], zones: ["a", "b"])
        #expect(nodes.map(\.name) == ["sim-0", "sim-1", "sim-2", "sim-3", "sim-4"])
        #expect(nodes.map { $0.labels["topology.kubernetes.io/zone"] } == ["a", "b", "a", "b", "a"])
    }
}

@Suite("Lease schedule")
struct LeaseScheduleTests {
    @Test("first renewals are spread evenly over one renew interval") func spread() {
        let schedule = LeaseSchedule(nodes: ["a", "b", "c", "d"], now: .zero, leaseDuration: .seconds(40))
        #expect(schedule.renewInterval == .seconds(10))
        #expect(schedule.due(at: .zero) == ["a"])
        #expect(schedule.due(at: .milliseconds(5000)) == ["a", "b", "c"])
        #expect(schedule.due(at: .milliseconds(7500)) == ["a", "b", "c", "d"])
    }

    @Test("a renewed node is next due one interval later") func renew() {
        var schedule = LeaseSchedule(nodes: ["a"], now: .zero)
        schedule.renewed("a", at: .seconds(1))
        #expect(schedule.nextDue == .seconds(11))
        #expect(schedule.due(at: .seconds(10)) == [])
        #expect(schedule.due(at: .seconds(11)) == ["a"])
    }

    @Test("failed renewals retry after 200ms, doubling up to 7s") func retries() {
        var schedule = LeaseSchedule(nodes: ["a"], now: .zero)
        var delays: [Duration] = []
        var now = Duration.zero
        for _ in 0..<8 {
            schedule.failed("a", at: now)
            let next = schedule.nextDue ?? now
            delays.append(next - now)
            now = next
        }
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400), .seconds(7), .seconds(7)])
        schedule.renewed("a", at: now)
        #expect(schedule.nextDue == now + .seconds(10))
    }

    @Test("a node that stops renewing expires after the lease duration") func expiry() {
        var schedule = LeaseSchedule(nodes: ["a", "b"], now: .zero)
        schedule.renewed("a", at: .seconds(1))
        schedule.renewed("b", at: .seconds(1))
        schedule.renewed("b", at: .seconds(30))
        #expect(schedule.expired(at: .seconds(41)) == [])
        #expect(schedule.expired(at: .seconds(42)) == ["a"])
        schedule.remove("a")
        #expect(schedule.due(at: .seconds(100)) == ["b"])
    }
}
