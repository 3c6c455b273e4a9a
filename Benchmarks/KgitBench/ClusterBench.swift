import Foundation

/// `kgit-bench cluster`: `kgit up` as a user runs it, measured from outside with kubectl and /proc.
///
/// 1. Idle: `kgit up --nodes 3`, once the nodes are Ready, resident memory (VmRSS) and CPU (utime + stime
///    over a window) of the process.
/// 2. Rollout: time from `kubectl apply` of a Deployment with `--replicas` (1,000) pods until all are Running.
///    Without a scheduler in `kgit up` the template binds every pod to `kgit-node-1` (`spec.nodeName`);
///    with one (its log names it) the scheduler places them.
/// 3. Many nodes: `kgit up --nodes N` for each `--nodes` value (1,000 and 5,000), idle memory and CPU once
///    every node is registered.
///
/// Peer: upstream's kind/KWOK are not installed on the machine, so the figures stand against the issue's
/// targets (an idle all-in-one under 250 MB) rather than a peer measured in the same run.
enum ClusterBench {
    static func run(_ args: [String]) throws {
        var replicas = 1000
        var fleets = [1000, 5000]
        var window = 20.0
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--replicas": i += 1; replicas = Int(args[i]) ?? replicas
            case "--nodes": i += 1; fleets = args[i].split(separator: ",").compactMap { Int($0) }
            case "--window": i += 1; window = Double(args[i]) ?? window
            default: throw BenchFailure("unknown option \(args[i]) (--replicas N, --nodes N,M, --window SECONDS)")
            }
            i += 1
        }
        let kgit = ProcessInfo.processInfo.environment["KGIT_BIN"] ?? "kgit"
        print("load: \(loadAverage())")

        let small = try UpProcess(kgit: kgit, nodes: 3)
        defer { small.stop() }
        try small.waitForNodes(3)
        Thread.sleep(forTimeInterval: 3)
        let idle = small.usage(over: window)
        print(String(format: "idle kgit up, 3 nodes: RSS %.0f MB, CPU %.1f%% of one core (target < 250 MB)", idle.rssMB, idle.cpuPercent))

        let scheduled = small.log.contains("scheduler")
        let start = Date()
        try small.kubectl(["apply", "-f", "-"], stdin: deployment(replicas: replicas, bind: !scheduled))
        while true {
            let phases = try small.kubectl(["get", "pods", "-l", "app=bench", "-o", "jsonpath={.items[*].status.phase}"])
            let running = phases.split(separator: " ").filter { $0 == "Running" }.count
            if running >= replicas { break }
            if Date().timeIntervalSince(start) > 600 { throw BenchFailure("only \(running)/\(replicas) Running after 10 minutes") }
            Thread.sleep(forTimeInterval: 0.25)
        }
        let elapsed = Date().timeIntervalSince(start)
        let busy = small.usage(over: min(window, 10))
        print(String(format: "rollout: %d-replica Deployment applied to all Running in %.1f s (%@); then RSS %.0f MB",
                     replicas, elapsed, scheduled ? "scheduled" : "bound by nodeName, no scheduler", busy.rssMB))
        small.stop()

        for count in fleets {
            let up = try UpProcess(kgit: kgit, nodes: count)
            defer { up.stop() }
            let registered = Date()
            try up.waitForNodes(count)
            let took = Date().timeIntervalSince(registered)
            Thread.sleep(forTimeInterval: 5)
            let usage = up.usage(over: window)
            print(String(format: "idle kgit up, %d nodes (registered in %.1f s): RSS %.0f MB, CPU %.1f%% of one core",
                         count, took, usage.rssMB, usage.cpuPercent))
            up.stop()
        }
        print("load: \(loadAverage())")
    }

    static func deployment(replicas: Int, bind: Bool) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bench, namespace: default}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: bench}}
          template:
            metadata: {labels: {app: bench}}
            spec:
              \(bind ? "nodeName: kgit-node-1" : "")
              containers: [{name: main, image: nginx:1.27, resources: {requests: {cpu: 1m, memory: 1Mi}}}]
        """
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A child's standard error, appended from the pipe's handler thread.
    final class LogBuffer: @unchecked Sendable {
        private var data = Data()
        private let lock = NSLock()

        func append(_ chunk: Data) {
            lock.lock()
            data.append(chunk)
            lock.unlock()
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A `kgit up` child process with its own data directory.
    final class UpProcess {
        let process = Process()
        let directory: String
        private let errors = Pipe()
        private let buffer = LogBuffer()

        init(kgit: String, nodes: Int) throws {
            directory = NSTemporaryDirectory() + "kgit-bench-up-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: kgit)
            process.arguments = ["up", "--data-dir", directory + "/data", "--listen", "127.0.0.1:0", "--nodes", String(nodes)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            errors.fileHandleForReading.readabilityHandler = { [buffer] handle in buffer.append(handle.availableData) }
            try process.run()
            for _ in 0..<1200 where !log.contains("listening on") { Thread.sleep(forTimeInterval: 0.05) }
            guard log.contains("listening on") else { throw BenchFailure("kgit up did not start:\n\(log)") }
        }

        var log: String { buffer.text }

        var kubeconfig: String { directory + "/data/kubeconfig" }

        @discardableResult
        func kubectl(_ arguments: [String], stdin: String? = nil) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["kubectl", "--kubeconfig", kubeconfig] + arguments
            let out = Pipe()
            let input = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            p.standardInput = input
            try p.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }

        /// Waits until `count` nodes report Ready=True.
        func waitForNodes(_ count: Int) throws {
            let start = Date()
            while Date().timeIntervalSince(start) < 600 {
                let out = (try? kubectl([
                    "get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}",
                ])) ?? ""
                if out.split(separator: " ").filter({ $0 == "True" }).count >= count { return }
                Thread.sleep(forTimeInterval: 0.5)
            }
            throw BenchFailure("\(count) nodes did not become Ready in 10 minutes")
        }

        /// Resident memory now and CPU use over `seconds`.
        func usage(over seconds: Double) -> (rssMB: Double, cpuPercent: Double) {
            let before = cpuTicks()
            Thread.sleep(forTimeInterval: seconds)
            let after = cpuTicks()
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            return (rssKB() / 1024, (after - before) / ticks / seconds * 100)
        }

        private func rssKB() -> Double {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }

        private func cpuTicks() -> Double {
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            // Fields after the command name (which ends with ')'): utime is the 12th, stime the 13th.
            guard let close = stat.lastIndex(of: ")") else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12 else { return 0 }
            return (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
