import Synchronization

/// The time source of the scheduling queue, injectable so that backoff can be tested without waiting.
public protocol SchedulingClock: Sendable {
    /// The time elapsed since an arbitrary, fixed origin.
    func now() -> Duration
}

/// The system's monotonic clock, measured from when this value was created.
public struct SystemSchedulingClock: SchedulingClock {
    private let origin = ContinuousClock.now

    /// A clock starting now.
    public init() {}

    /// Time since creation.
    public func now() -> Duration { ContinuousClock.now - origin }
}

/// A clock that moves only when told to: for tests and simulations.
public final class ManualClock: SchedulingClock {
    private let current: Mutex<Duration>

    /// A clock reading `start`.
    public init(start: Duration = .zero) { current = Mutex(start) }

    /// The current reading.
    public func now() -> Duration { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) { current.withLock { $0 += duration } }
}
