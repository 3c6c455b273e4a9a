import Foundation

/// Writing to standard output and standard error without dying when the reader has gone.
///
/// Foundation's `FileHandle.write(_:)` traps when a write fails, so a closed pipe (`kgit server 2>&1 | head`,
/// a log collector that restarted, a test that ended before its server) crashed a long-running `kgit server`
/// at its next log line. These write through the throwing API and drop what cannot be written, as a server
/// whose log reader went away should.
enum Console {
    /// Writes `text` to standard error as is.
    static func error(_ text: String) { write(text, to: .standardError) }

    /// Writes `text` to standard output as is.
    static func output(_ text: String) { write(text, to: .standardOutput) }

    private static func write(_ text: String, to handle: FileHandle) {
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
