import Foundation

/// `kgit-bench cluster`: `kgit up` as a user runs it, measured from outside with kubectl and /proc.
///
/// 1. Idle: `kgit up --nodes 3`, once the nodes are Ready, resident memory (VmRSS) and CPU (utime + stime
///    over a window) of the process. Target: under 250 MB.
/// 2. Rollout: time from `kubectl apply` of a Deployment with `--replicas` (1,000) pods until all are
///    Running, placed by the scheduler in `kgit up` on one node per 100 replicas (a node takes 110 pods).
/// 3. Large: `kgit up --nodes N` (5,000): memory and CPU idle once every node is Ready, then with `--pods`
///    (50,000) pods Running on them (Deployments of 1,000 replicas each), with how long they took and the
///    peak resident memory (VmHWM).
///
/// Every figure is printed with the load average; a target line ends in PASS or MISS. Peer: upstream's
/// kind/KWOK are not installed on the machine, so the figures stand against the issue's targets rather
/// than a peer measured in the same run. `--skip-large` leaves out step 3, `--only-large` steps 1 and 2.
enum ClusterBench {
    /// The issue's target for an idle all-in-one `kgit up`.
    static let idleTargetMB = 250.0

    static func run(_ args: [String]) throws {
        var replicas = 1000
        var nodes = 5000
        var pods = 50_000
        var window = 20.0
        var large = true
        var small = true
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--replicas": i += 1; replicas = Int(value) ?? replicas
            case "--nodes": i += 1; nodes = Int(value) ?? nodes
            case "--pods": i += 1; pods = Int(value) ?? pods
            case "--window": i += 1; window = Double(value) ?? window
            case "--skip-large": large = false
            case "--only-large": small = false
            default:
                throw BenchFailure("unknown option \(args[i]) (--replicas N, --nodes N, --pods N, --window SECONDS, --skip-large, --only-large)")
            }
            i += 1
        }
        let kgit = ProcessInfo.processInfo.environment["KGIT_BIN"] ?? "kgit"
        say("cluster: kgit up (\(kgit)) as a process, measured with kubectl and /proc; load \(loadAverage())")

        if small { try runSmall(kgit: kgit, replicas: replicas, window: window) }
        guard large else { return }
        try runLarge(kgit: kgit, nodes: nodes, pods: pods, window: window)
    }

    /// Steps 1 and 2: idle with 3 nodes, then a `replicas`-replica rollout.
    static func runSmall(kgit: String, replicas: Int, window: Double) throws {
        let small = try UpProcess(kgit: kgit, nodes: 3)
        defer { small.stop() }
        try small.waitForNodes(3)
        Thread.sleep(forTimeInterval: 3)
        let idle = small.usage(over: window)
        say(String(format: "idle kgit up, 3 nodes: RSS %.0f MB, CPU %.1f%% of one core (load %@)",
                     idle.rssMB, idle.cpuPercent, loadAverage()))
        say(verdict(String(format: "target: idle all-in-one RSS < %.0f MB", idleTargetMB), idle.rssMB < idleTargetMB))

        small.stop()

        // A simulated node takes 110 pods, so the rollout gets enough nodes for its replicas.
        let rolloutNodes = max(3, (replicas + 99) / 100)
        let rollout = try UpProcess(kgit: kgit, nodes: rolloutNodes)
        defer { rollout.stop() }
        try rollout.waitForNodes(rolloutNodes)
        let start = Date()
        try rollout.kubectl(["apply", "-f", "-"], stdin: deployment(name: "bench", replicas: replicas))
        try rollout.waitForRunning(replicas, label: "app=bench", timeout: 900)
        let elapsed = Date().timeIntervalSince(start)
        let busy = rollout.usage(over: min(window, 10))
        say(String(format: "rollout on %d nodes: %d-replica Deployment applied to all Running in %.1f s (%.0f pods/s); then RSS %.0f MB, peak %.0f MB (load %@)",
                     rolloutNodes, replicas, elapsed, Double(replicas) / elapsed, busy.rssMB, rollout.peakRSSMB(), loadAverage()))
        rollout.stop()
    }

    /// Step 3: `nodes` nodes idle, then `pods` pods Running on them.
    static func runLarge(kgit: String, nodes: Int, pods: Int, window: Double) throws {
        let up = try UpProcess(kgit: kgit, nodes: nodes, extra: ["--stats-interval", "30s"])
        defer { up.stop() }
        let registering = Date()
        try up.waitForNodes(nodes, interval: 2)
        let registered = Date().timeIntervalSince(registering)
        Thread.sleep(forTimeInterval: 5)
        let empty = up.usage(over: window)
        say(String(format: "kgit up, %d nodes Ready in %.1f s, idle: RSS %.0f MB, CPU %.1f%% of one core, %d nodes not Ready after (load %@)",
                     nodes, registered, empty.rssMB, empty.cpuPercent, up.notReadyNodes(), loadAverage()))

        let perDeployment = 1000
        let deployments = (pods + perDeployment - 1) / perDeployment
        let filling = Date()
        let cpuBefore = up.cpuSeconds()
        for d in 0..<deployments {
            let count = min(perDeployment, pods - d * perDeployment)
            try up.kubectl(["apply", "-f", "-"], stdin: deployment(name: "fill-\(d)", replicas: count, label: "fill"))
        }
        // Deployments' ready replicas while filling (50 small objects a poll, not 50,000 pods), then one
        // count of the Running pods themselves.
        try up.waitForReadyReplicas(pods, timeout: 3600)
        let filled = Date().timeIntervalSince(filling)
        let fillCPU = up.cpuSeconds() - cpuBefore
        try up.waitForRunning(pods, label: "tier=fill", timeout: 600)
        let notReady = up.notReadyNodes()
        say("  nodes not Ready after the fill: \(notReady)")
        Thread.sleep(forTimeInterval: 5)
        let full = up.usage(over: window)
        say(String(format: "kgit up, %d nodes, %d pods Running after %.0f s (%.0f pods/s, %.0f CPU-seconds): RSS %.0f MB, peak %.0f MB, CPU %.1f%% of one core when settled (load %@)",
                     nodes, pods, filled, Double(pods) / filled, fillCPU, full.rssMB, up.peakRSSMB(), full.cpuPercent, loadAverage()))
        if let stats = up.lastStats { say("  \(stats)") }
        up.stop()
    }

    /// Writes a line at once (unbuffered), so a long run shows progress in a log file.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func verdict(_ line: String, _ met: Bool) -> String { "\(line): \(met ? "PASS" : "MISS")" }

    /// A Deployment of `replicas` tiny pods labelled `app: NAME` (and `tier: TIER`), left to the scheduler.
    static func deployment(name: String, replicas: Int, label tier: String = "bench") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: default}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name), tier: \(tier)}}
            spec:
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

        init(kgit: String, nodes: Int, extra: [String] = []) throws {
            directory = NSTemporaryDirectory() + "kgit-bench-up-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: kgit)
            process.arguments = ["up", "--data-dir", directory + "/data", "--listen", "127.0.0.1:0", "--nodes", String(nodes)] + extra
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            errors.fileHandleForReading.readabilityHandler = { [buffer] handle in buffer.append(handle.availableData) }
            try process.run()
            for _ in 0..<1200 where !log.contains("listening on") { Thread.sleep(forTimeInterval: 0.05) }
            guard log.contains("listening on") else { throw BenchFailure("kgit up did not start:\n\(log)") }
        }

        var log: String { buffer.text }

        /// The last counters line `kgit up --stats-interval` logged (watch-cache and informer relists).
        var lastStats: String? {
            log.split(separator: "\n").last { $0.hasPrefix("kgit up: stats: ") }.map { String($0.dropFirst(9)) }
        }

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

        /// Waits until `count` nodes report Ready=True, asking every `interval` seconds.
        func waitForNodes(_ count: Int, interval: Double = 0.5) throws {
            let start = Date()
            while Date().timeIntervalSince(start) < 1200 {
                let out = (try? kubectl([
                    "get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}",
                ])) ?? ""
                if out.split(separator: " ").filter({ $0 == "True" }).count >= count { return }
                Thread.sleep(forTimeInterval: interval)
            }
            throw BenchFailure("\(count) nodes did not become Ready in 20 minutes")
        }

        /// Waits until the Deployments in `default` report `count` ready replicas in all.
        func waitForReadyReplicas(_ count: Int, timeout: Double) throws {
            let start = Date()
            var ready = 0
            var reported = Date()
            while Date().timeIntervalSince(start) < timeout {
                let out = (try? kubectl(["get", "deployments", "-n", "default", "-o", "jsonpath={.items[*].status.readyReplicas}"])) ?? ""
                ready = out.split(separator: " ").compactMap { Int($0) }.reduce(0, +)
                if ready >= count { return }
                if Date().timeIntervalSince(reported) > 30 {
                    say(String(format: "  ... %d/%d ready after %.0f s; %d nodes not Ready; RSS %.0f MB (load %@)", ready, count,
                               Date().timeIntervalSince(start), notReadyNodes(), rssKB() / 1024, loadAverage()))
                    if let stats = lastStats { say("    \(stats)") }
                    reported = Date()
                }
                Thread.sleep(forTimeInterval: 2)
            }
            throw BenchFailure("only \(ready)/\(count) replicas ready after \(Int(timeout)) s")
        }

        /// How many nodes are not Ready now.
        func notReadyNodes() -> Int {
            let out = (try? kubectl([
                "get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}",
            ])) ?? ""
            return out.split(separator: " ").filter { $0 != "True" }.count
        }

        /// Waits until `count` pods with `label` are Running (a server-side field selector, names only).
        func waitForRunning(_ count: Int, label: String, timeout: Double) throws {
            let start = Date()
            var running = 0
            var reported = Date()
            while Date().timeIntervalSince(start) < timeout {
                let out = try kubectl(["get", "pods", "-l", label, "--field-selector", "status.phase=Running", "-o", "name"])
                running = out.split(separator: "\n").count
                if running >= count { return }
                if Date().timeIntervalSince(reported) > 60 {
                    say(String(format: "  ... %d/%d Running after %.0f s", running, count, Date().timeIntervalSince(start)))
                    reported = Date()
                }
                Thread.sleep(forTimeInterval: count > 5000 ? 5 : 0.5)
            }
            throw BenchFailure("only \(running)/\(count) pods Running after \(Int(timeout)) s")
        }

        /// Resident memory now and CPU use over `seconds`.
        func usage(over seconds: Double) -> (rssMB: Double, cpuPercent: Double) {
            let before = cpuTicks()
            Thread.sleep(forTimeInterval: seconds)
            let after = cpuTicks()
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            return (rssKB() / 1024, (after - before) / ticks / seconds * 100)
        }

        private func rssKB() -> Double { statusKB("VmRSS:") }

        /// The peak resident memory so far (VmHWM), in MB.
        func peakRSSMB() -> Double { statusKB("VmHWM:") / 1024 }

        /// CPU time the process has used so far, in seconds.
        func cpuSeconds() -> Double { cpuTicks() / Double(sysconf(Int32(_SC_CLK_TCK))) }

        private func statusKB(_ field: String) -> Double {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
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
