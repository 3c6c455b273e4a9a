import Testing

@testable import KgitYAML

/// Counts the deinitializations of the `Tracked` values that share it.
private final class DeinitCounter {
    var count = 0
}

/// A reference whose deinitialization is counted, to tell moves from copies and leaks.
private final class Tracked {
    let id: Int
    let counter: DeinitCounter

    init(_ id: Int, _ counter: DeinitCounter) {
        self.id = id
        self.counter = counter
    }

    deinit { counter.count += 1 }
}

@Suite struct ChildStackTests {
    @Test func popArrayMovesTheTopElementsOutInOrder() {
        let counter = DeinitCounter()
        let stack = ChildStack<Tracked>(capacity: 2)
        for id in 0..<5 { stack.append(Tracked(id, counter)) }
        var popped = stack.popArray(from: 2)
        #expect(popped.map(\.id) == [2, 3, 4])
        #expect(stack.count == 2)
        // Moved, not copied: nothing was destroyed, and the array holds the only references.
        #expect(counter.count == 0)
        #expect(isKnownUniquelyReferenced(&popped[0]))
        popped = []
        #expect(counter.count == 3)
        stack.removeAll()
        #expect(counter.count == 5)
    }

    @Test func popArrayOfNothingLeavesTheStackAlone() {
        let counter = DeinitCounter()
        let stack = ChildStack<Tracked>()
        stack.append(Tracked(0, counter))
        #expect(stack.popArray(from: 1).isEmpty)
        #expect(stack.count == 1)
        #expect(counter.count == 0)
    }

    @Test func slotsAreFilledInPlace() {
        let counter = DeinitCounter()
        let stack = ChildStack<Tracked>(capacity: 1)
        stack.appendSlot().initialize(to: Tracked(7, counter))
        stack.appendSlot().initialize(to: Tracked(8, counter))
        #expect(stack.count == 2)
        #expect(stack.popArray(from: 0).map(\.id) == [7, 8])
        #expect(counter.count == 2)
    }
}
