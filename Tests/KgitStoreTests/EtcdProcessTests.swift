import Foundation
import KgitStore
import KgitTesting
import Testing

/// The test support that runs etcd: members must not outlive the process that started them.
@Suite("etcd test processes", .timeLimit(.minutes(3)))
struct EtcdProcessTests {
    @Test("an etcd started under the watchdog dies when the process that started it is killed with SIGKILL")
    func diesWithItsStarter() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        let dir = try TemporaryDirectory()
        let ports = try EtcdProcess.freePorts(2)
        let etcd = EtcdProcess.guarded(
            EtcdProcess.arguments(
                name: "orphan", dataDir: dir.path + "/data", client: ports[0], peer: ports[1],
                cluster: "orphan=http://127.0.0.1:\(ports[1])", quotaBytes: nil, tls: nil))
        // A stand-in for a test runner: it starts etcd the way the tests do, prints etcd's process ID (the
        // watchdog execs etcd, so it keeps the ID), then waits until it is killed.
        let runner = try ChildProcess(
            "/bin/sh", ["-c", "\"$0\" \"$@\" & echo $!; exec sleep 600", etcd.executable] + etcd.arguments,
            standardOutput: .pipe, standardError: .null)
        let out = try #require(runner.standardOutput)
        let line = await offPool { () -> String in
            var bytes: [UInt8] = []
            while let byte = try? out.read(upToCount: 1)?.first, byte != 10 { bytes.append(byte) }
            return String(decoding: bytes, as: UTF8.self)
        }
        let pid = try #require(Int32(line), "the runner printed \(line)")
        let store = try EtcdStore(endpoints: ["http://127.0.0.1:\(ports[0])"], maxConcurrency: 1)
        var served = false
        let deadline = ContinuousClock.now + .seconds(120)  // a hang guard; starting etcd under load takes a while
        while !served && ContinuousClock.now < deadline {
            served = (try? await store.put("alive", "yes")) != nil
            if !served { try await Task.sleep(for: .milliseconds(20)) }
        }
        await store.close()
        #expect(served, "etcd came up under the watchdog")
        #expect(Self.isAlive(pid))

        await runner.kill()
        while Self.isAlive(pid) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!Self.isAlive(pid), "etcd went with its starter")
        withExtendedLifetime(dir) {}
    }

    @Test("stopping a member waits for it off the cooperative pool and leaves nothing running")
    func stopWaits() async throws {
        await EtcdGate.shared.enter()
        defer { Task { await EtcdGate.shared.leave() } }
        let etcd = try await EtcdProcess.start()
        let pid = etcd.pid
        #expect(Self.isAlive(pid))
        await etcd.stop()
        #expect(!Self.isAlive(pid))
    }

    /// Whether `pid` is a live process (a zombie waiting to be reaped counts as gone).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
