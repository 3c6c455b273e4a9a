/// The children of every open collection (and the keys waiting for their values), innermost last, in one buffer that the composer reuses for
/// the whole stream: a collection's children are appended while it is open and moved out, when it
/// ends, into an array of exactly their number.
///
/// Collecting them in a per-collection array instead cost an allocation sized by guess for every
/// collection and a reallocation (a new buffer, a move and a free) each time one outgrew its guess;
/// this costs one allocation of the right size per collection, and moving elements in and out of the
/// buffer copies no reference (no retain or release).
final class ChildStack<Element> {
    /// Invariant: `storage[0..<count]` is initialized, `storage[count..<capacity]` is not.
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// How many elements the stack holds.
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    /// Pushes `element` (moved in).
    func append(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// Makes room for one more element on top and returns where it goes, uninitialized: the caller must
    /// initialize it before the stack is used again (so that a value can be built straight into it).
    @inline(__always)
    func appendSlot() -> UnsafeMutablePointer<Element> {
        if count == capacity { grow() }
        let slot = storage + count
        count += 1
        return slot
    }

    @inline(never)
    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }

    /// Moves the top element out, or returns nil when the stack is empty.
    func popLast() -> Element? {
        guard count > 0 else { return nil }
        count -= 1
        return (storage + count).move()
    }

    /// The top element, in place (the stack must not be empty).
    var lastPointer: UnsafeMutablePointer<Element> { storage + (count - 1) }

    /// Moves the elements from index `start` to the top out into a new array (in order), leaving
    /// `start` elements on the stack.
    func popArray(from start: Int) -> [Element] {
        let taken = count - start
        guard taken > 0 else { return [] }
        count = start
        // Through `Array.init(_:)` of a collection that moves its elements out: the standard library
        // allocates the array's buffer (specialized, exactly `taken` elements) and hands it to
        // `_copyContents`, which moves the elements in with one memory copy. Also measured (parse,
        // instructions per document): `reserveCapacity` then `append` per element cost about 1,000 more
        // (the growth path of an empty array, a capacity check per element); `Array(unsafeUninitializedCapacity:)`
        // calls an unspecialized standard library function that looks up the array's generic type metadata on
        // every call (3,400 more); `Array(repeating: filler, count:)` then moving the elements over the fillers
        // cost more still.
        var moved = 0
        let array = withUnsafeMutablePointer(to: &moved) { movedCount in
            Array(MovingElements(base: storage + start, count: taken, moved: movedCount))
        }
        // Sound whatever path `Array.init(_:)` takes: elements it copied instead (through the subscript)
        // are destroyed here, so the array then holds the only references.
        if moved < taken { (storage + start + moved).deinitialize(count: taken - moved) }
        return array
    }

    /// Destroys the elements from index `start` to the top.
    func removeAll(from start: Int = 0) {
        guard count > start else { return }
        (storage + start).deinitialize(count: count - start)
        count = start
    }

    /// Calls `body` with the elements from index `start` to the top, borrowed.
    func withElements<R>(from start: Int, _ body: (UnsafeBufferPointer<Element>) -> R) -> R {
        body(UnsafeBufferPointer(start: storage + start, count: max(0, count - start)))
    }
}

/// `count` initialized elements at `base`, as a collection whose `_copyContents` moves them out (leaving
/// the memory uninitialized) instead of copying them, and records how many it moved in `moved`: only for
/// `ChildStack.popArray`, which hands it to `Array.init(_:)` once. Read any other way (the subscript), it
/// copies the elements and moves none.
private struct MovingElements<Element>: RandomAccessCollection {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    let moved: UnsafeMutablePointer<Int>

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(position: Int) -> Element { base[position] }

    /// Moves the elements into `target` (which `Array.init(_:)` allocates with room for exactly
    /// `count`), and returns an iterator past the last one moved.
    func _copyContents(
        initializing target: UnsafeMutableBufferPointer<Element>
    ) -> (IndexingIterator<MovingElements<Element>>, Int) {
        let movable = Swift.min(count - moved.pointee, target.count)
        if movable > 0, let destination = target.baseAddress {
            destination.moveInitialize(from: base + moved.pointee, count: movable)
            moved.pointee += movable
        }
        return (IndexingIterator(_elements: self, _position: moved.pointee), Swift.max(movable, 0))
    }
}

extension ChildStack where Element == Node.Pair {
    /// Pushes an entry whose value is a placeholder and returns where its key goes, uninitialized: the
    /// caller must initialize the key before the stack is used again, and later overwrite the placeholder
    /// (`initialize(to:)` through `lastPointer`; the placeholder owns nothing, so it needs no destroying).
    @inline(__always)
    func appendKeySlot() -> UnsafeMutablePointer<Node> {
        let slot = appendSlot()
        slot.pointer(to: \.value).unsafelyUnwrapped.initialize(to: Node.placeholder)
        return slot.pointer(to: \.key).unsafelyUnwrapped
    }
}
