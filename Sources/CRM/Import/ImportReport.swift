/// Counts of an import so far (as progress) or in total (as the result).
public struct ImportReport: Sendable, Hashable {
    /// Data rows read, not counting the header.
    public var rowsRead = 0
    /// Rows that created a new customer.
    public var created = 0
    /// Rows that added phones, vehicles, policies or a grade to a customer already there.
    public var updated = 0
    /// Rows whose customer and details were all already there (a re-import).
    public var unchanged = 0
    /// New customers without an owner, put into the pool (公海).
    public var pooled = 0
    public var rejected = 0
    /// Approximate bytes consumed and the file's size, for a progress bar.
    public var bytesRead = 0
    public var totalBytes = 0
    /// The file's encoding, as told or named.
    public var encoding: TextEncoding?
    /// Where rejected rows were written; `nil` when none were rejected.
    public var rejectsPath: String?

    public init() {}
}
