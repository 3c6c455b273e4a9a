import Foundation
import KgitTesting
import Testing

/// `ChildProcess` is what every end-to-end test starts programs with, so the properties that keep the test run
/// from hanging are specified here.
@Suite("ChildProcess")
struct ChildProcessTests {
    @Test("it reports the exit status and collects standard output and error")
    func exitStatusAndOutput() async throws {
        let child = try ChildProcess(
            "/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], standardOutput: .pipe, standardError: .pipe)
        let out = PipeCollector(try #require(child.standardOutput))
        let err = PipeCollector(try #require(child.standardError))
        #expect(await child.exit() == .exited(3))
        #expect(await out.end() == "out\n")
        #expect(await err.end() == "err\n")
        #expect(!child.isRunning)
        #expect(child.terminationStatus?.status == 3)
    }

    @Test("SIGTERM stops a child even though test threads block it: the child starts with an empty signal mask")
    func terminateWorks() async throws {
        // Block SIGTERM in the spawning thread, as the test runner's threads do.
        let child = try await offPool { () throws -> ChildProcess in
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            return try ChildProcess("/bin/sleep", ["600"], standardOutput: .null, standardError: .null)
        }
        child.signal(SIGTERM)
        #expect(await child.exit() == .signalled(SIGTERM))
    }

    @Test("a child inherits no descriptor above standard error, so it cannot hold another child's pipe open")
    func noInheritedDescriptors() async throws {
        // A pipe of our own, not close-on-exec, that a careless spawn would hand down.
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { for fd in fds { close(fd) } }
        var info = stat()
        #expect(fstat(fds[0], &info) == 0)
        // The glob also names the descriptor it read the directory with, gone by the time readlink runs.
        let result = try await Subprocess.run("/bin/sh", ["-c", "readlink /proc/$$/fd/* 2>/dev/null; exit 0"])
        #expect(result.stdout.contains("pipe:["), "the child's own standard output is a pipe: \(result)")
        #expect(!result.stdout.contains("pipe:[\(info.st_ino)]"), "the child holds our pipe: \(result.stdout)")
    }

    @Test("many children ending at once are all reaped, each waited for without holding a thread")
    func manyChildrenAreReaped() async throws {
        let children = try (0..<40).map { index in
            try ChildProcess("/bin/sh", ["-c", "exit \(index % 7)"], standardOutput: .null, standardError: .null)
        }
        var statuses: [Int32] = []
        for child in children { statuses.append(await child.exit().status) }
        #expect(statuses == (0..<40).map { Int32($0 % 7) })
        for child in children {
            // Reaped: the kernel no longer knows the pid as our child.
            var status: Int32 = 0
            #expect(waitpid(child.processIdentifier, &status, WNOHANG) == -1)
        }
    }

    @Test("a child that closes its descriptors early and keeps running does not delay another child's exit")
    func daemonLikeSiblingDoesNotBlockOthers() async throws {
        let daemon = try ChildProcess(
            "/bin/sh", ["-c", "exec 0<&- 1>&- 2>&-; exec sleep 600"], standardOutput: .pipe, standardError: .null)
        defer { daemon.killBlocking() }
        let quick = try ChildProcess("/bin/true", [], standardOutput: .null, standardError: .null)
        #expect(await quick.exit() == .exited(0))
        #expect(daemon.isRunning)
        #expect(await daemon.kill() == .signalled(SIGKILL))
    }

    @Test("standard input, working directory, environment and PATH lookup reach the child")
    func inputDirectoryAndEnvironment() async throws {
        let scratch = try Scratch("child-process")
        let result = try await Subprocess.run(
            "sh", ["-c", "read line; echo \"$line $GREETING $(pwd)\""], stdin: "hello\n",
            directory: URL(fileURLWithPath: scratch.path), environment: ["GREETING": "world"])
        let resolved = URL(fileURLWithPath: scratch.path).resolvingSymlinksInPath().path
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "hello world \(resolved)\n" || result.stdout == "hello world \(scratch.path)\n")
    }

    @Test("a program that does not exist is an error naming it, not a crash")
    func missingProgram() throws {
        #expect(throws: SpawnFailed.self) {
            try ChildProcess("no-such-program-kgit", [], standardOutput: .null, standardError: .null)
        }
    }

    @Test("waiting with a timeout returns nil while the child still runs")
    func waitTimeout() async throws {
        let child = try ChildProcess("/bin/sleep", ["600"], standardOutput: .null, standardError: .null)
        let early = await offPool { child.waitBlocking(timeout: 0.2) }
        #expect(early == nil)
        #expect(await child.kill() == .signalled(SIGKILL))
    }
}
