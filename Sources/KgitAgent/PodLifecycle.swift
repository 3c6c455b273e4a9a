/// The simulated life of one pod on a simulated node, as a state machine driven by the caller's clock
/// readings: `Pending → ContainerCreating → Running`, then (when the workload ends or crashes) `Succeeded`,
/// `Failed`, or a restart after CrashLoopBackOff, as the pod's restart policy says.
///
/// ```
/// Pending ─(createDelay)─▶ ContainerCreating ─(startDelay)─▶ Running ─(runFor / crashAfter)─▶ exit
///                               │ start fails                                         │
///                               ▼                                                     ▼
///                  restartPolicy Never: Failed        exit 0 and not Always: Succeeded; Never: Failed
///                  otherwise CrashLoopBackOff ─(10s × 2^(restarts−1), ≤ 5 min)─▶ Running (restartCount + 1)
/// ```
///
/// Pure: `advance(to:)` applies every transition due by `now` and returns them, so a simulation of
/// thousands of pods needs no timers per pod, only the earliest `nextTransition`.
public struct PodLifecycle: Sendable, Equatable {
    /// Where the pod is.
    public enum State: String, Sendable, Equatable {
        /// Bound to the node, not yet acted on.
        case pending = "Pending"
        /// Pulling images and creating containers.
        case containerCreating = "ContainerCreating"
        /// Running.
        case running = "Running"
        /// The container exited and waits to be restarted.
        case crashLoopBackOff = "CrashLoopBackOff"
        /// All containers exited with 0 and will not restart.
        case succeeded = "Succeeded"
        /// A container failed and will not restart.
        case failed = "Failed"

        /// The pod's `status.phase` in this state.
        public var phase: String {
            switch self {
            case .pending, .containerCreating: return "Pending"
            case .running, .crashLoopBackOff: return "Running"
            case .succeeded: return "Succeeded"
            case .failed: return "Failed"
            }
        }

        /// Whether the pod will not change any more.
        public var isFinal: Bool { self == .succeeded || self == .failed }
    }

    /// The pod's `spec.restartPolicy`.
    public enum RestartPolicy: String, Sendable, Equatable {
        case always = "Always"
        case onFailure = "OnFailure"
        case never = "Never"
    }

    /// How long each step takes.
    public struct Timings: Sendable, Equatable {
        /// From binding to ContainerCreating.
        public var createDelay: Duration
        /// From ContainerCreating to Running.
        public var startDelay: Duration
        /// How long the workload runs before exiting with 0; nil runs forever (a server).
        public var runFor: Duration?

        /// Creates timings.
        public init(createDelay: Duration = .milliseconds(100), startDelay: Duration = .seconds(1), runFor: Duration? = nil) {
            self.createDelay = createDelay
            self.startDelay = startDelay
            self.runFor = runFor
        }
    }

    /// Failures to inject.
    public struct Failures: Sendable, Equatable {
        /// How many start attempts fail before one succeeds (0: none).
        public var failedStarts: Int
        /// When set, a running container crashes (exit code 1) after this long.
        public var crashAfter: Duration?

        /// No failures.
        public static let none = Failures()

        /// Creates a failure plan.
        public init(failedStarts: Int = 0, crashAfter: Duration? = nil) {
            self.failedStarts = failedStarts
            self.crashAfter = crashAfter
        }

        /// A deterministic choice for fleets: the pod (by uid) crashes after `crashAfter` when its hash with
        /// `seed` falls within `rate` (0...1), so about `rate` of all pods fail, the same ones on every run.
        public static func sampled(uid: String, rate: Double, seed: UInt64, crashAfter: Duration) -> Failures {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in uid.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            let unit = Double(hash % 1_000_000) / 1_000_000
            return unit < rate ? Failures(crashAfter: crashAfter) : .none
        }
    }

    /// A change of state, with when it happened and why.
    public struct Transition: Sendable, Equatable {
        /// The state before.
        public var from: State
        /// The state after.
        public var to: State
        /// When.
        public var at: Duration
        /// The container's exit code, for exits.
        public var exitCode: Int?
    }

    /// The first restart backoff (kubelet: 10 s).
    public static let initialRestartBackoff: Duration = .seconds(10)
    /// The longest restart backoff (kubelet: 5 minutes).
    public static let maxRestartBackoff: Duration = .seconds(300)

    /// The current state.
    public private(set) var state: State = .pending
    /// How many times the container was restarted.
    public private(set) var restartCount = 0
    /// When the current state began.
    public private(set) var since: Duration
    /// The restart policy.
    public let restartPolicy: RestartPolicy
    /// The step timings.
    public let timings: Timings
    /// The failures injected.
    public let failures: Failures
    private var startAttempts = 0

    /// A pod bound at `boundAt`.
    public init(boundAt: Duration, restartPolicy: RestartPolicy = .always, timings: Timings = Timings(), failures: Failures = .none) {
        self.since = boundAt
        self.restartPolicy = restartPolicy
        self.timings = timings
        self.failures = failures
    }

    /// How long the pod waits in CrashLoopBackOff before its next restart.
    public var restartBackoff: Duration {
        var d = PodLifecycle.initialRestartBackoff
        for _ in 1..<max(restartCount, 1) where d < PodLifecycle.maxRestartBackoff { d *= 2 }
        return min(d, PodLifecycle.maxRestartBackoff)
    }

    /// When the next transition is due, or nil when none will happen without outside action.
    public var nextTransition: Duration? {
        switch state {
        case .pending: return since + timings.createDelay
        case .containerCreating: return since + timings.startDelay
        case .running:
            let exits = [failures.crashAfter, timings.runFor].compactMap { $0 }
            return exits.min().map { since + $0 }
        case .crashLoopBackOff: return since + restartBackoff
        case .succeeded, .failed: return nil
        }
    }

    /// Applies every transition due at or before `now`, in order, and returns them.
    public mutating func advance(to now: Duration) -> [Transition] {
        var done: [Transition] = []
        while let due = nextTransition, due <= now {
            let before = state
            let exitCode = step(at: due)
            done.append(Transition(from: before, to: state, at: due, exitCode: exitCode))
        }
        return done
    }

    /// Takes one transition; returns the container's exit code when the step was an exit.
    private mutating func step(at time: Duration) -> Int? {
        switch state {
        case .pending:
            move(to: .containerCreating, at: time)
            return nil
        case .containerCreating, .crashLoopBackOff:
            startAttempts += 1
            if startAttempts <= failures.failedStarts { return exit(code: 128, at: time) }
            move(to: .running, at: time)
            return nil
        case .running:
            let crashes = failures.crashAfter.map { crash in timings.runFor.map { crash <= $0 } ?? true } ?? false
            return exit(code: crashes ? 1 : 0, at: time)
        case .succeeded, .failed:
            return nil
        }
    }

    /// A container exit: finish or back off, as the restart policy says.
    private mutating func exit(code: Int, at time: Duration) -> Int {
        let restarts = restartPolicy == .always || (restartPolicy == .onFailure && code != 0)
        if restarts {
            restartCount += 1
            move(to: .crashLoopBackOff, at: time)
        } else {
            move(to: code == 0 ? .succeeded : .failed, at: time)
        }
        return code
    }

    private mutating func move(to next: State, at time: Duration) {
        state = next
        since = time
    }
}
