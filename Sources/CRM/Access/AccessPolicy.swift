import SQLKit
import Vocabulary

/// Who may see and change which customers, calls, tasks and leads: an agent their own, a
/// supervisor their team's, an admin everything. Every route, store query and live socket asks
/// this one policy; what a user may not see is answered exactly like what does not exist.
public struct AccessPolicy: Sendable, Hashable {
    /// How far a user's view reaches.
    public enum Reach: Sendable, Hashable {
        case everything
        /// The team's members and what they own, take or are assigned; the team's queue (named like the team).
        case team(Int)
        /// What the user owns, took or is assigned.
        case own
    }

    public let user: User

    public init(_ user: User) {
        self.user = user
    }

    public var reach: Reach {
        switch user.role {
        case .admin: .everything
        case .supervisor: user.teamID.map(Reach.team) ?? .own
        case .agent: .own
        }
    }

    /// Whether `user` may follow `agent`'s live events (their screen-pops).
    public func mayFollow(_ agent: User) -> Bool {
        switch reach {
        case .everything: true
        case .team(let team): agent.id == user.id || agent.teamID == team
        case .own: agent.id == user.id
        }
    }

    /// Whether a customer owned by `ownerID` (of team `ownerTeam`) is within reach. A pooled customer
    /// (no owner; `ownerTeam` is the team whose pool keeps it, none for the centre's pool) is within a
    /// supervisor's reach when it is their team's or the centre's, never within an agent's: an agent
    /// sees the pool only through its listing and claims a customer before working it.
    public func mayView(customerOwnedBy ownerID: Int?, ownerTeam: Int?) -> Bool {
        switch reach {
        case .everything: true
        case .team(let team): ownerID == user.id || ownerTeam == team || (ownerID == nil && ownerTeam == nil)
        case .own: ownerID != nil && ownerID == user.id
        }
    }

    /// Whether `user` may list and claim from the pool kept for `team` (none: the centre's).
    public func mayUsePool(ofTeam team: Int?) -> Bool {
        switch user.role {
        case .admin: true
        case .supervisor, .agent: team == nil || team == user.teamID
        }
    }

    // MARK: SQL

    /// The ids of the users whose work is within reach, as a subquery; `nil` when everyone's is.
    func reachableUsers() -> (any SQLExpression)? {
        switch reach {
        case .everything: nil
        case .team(let team): SQLSubquery.select { $0.column("id").from("users").where("team_id", .equal, SQLBind(team)) }
        case .own: SQLGroupExpression(SQLBind(user.id))
        }
    }

    /// Narrows a query over customers (`table`, or its alias) to those within reach: owned within
    /// reach, or with an open task assigned within reach (a renewal agent calls other reps' customers).
    func restrictCustomers(_ query: SQLSelectBuilder, table: String = "customers") -> SQLSelectBuilder {
        guard let users = reachableUsers() else { return query }
        let assigned = SQLSubquery.select {
            $0.column("customer_id").from("tasks").where("status", .equal, SQLBind(TaskStatus.open.rawValue)).where("owner_id", .in, users)
        }
        return query.where { group in
            var group = group.where(SQLColumn("owner_id", table: table), .in, users).orWhere(SQLColumn("id", table: table), .in, assigned)
            if case .team(let team) = reach {
                // The team's pool and the centre's.
                group = group.orWhere { pooled in
                    pooled.where(SQLColumn("owner_id", table: table), .is, SQLLiteral.null).where { pool in
                        pool.where(SQLColumn("pool_team_id", table: table), .equal, SQLBind(team))
                            .orWhere(SQLColumn("pool_team_id", table: table), .is, SQLLiteral.null)
                    }
                }
            }
            return group
        }
    }

    /// Narrows a query over calls (`table`) to those within reach: taken by a user within reach,
    /// of a customer owned within reach, or (a supervisor) in the team's queue.
    func restrictCalls(_ query: SQLSelectBuilder, table: String) -> SQLSelectBuilder {
        guard let users = reachableUsers() else { return query }
        let taken = SQLSubquery.select { $0.column("call_id").from("call_agents").where("user_id", .in, users) }
        let ofCustomers = SQLSubquery.select {
            $0.column(SQLColumn("call_id", table: "cc"))
                .from(SQLAlias(SQLIdentifier("call_customers"), as: SQLIdentifier("cc")))
                .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")),
                      on: SQLColumn("id", table: "c"), .equal, SQLColumn("customer_id", table: "cc"))
                .where(SQLColumn("owner_id", table: "c"), .in, users)
        }
        return query.where { group in
            var group = group.where(SQLColumn("id", table: table), .in, taken).orWhere(SQLColumn("id", table: table), .in, ofCustomers)
            if case .team(let team) = reach {
                let queues = SQLSubquery.select { $0.column("name").from("teams").where("id", .equal, SQLBind(team)) }
                group = group.orWhere(SQLColumn("queue", table: table), .in, queues)
            }
            return group
        }
    }
}

extension User {
    /// What this user may see and change.
    public var access: AccessPolicy { AccessPolicy(self) }
}
