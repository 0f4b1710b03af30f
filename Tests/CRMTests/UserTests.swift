import TestSupport
import CRM
import Foundation
import SQLKit
import Testing

@Suite("Users and API tokens")
struct UserTests {
    @Test("a new user's token authenticates them and only its hash is stored", arguments: TestEngine.available)
    func tokenAuthenticates(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let (user, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline")
            #expect(try await store.user(forToken: token) == user)
            #expect(try await store.user(forToken: token + "x") == nil)
            let stored = try await store.database.withConnection { sql in
                try await sql.select().column("token_hash").from("api_tokens").all(decodingColumn: "token_hash", as: String.self)
            }
            #expect(!stored.contains(token))
        }
    }

    @Test("of many tokens, one query names those still working and their users: not a revoked one, an expired one, a disabled user's or an unknown one",
          arguments: TestEngine.available)
    func tokenHolders(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let (wang, wangToken) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            let (zhao, zhaoToken) = try await store.addUser(name: "赵强", role: .agent, extension: "1002")
            let (li, liToken) = try await store.addUser(name: "李娜", role: .agent, extension: "1003")
            let (second, _) = try await store.issueToken(userID: wang.id, label: "wallboard", lifetime: nil)
            let (short, _) = try await store.issueToken(userID: zhao.id, label: "short", lifetime: .seconds(60))
            let revoked = try #require(try await store.tokens(userID: li.id).first?.id)
            try await store.revokeToken(id: revoked, userID: li.id, actor: nil)
            let (disabled, disabledToken) = try await store.addUser(name: "周杰", role: .agent, extension: "1004")
            try await store.database.withConnection { sql in
                try await sql.update("users").set("disabled_at", to: Date()).where("id", .equal, disabled.id).run()
            }
            let all: Set = [wangToken, second, zhaoToken, short, liToken, disabledToken, "cdk_unknown"]
            #expect(try await store.tokenHolders(all) == [wangToken: wang.id, second: wang.id, zhaoToken: zhao.id, short: zhao.id])
            #expect(try await store.tokenHolders(all, now: Date().addingTimeInterval(120)) == [wangToken: wang.id, second: wang.id, zhaoToken: zhao.id])
            #expect(try await store.tokenHolders([]) == [:])
        }
    }

    @Test("duplicate names and extensions are refused with a clear message", arguments: TestEngine.available)
    func duplicatesRefused(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            await #expect(throws: CRMError.conflict("a user named '王芳' already exists")) {
                try await store.addUser(name: "王芳", role: .supervisor)
            }
            await #expect(throws: CRMError.conflict("extension 1001 already belongs to another user")) {
                try await store.addUser(name: "赵强", role: .agent, extension: "1001")
            }
            await #expect(throws: CRMError.self) { try await store.addUser(name: "x", role: .agent, extension: "10a1") }
            #expect(try await store.users().count == 1)
        }
    }
}

@Suite("Agent identities")
struct AgentIdentityTests {
    @Test("device patterns are stored, listed with the extension, and cleared", arguments: TestEngine.available)
    func devicePatterns(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let zhao = try await store.addUser(name: "赵强", role: .agent, extension: "1002").user
            _ = try await store.addUser(name: "主管", role: .supervisor)
            try await store.setDevicePatterns(userID: zhao.id, ["PJSIP/zhao-*", "SIP/7012*"])
            let identities = try await store.agentIdentities()
            #expect(identities.map(\.name) == ["赵强"])
            #expect(identities.first?.devicePatterns == ["PJSIP/zhao-*", "SIP/7012*"] && identities.first?.extension == "1002")
            try await store.setDevicePatterns(userID: zhao.id, [])
            #expect(try await store.agentIdentities().first?.devicePatterns == [])
        }
    }
}
