/// Which keep-alive connection a request gets, as a pure value (``HTTPSTransport`` does the I/O).
///
/// A request takes an idle connection when there is one. Otherwise it waits, and is served by whichever
/// comes first: a connection another request checks in, or a new one. New connections are opened only while
/// waiters outnumber the connections being opened, and at most ``maxDials`` at once; a new connection that ends
/// up not needed stays idle for the next one. (``HTTPSTransport`` counts a connection as opened once its TLS
/// handshake completed, so a request whose connection frees within a handshake's time is served by it, and the
/// new connection idles for a later request.)
///
/// Invariant: while any request waits, at least one connection is being opened, so every waiter is
/// eventually served or, when opening fails, failed.
struct ConnectionPool<Link, Waiter> {
    /// The most idle connections kept; one checked in beyond that is closed.
    let maxIdle: Int
    /// The most connections opened at once.
    let maxDials: Int
    private(set) var idle: [Link] = []
    private(set) var waiters: [Waiter] = []
    /// Connections being opened.
    private(set) var dialing = 0

    init(maxIdle: Int, maxDials: Int) {
        self.maxIdle = maxIdle
        self.maxDials = max(1, maxDials)
    }

    /// What a request that asks for a connection gets.
    enum Checkout {
        /// This idle connection, now the request's.
        case link(Link)
        /// Nothing yet: the request waits (it was queued); open a new connection when `dial` says so.
        case wait(dial: Bool)
    }

    /// Gives `waiter` an idle connection (skipping those `isOpen` says are closed), or queues it.
    mutating func checkOut(_ waiter: Waiter, isOpen: (Link) -> Bool) -> Checkout {
        while let link = idle.popLast() {
            if isOpen(link) { return .link(link) }
        }
        waiters.append(waiter)
        return .wait(dial: startDialIfNeeded())
    }

    /// Where a connection that finished a request (or was just opened) goes.
    enum Handoff {
        /// To this waiting request.
        case waiter(Waiter)
        /// To the idle list (done).
        case idle
        /// Nowhere: close it (enough are idle).
        case close
    }

    /// A connection is free again: the longest waiting request gets it, else it idles (or is closed).
    mutating func checkIn(_ link: Link) -> Handoff {
        if !waiters.isEmpty { return .waiter(waiters.removeFirst()) }
        guard idle.count < maxIdle else { return .close }
        idle.append(link)
        return .idle
    }

    /// A connection being opened is open (`link`) or could not be opened (nil): what becomes of it, which
    /// waiter (if any) fails when it could not, and whether to open another for requests still waiting.
    mutating func dialEnded(_ link: Link?) -> (handoff: Handoff?, failed: Waiter?, dialAgain: Bool) {
        dialing -= 1
        var handoff: Handoff?
        var failed: Waiter?
        if let link {
            handoff = checkIn(link)
        } else if !waiters.isEmpty {
            failed = waiters.removeFirst()
        }
        return (handoff, failed, startDialIfNeeded())
    }

    /// Takes every waiter (the transport is shutting down) and the idle connections.
    mutating func drain() -> (idle: [Link], waiters: [Waiter]) {
        defer {
            idle = []
            waiters = []
        }
        return (idle, waiters)
    }

    private mutating func startDialIfNeeded() -> Bool {
        guard dialing < waiters.count, dialing < maxDials else { return false }
        dialing += 1
        return true
    }
}
