import KgitTesting

/// Runs `kubectl arguments` against `cluster` every 250 ms until it succeeds with output that `accept`
/// takes, and returns that output. The test's time limit is what stops a condition that never holds.
func eventually(_ cluster: KgitServerProcess, _ arguments: [String], _ accept: (String) -> Bool) async throws -> String {
    while true {
        let result = try await cluster.kubectl(arguments)
        if result.status == 0 && accept(result.stdout) { return result.stdout }
        try await Task.sleep(for: .milliseconds(250))
    }
}

/// The non-empty lines of kubectl's output, sorted, so rows can be compared whatever order they came in.
func sortedLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
}
