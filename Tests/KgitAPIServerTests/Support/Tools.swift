import Foundation
import KgitTesting

/// External tools the end-to-end suites drive. A suite whose tools are missing is reported as
/// skipped; set `KGIT_REQUIRE_E2E=1` to make missing tools a failure instead (CI with kubectl).
enum Tools {
    static func has(_ name: String) -> Bool {
        (try? ServerProcess.runBlocking("/usr/bin/env", ["sh", "-c", "command -v \(name)"]).status) == 0
    }

    static let required = KgitServerProcess.endToEndRequired
    /// kubectl, curl and openssl are on PATH (or required by the environment, so their absence fails).
    static let endToEnd: Bool = required || (has("kubectl") && has("curl") && has("openssl"))
}
