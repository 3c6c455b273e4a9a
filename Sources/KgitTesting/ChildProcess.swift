import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests, started with `posix_spawn` and reaped by a thread of its own.
///
/// Why not Foundation's `Process`: on Linux, swift-corelibs-foundation learns that a child exited through a
/// socket pair whose far end the child holds, and a single manager thread then calls a blocking `waitpid` for
/// it. A child that closes its inherited descriptors early (daemons do), or a sibling spawned at the same moment
/// that inherits the socket, leaves that manager thread blocked in `waitpid` for a process that is still
/// running, and from then on no other child is ever reaped: exited children stay zombies and every
/// `waitUntilExit` spins for good. That hung the whole test run about one time in three.
///
/// `ChildProcess` has none of that shared state:
/// - every child gets exactly standard input, output and error (everything above descriptor 2 is closed in the
///   child with `posix_spawn_file_actions_addclosefrom_np`), the default signal dispositions and an empty signal
///   mask (test threads block SIGTERM, and a blocked mask would be inherited);
/// - pipes are created close-on-exec, so no other child inherits them;
/// - one thread per child blocks in `waitpid` for that pid only and publishes the status, so waiting never
///   depends on any other process;
/// - a child still running when this process exits (a suite's shared server, a test that did not stop what it
///   started) is killed then, with its process group when it leads one, so no test leaves processes behind.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// This process's own stream of the same number.
        case inherit
        /// A new pipe; the parent's end is in `standardInput`, `standardOutput` or `standardError`.
        case pipe
        /// A file, opened for reading (input) or created and truncated (output).
        case file(String)
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        /// It called `exit` with this status.
        case exited(Int32)
        /// A signal with this number killed it.
        case signalled(Int32)

        /// The shell's convention: the exit status, or 128 plus the signal number.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    /// The parent's end of the child's standard input, when it is `.pipe`.
    public let standardInput: FileHandle?
    /// The parent's end of the child's standard output, when it is `.pipe`.
    public let standardOutput: FileHandle?
    /// The parent's end of the child's standard error, when it is `.pipe`.
    public let standardError: FileHandle?

    private let condition = NSCondition()
    private var termination: Termination?
    private var waiters: [CheckedContinuation<Termination, Never>] = []

    /// Starts `executable ARGUMENTS`.
    ///
    /// - Parameters:
    ///   - executable: a path, or a name looked up on the child's `PATH`.
    ///   - environment: the child's whole environment; `nil` passes this process's.
    ///   - directory: the child's working directory; `nil` keeps this process's.
    ///   - processGroup: when true the child leads a new process group, so `signalGroup` reaches its children.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, standardInput: Stream = .null, standardOutput: Stream = .inherit,
                standardError: Stream = .inherit, processGroup: Bool = false) throws {
        _ = Self.ignoreBrokenPipes
        let environment = environment ?? ProcessInfo.processInfo.environment
        let path = try Self.resolve(executable, path: environment["PATH"])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Descriptors opened here for the child; the parent closes its copies once the child has them.
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }

        func plan(_ stream: Stream, target: Int32) throws -> FileHandle? {
            switch stream {
            case .inherit:
                return nil
            case .null:
                let fd = open("/dev/null", (target == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC)
                guard fd >= 0 else { throw SpawnFailed(executable: executable, errno: errno, step: "open /dev/null") }
                childEnds.append(fd)
                posix_spawn_file_actions_adddup2(&actions, fd, target)
                return nil
            case .file(let file):
                let flags = target == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | O_TRUNC)
                let fd = open(file, flags | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw SpawnFailed(executable: executable, errno: errno, step: "open \(file)") }
                childEnds.append(fd)
                posix_spawn_file_actions_adddup2(&actions, fd, target)
                return nil
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard pipe(&fds) == 0 else {
                    throw SpawnFailed(executable: executable, errno: errno, step: "pipe")
                }
                // Every spawn here closes descriptors above 2 in the child, so the instant between pipe and
                // fcntl cannot leak these into a sibling started from another thread.
                for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                let (childEnd, parentEnd) = target == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
                childEnds.append(childEnd)
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                return FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
            }
        }
        let input = try plan(standardInput, target: 0)
        let output = try plan(standardOutput, target: 1)
        let error = try plan(standardError, target: 2)
        if let directory {
            guard let addChdir = GlibcSpawnExtensions.addChdir else {
                throw SpawnFailed(executable: executable, errno: ENOSYS, step: "posix_spawn_file_actions_addchdir_np")
            }
            _ = directory.withCString { addChdir(&actions, $0) }
        }
        guard let addClosefrom = GlibcSpawnExtensions.addClosefrom else {
            throw SpawnFailed(executable: executable, errno: ENOSYS, step: "posix_spawn_file_actions_addclosefrom_np")
        }
        _ = addClosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if processGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnFailed(executable: executable, errno: spawned, step: "posix_spawn") }

        processIdentifier = pid
        LiveChildren.started(pid, group: processGroup)
        self.standardInput = input
        self.standardOutput = output
        self.standardError = error
        let reaper = Thread { [self] in reap() }
        reaper.stackSize = 1 << 16
        reaper.start()
    }

    /// Whether the child has not been reaped yet.
    public var isRunning: Bool { condition.withLock { termination == nil } }

    /// How the child ended, once it has.
    public var terminationStatus: Termination? { condition.withLock { termination } }

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) {
        if isRunning { Glibc.kill(processIdentifier, signal) }
    }

    /// Sends `signal` to the child's process group (started with `processGroup: true`).
    public func signalGroup(_ signal: Int32) {
        if isRunning { Glibc.kill(-processIdentifier, signal) }
    }

    /// Waits for the child to end without holding any thread.
    public func exit() async -> Termination {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let termination {
                condition.unlock()
                continuation.resume(returning: termination)
            } else {
                waiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// Blocks this thread until the child ends, or until `timeout` seconds passed (then nil). Never call it on
    /// the cooperative pool; use `exit()` there.
    @discardableResult
    public func waitBlocking(timeout: TimeInterval? = nil) -> Termination? {
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0) }
        condition.lock()
        defer { condition.unlock() }
        while termination == nil {
            if let deadline {
                if !condition.wait(until: deadline) { break }
            } else {
                condition.wait()
            }
        }
        return termination
    }

    /// Kills the child with SIGKILL and waits for it without holding any thread.
    @discardableResult
    public func kill() async -> Termination {
        signal(SIGKILL)
        return await exit()
    }

    /// Kills the child with SIGKILL and waits for it, blocking (for `deinit` and other synchronous cleanups; a
    /// killed child is reaped at once, so this does not wait on anything but the kernel).
    public func killBlocking() {
        signal(SIGKILL)
        waitBlocking(timeout: 30)
    }

    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(processIdentifier, &status, 0)
        } while result == -1 && errno == EINTR
        LiveChildren.ended(processIdentifier)
        let ended: Termination
        if result == -1 {
            ended = .exited(-1)  // Someone else reaped it; nothing better is known.
        } else if status & 0x7f == 0 {
            ended = .exited((status >> 8) & 0xff)
        } else {
            ended = .signalled(status & 0x7f)
        }
        condition.lock()
        termination = ended
        let resumed = waiters
        waiters = []
        condition.broadcast()
        condition.unlock()
        for waiter in resumed { waiter.resume(returning: ended) }
    }

    /// Writing to a child that already exited must fail with EPIPE, not kill the test process. Children get
    /// the default disposition back (`POSIX_SPAWN_SETSIGDEF`).
    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// `executable` itself when it names a path, else the first executable of that name on `path`.
    static func resolve(_ executable: String, path: String?) throws -> String {
        if executable.contains("/") { return executable }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw SpawnFailed(executable: executable, errno: ENOENT, step: "PATH lookup")
    }
}

