/// What a contact that is not a tracked call was: a note, a visit to the showroom, a complaint.
public enum InteractionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case note, visit, complaint
}
