/// The kinds of task the CRM knows (stored as text, so campaigns may add their own).
public enum TaskKind {
    /// Call back a caller whose inbound call was abandoned or not answered.
    public static let callback = "callback"
    /// An open customer complaint to resolve.
    public static let complaint = "complaint"
    /// A scheduled follow-up call by lead grade.
    public static let followUp = "follow_up"
}
