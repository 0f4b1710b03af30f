/// Where a lead is on the way to a sale; `won` and `lost` close it.
public enum LeadStage: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case contacted
    case testDrive = "test_drive"
    case quoted
    case negotiating
    case won
    /// 战败: closed without a sale, with a manager's approval.
    case lost

    /// Whether the lead is closed.
    public var isClosed: Bool { self == .won || self == .lost }
}
