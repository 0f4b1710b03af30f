/// What a merge moved from the dropped customer to the one kept.
public struct MergeReport: Sendable, Hashable, Codable {
    public let keptID: Int
    public let droppedID: Int
    public var phonesMoved = 0
    public var phonesAlreadyPresent = 0
    public var leadsMoved = 0
    public var tasksMoved = 0
    public var callsMoved = 0
    public var interactionsMoved = 0
    public var vehiclesMoved = 0
    public var policiesMoved = 0
    public var contactsMoved = 0
}
