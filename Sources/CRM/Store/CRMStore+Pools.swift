import Foundation
import SQLKit
import Telephony
import Vocabulary

/// Customer pools (公海): customers nobody owns, kept per team (or for the whole centre), and the
/// marketing pool for C leads. Agents claim from them within a daily limit; a previous owner waits
/// before claiming one back; claimed customers without progress return. Every move is kept in
/// `owner_moves` and audited.
extension CRMStore {
    /// The customers waiting in the pools `viewer` may use (their team's and the centre's; an admin's:
    /// all), of one kind or both, oldest in the pool first, after `afterID` for the next page.
    public func pool(_ kind: PoolKind?, visibleTo viewer: User, after cursor: (pooledAt: Date, id: Int)? = nil,
                     limit: Int = 50) async throws -> [PoolEntry] {
        try await database.withConnection { sql in
            struct Row: Decodable { let id: Int; let pool: PoolKind; let poolTeamId: Int?; let pooledAt: Date }
            var select = sql.select().columns("id", "pool", "pool_team_id", "pooled_at").from("customers")
                .where("owner_id", .is, SQLLiteral.null).where("merged_into", .is, SQLLiteral.null)
                .where("pool", .isNot, SQLLiteral.null)
            if let kind { select = select.where("pool", .equal, kind.rawValue) }
            if viewer.role != .admin {
                select = select.where { $0.where("pool_team_id", .is, SQLLiteral.null).orWhere("pool_team_id", .equal, SQLBind(viewer.teamID)) }
            }
            if let cursor {
                select = select.where { $0.where("pooled_at", .greaterThan, cursor.pooledAt)
                    .orWhere { $0.where("pooled_at", .equal, cursor.pooledAt).where("id", .greaterThan, cursor.id) } }
            }
            let rows = try await select.orderBy("pooled_at").orderBy("id").limit(max(1, min(limit, 500)))
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard !rows.isEmpty else { return [] }
            let summaries = Dictionary(uniqueKeysWithValues: try await summaries(ids: rows.map(\.id), in: sql).map { ($0.id, $0) })
            let lastOwners = try await lastOwners(of: rows.map(\.id), in: sql)
            return rows.compactMap { row in
                summaries[row.id].map { PoolEntry(customer: $0, pool: row.pool, teamID: row.poolTeamId, pooledAt: row.pooledAt, lastOwnerID: lastOwners[row.id]) }
            }
        }
    }

    /// `agent` takes a customer from a pool they may use: not found unless it is waiting in one;
    /// a conflict past the day's limit, or within the cooldown after they gave it up. Two claims of
    /// one customer at once: one wins, the other finds it gone. Audited and kept in the history.
    public func claimCustomer(_ customerID: Int, by agent: User, rules: PoolRules, now: Date = Date()) async throws {
        try await database.withTransaction { sql in
            if database.engine == .postgres {
                // One claimant's claims one at a time (two daemons, two tabs): the daily count stays true.
                try await sql.raw("SELECT id FROM users WHERE id = \(bind: agent.id) FOR UPDATE").run()
            }
            struct Waiting: Decodable { let pool: PoolKind?; let poolTeamId: Int? }
            guard let waiting = try await sql.select().columns("pool", "pool_team_id").from("customers")
                .where("id", .equal, customerID).where("owner_id", .is, SQLLiteral.null).where("merged_into", .is, SQLLiteral.null)
                .first(decoding: Waiting.self, keyDecodingStrategy: .convertFromSnakeCase),
                  let pool = waiting.pool, agent.access.mayUsePool(ofTeam: waiting.poolTeamId) else {
                throw CRMError.notFound(entity: "customer", id: "\(customerID)")
            }
            let claimedToday = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("owner_moves")
                .where("to_user", .equal, agent.id).where("kind", .equal, OwnerMoveKind.claimed.rawValue)
                .where("moved_at", .greaterThanOrEqual, rules.startOfDay(now)).first(decodingColumn: "n", as: Int.self) ?? 0
            guard claimedToday < rules.claimsPerDay else {
                throw CRMError.conflict("you have claimed \(claimedToday) customers today, the daily limit is \(rules.claimsPerDay)")
            }
            let cooldownStart = now.addingTimeInterval(-Double(rules.reclaimAfterDays) * 86_400)
            if let gaveUp = try await sql.select().column("moved_at").from("owner_moves")
                .where("customer_id", .equal, customerID).where("from_user", .equal, agent.id)
                .where("moved_at", .greaterThan, cooldownStart).orderBy("moved_at", .descending)
                .first(decodingColumn: "moved_at", as: Date.self) {
                let from = gaveUp.addingTimeInterval(Double(rules.reclaimAfterDays) * 86_400)
                throw CRMError.conflict("customer \(customerID) left you on \(Self.day(gaveUp, rules)): a previous owner may claim it back from \(Self.day(from, rules))")
            }
            guard try await sql.update("customers").set("owner_id", to: agent.id).set("claimed_at", to: now).set("updated_at", to: now)
                .set("pool", to: SQLLiteral.null).set("pool_team_id", to: SQLLiteral.null).set("pooled_at", to: SQLLiteral.null)
                .where("id", .equal, customerID).where("owner_id", .is, SQLLiteral.null)
                .returning("id").first() != nil else { throw CRMError.notFound(entity: "customer", id: "\(customerID)") }
            try await sql.update("leads").set("owner_id", to: agent.id)
                .where("customer_id", .equal, customerID).where("closed_at", .is, SQLLiteral.null).run()
            try await sql.update("tasks").set("owner_id", to: agent.id).set("updated_at", to: now)
                .where("customer_id", .equal, customerID).where("owner_id", .is, SQLLiteral.null)
                .where("status", .equal, TaskStatus.open.rawValue).run()
            try await recordMove(OwnerMove(customerID: customerID, kind: .claimed, to: agent.id, pool: pool, teamID: waiting.poolTeamId,
                                           by: agent.id, movedAt: now), in: sql)
            try await audit(sql, actor: agent.id, action: "claim", entity: "customer", entityID: customerID,
                            details: ["pool": pool.rawValue, "team": waiting.poolTeamId.map(String.init) ?? "centre"])
        }
    }

