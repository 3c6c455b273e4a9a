/// Per-key mutual exclusion for async code, without blocking a thread: a waiter suspends until
/// the holder releases, first come first served. The API server holds a namespace's lock from the
/// ResourceQuota check to the write, so concurrent creates cannot together overshoot a quota.
actor NamespaceLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Waits until `key` is free and takes it.
    func lock(_ key: String) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    /// Releases `key`, handing it to the next waiter if there is one.
    func unlock(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()  // the key stays held, now by the waiter
        } else {
            held.remove(key)
        }
    }
}
