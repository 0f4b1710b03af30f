import CRM
import Vocabulary

/// A user as the API shows it (`GET /v1/me`).
struct UserBody: Encodable {
    let id: Int
    let name: String
    let role: UserRole
    let `extension`: String?
    let teamId: Int?
    let seniority: Int

    init(_ user: User) {
        id = user.id
        name = user.name
        role = user.role
        self.extension = user.extension
        teamId = user.teamID
        seniority = user.seniority
    }
}
