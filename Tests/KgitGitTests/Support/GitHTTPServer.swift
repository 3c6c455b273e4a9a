import Foundation

/// A real smart-HTTP git server (`git http-backend` behind a small Python HTTP server) that demands HTTP Basic
/// credentials, on a free loopback port; killed in `deinit`.
final class GitHTTPServer {
    let port: Int
    private let process: ChildProcess
    /// Values that must live as long as the server (the repositories it serves).
    var keepAlive: [AnyObject] = []

    init(basePath: String, username: String, password: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("git-http-auth-server.py").path
        process = try ChildProcess(
            "/usr/bin/python3", [script, basePath, username, password], standardOutput: .pipe, standardError: .null)
        let output = process.standardOutput ?? FileHandle.nullDevice
        // The server prints its port on the first line once it listens.
        var line = Data()
        while let byte = try output.read(upToCount: 1), let first = byte.first, first != 10 {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.killBlocking()
            throw DaemonDidNotStart(port: 0)
        }
        self.port = port
    }

    deinit {
        process.killBlocking()
    }

    /// `http://127.0.0.1:<port>/<relative>`.
    func url(_ relative: String) -> String { "http://127.0.0.1:\(port)/\(relative)" }
}
