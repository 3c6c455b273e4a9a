import KgitStore
import Testing
@testable import KgitAPIServer

@Suite("Compactor")
struct CompactorTests {
    @Test("each round compacts to the revision seen one round earlier; older watches then get 410")
    func rounds() async throws {
        let backend = KgitStoreBackend(KgitStore.MemoryStore())
        let compactor = Compactor(store: backend.store)
        _ = try await backend.create("/a", value: [])
        let first = await compactor.round(previous: nil)
        #expect(try await backend.store.status().compactRevision <= 1, "the first round only records")
        _ = try await backend.create("/b", value: [])
        _ = try await backend.create("/c", value: [])
        let second = await compactor.round(previous: first)
        #expect(try await backend.store.status().compactRevision == first)
        #expect(second == (try await backend.store.status().revision))
        await #expect(throws: KgitAPIServer.StoreError.self) { try await backend.watch(prefix: "/", after: 0) }
        _ = try await backend.watch(prefix: "/", after: try #require(first))
    }
}