    /// The owner (or a supervisor or admin within reach) gives a customer back to the owner's team
    /// pool, with a reason; the owner may not claim it back within the cooldown. Audited.
    public func releaseCustomer(_ customerID: Int, reason: String, by actor: User, now: Date = Date()) async throws {
        try await database.withTransaction { sql in
            guard let owner = try await ownership(of: customerID, in: sql), let ownerID = owner.ownerID,
                  actor.access.mayView(customerOwnedBy: ownerID, ownerTeam: owner.teamID) else {
                throw CRMError.notFound(entity: "customer", id: "\(customerID)")
            }
            try await moveToPool(customerID, from: ownerID, pool: .team, teamID: owner.teamID, kind: .released, by: actor.id,
                                 reason: reason, now: now, in: sql)
        }
    }

    /// Claimed customers with no progress (a connected call with a result, a visit, a change of stage
    /// or grade) for `rules.recycleAfterDays` go back to their team's pool; the owner is told. Each
    /// move checks the claim it read, so a second pass or daemon moves nothing twice. Returns how many moved.
    public func recyclePool(_ rules: PoolRules, now: Date = Date()) async throws -> Int {
        let cut = now.addingTimeInterval(-Double(rules.recycleAfterDays) * 86_400)
        struct Stale: Decodable { let id: Int; let name: String; let ownerId: Int; let teamId: Int?; let claimedAt: Date }
        let stale = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT c.id AS id, c.name AS name, c.owner_id AS owner_id, u.team_id AS team_id, c.claimed_at AS claimed_at
                FROM customers c JOIN users u ON u.id = c.owner_id
                WHERE c.claimed_at IS NOT NULL AND c.claimed_at <= \(bind: cut) AND c.merged_into IS NULL
                  AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id AND l.last_progress_at > \(bind: cut))
                ORDER BY c.id
                """).all(decoding: Stale.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        var moved = 0
        for customer in stale {
            let made = try await database.withTransaction { sql in
                // Still theirs, still claimed long ago (a second daemon may have moved it a moment ago).
                guard try await sql.select().column("id").from("customers").where("id", .equal, customer.id)
                    .where("owner_id", .equal, customer.ownerId).where("claimed_at", .lessThanOrEqual, cut).first() != nil else { return false }
                try await moveToPool(customer.id, from: customer.ownerId, pool: .team, teamID: customer.teamId, kind: .recycled, by: nil,
                                     reason: "no progress for \(rules.recycleAfterDays) days after the claim", now: now, in: sql)
                try await notify(customer.ownerId, .reassigned, entity: "customer", id: customer.id, customerID: customer.id,
                                 message: "\(customer.name)：认领后 \(rules.recycleAfterDays) 天无进展，已回到公海", in: sql)
                return true
            }
            if made { moved += 1 }
        }
        return moved
    }

    /// A customer whose open leads are all C goes to the marketing pool of its owner's team (no personal
    /// task; campaigns reach it). Called in a re-grade's transaction; does nothing while an A or B lead is open.
    func moveToMarketingIfCold(customerOfLead lead: Int, by actor: Int?, reason: String, in sql: any SQLDatabase) async throws {
        guard let customerID = try await sql.select().column("customer_id").from("leads").where("id", .equal, lead)
            .first(decodingColumn: "customer_id", as: Int.self),
              let owner = try await ownership(of: customerID, in: sql), let ownerID = owner.ownerID else { return }
        let warm = try await sql.select().column("id").from("leads").where("customer_id", .equal, customerID)
            .where("closed_at", .is, SQLLiteral.null).where("grade", .in, [LeadGrade.a.rawValue, LeadGrade.b.rawValue]).first()
        guard warm == nil else { return }
        try await moveToPool(customerID, from: ownerID, pool: .marketing, teamID: owner.teamID, kind: .marketing, by: actor,
                             reason: reason, now: Date(), in: sql)
    }

    /// Puts a customer into a pool in the caller's transaction: no owner, its open leads with it; its
    /// open follow-ups end (the cadence is a person's); its other open tasks (a complaint, a callback)
    /// stay with whoever holds them until done, and reach the customer through them.
    func moveToPool(_ customerID: Int, from ownerID: Int?, pool: PoolKind, teamID: Int?, kind: OwnerMoveKind, by actor: Int?,
                    reason: String, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.update("customers").set("owner_id", to: SQLLiteral.null).set("pool", to: pool.rawValue)
            .set("pool_team_id", to: teamID).set("pooled_at", to: now).set("claimed_at", to: SQLLiteral.null).set("updated_at", to: now)
            .where("id", .equal, customerID).run()
        try await sql.update("leads").set("owner_id", to: SQLLiteral.null)
            .where("customer_id", .equal, customerID).where("closed_at", .is, SQLLiteral.null).run()
        try await sql.update("tasks").set("status", to: TaskStatus.cancelled.rawValue).set("result", to: "customer moved to the \(pool.rawValue) pool")
            .set("updated_at", to: now)
            .where("customer_id", .equal, customerID).where("kind", .equal, TaskKind.followUp.rawValue)
            .where("status", .equal, TaskStatus.open.rawValue).run()
        try await recordMove(OwnerMove(customerID: customerID, kind: kind, from: ownerID, pool: pool, teamID: teamID, by: actor,
                                       reason: reason, movedAt: now), in: sql)
        try await audit(sql, actor: actor, action: "pooled", entity: "customer", entityID: customerID,
                        details: ["from": ownerID.map(String.init) ?? "", "pool": pool.rawValue, "team": teamID.map(String.init) ?? "centre",
                                  "kind": kind.rawValue, "reason": reason])
    }

    /// A customer's owner history, in the order the moves were made, for whoever may see the customer.
    public func ownerHistory(of customerID: Int, visibleTo viewer: User) async throws -> [OwnerMove] {
        try await database.withConnection { sql in
            guard let owner = try await ownership(of: customerID, in: sql),
                  viewer.access.mayView(customerOwnedBy: owner.ownerID, ownerTeam: owner.teamID) else {
                throw CRMError.notFound(entity: "customer", id: "\(customerID)")
            }
            return try await ownerMoves(of: customerID, in: sql)
        }
    }

    func ownerMoves(of customerID: Int, in sql: any SQLDatabase) async throws -> [OwnerMove] {
        try await sql.select()
            .columns("customer_id", "kind", "from_user", "to_user", "pool", "team_id", "by_user", "reason", "moved_at")
            .from("owner_moves").where("customer_id", .equal, customerID).orderBy("id")
            .all(decoding: OwnerMove.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    func recordMove(_ move: OwnerMove, at time: Date? = nil, in sql: any SQLDatabase) async throws {
        try await sql.insert(into: "owner_moves")
            .columns("customer_id", "kind", "from_user", "to_user", "pool", "team_id", "by_user", "reason", "moved_at")
            .values(SQLBind(move.customerId), SQLBind(move.kind.rawValue), SQLBind(move.fromUser), SQLBind(move.toUser),
                    SQLBind(move.pool?.rawValue), SQLBind(move.teamId), SQLBind(move.byUser), SQLBind(move.reason), SQLBind(time ?? move.movedAt))
            .run()
    }

    /// Who had each customer last before it went into its pool.
    private func lastOwners(of ids: [Int], in sql: any SQLDatabase) async throws -> [Int: Int] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { let customerId: Int; let fromUser: Int }
        let rows = try await sql.select().columns("customer_id", "from_user").from("owner_moves")
            .where("customer_id", .in, ids).where("from_user", .isNot, SQLLiteral.null).orderBy("id")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(rows.map { ($0.customerId, $0.fromUser) }, uniquingKeysWith: { _, newest in newest })
    }

    private static func day(_ date: Date, _ rules: PoolRules) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = rules.timeZone
        format.dateFormat = "yyyy-MM-dd"
        return format.string(from: date)
    }
}
