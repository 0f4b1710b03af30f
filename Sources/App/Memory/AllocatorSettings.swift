#if canImport(Glibc)
import Glibc
#endif

/// Settings of the C allocator that keep a long-running daemon's resident memory flat.
///
/// glibc serves a block of 128 KiB or more with its own `mmap`, returned to the system when freed, but
/// raises that threshold to the size of any such block freed (up to 32 MB). After that, large buffers
/// (socket reads, write batches, table resizes) come from the arenas, where they leave holes: in the
/// scale benchmark the daemon's live bytes stayed flat while its resident memory crept up. Fixing the
/// threshold (which also stops it moving) kept it flat (README, "Stop 24").
public enum AllocatorSettings {
    /// The threshold the daemon fixes: glibc's own starting value.
    public static let mmapThreshold: Int32 = 128 * 1024

    /// Fixes glibc's mmap threshold at `mmapThreshold`. `false` where there is no glibc or it refused.
    @discardableResult
    public static func fixMmapThreshold() -> Bool {
        #if canImport(Glibc)
        // `mallopt` and `M_MMAP_THRESHOLD` (-3) are in <malloc.h>, which Swift's Glibc module leaves out.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        return unsafeBitCast(symbol, to: Mallopt.self)(-3, mmapThreshold) == 1
        #else
        return false
        #endif
    }
}