/// glibc's `posix_spawn` extensions (2.29 and 2.34), which Swift's Glibc module does not export because they
/// sit behind `_GNU_SOURCE`; looked up by name once.
enum GlibcSpawnExtensions {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addClosefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// A child process could not be started.
public struct SpawnFailed: Error, CustomStringConvertible {
    /// What was to be run.
    public let executable: String
    /// The system error.
    public let errno: Int32
    /// Which step failed.
    public let step: String

    public var description: String {
        "could not start \(executable): \(step): \(String(cString: strerror(errno)))"
    }
}

/// Collects everything read from a pipe until its end, on a thread of its own.
public final class PipeCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var finished = false

    /// Starts reading `handle` until end of file.
    public init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty {
                    finished = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                data.append(chunk)
                condition.unlock()
            }
        }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// What was read so far, as UTF-8 text.
    public var text: String { condition.withLock { String(decoding: data, as: UTF8.self) } }

    /// Blocks until the writer closed the pipe, then returns everything read.
    public func waitForEnd() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while !finished { condition.wait() }
        return data
    }

    /// Waits for the end of the pipe without blocking the cooperative pool.
    public func end() async -> String {
        await offPool { String(decoding: self.waitForEnd(), as: UTF8.self) }
    }
}

/// The children started and not yet reaped, killed when this process exits.
private enum LiveChildren {
    private static let pids = Mutex<[pid_t: Bool]>([:])
    private static let registered: Bool = {
        atexit { LiveChildren.killAll() }
        return true
    }()

    static func started(_ pid: pid_t, group: Bool) {
        _ = registered
        pids.withLock { $0[pid] = group }
    }

    static func ended(_ pid: pid_t) {
        _ = pids.withLock { $0.removeValue(forKey: pid) }
    }

    static func killAll() {
        for (pid, group) in pids.withLock({ $0 }) {
            Glibc.kill(group ? -pid : pid, SIGKILL)
        }
    }
}
