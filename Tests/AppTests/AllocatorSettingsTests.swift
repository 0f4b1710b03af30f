#if canImport(Glibc)
import Glibc
import Testing
@testable import App

@Suite("Allocator settings of the daemon")
struct AllocatorSettingsTests {
    /// glibc marks a chunk served by its own `mmap` with bit 1 of the size word just before the block.
    private func isMapped(_ block: UnsafeMutableRawPointer) -> Bool {
        (block.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self) & 0x2) != 0
    }

    @Test("with the mmap threshold fixed, a 1 MiB block is still mapped after another was freed; a small one is not")
    func aLargeBlockStaysMappedAfterAnotherIsFreed() throws {
        #expect(AllocatorSettings.fixMmapThreshold())
        // Unfixed, freeing this block would raise the threshold past 1 MiB, and the next one would come
        // from an arena.
        let first = try #require(malloc(1 << 20))
        #expect(isMapped(first))
        free(first)
        let second = try #require(malloc(1 << 20))
        defer { free(second) }
        #expect(isMapped(second))
        let small = try #require(malloc(4096))
        defer { free(small) }
        #expect(!isMapped(small))
    }
}
#endif
