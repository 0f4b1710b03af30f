import CRM
import TestSupport
import Testing

@Suite("Personal data and tokens stay out of the store's log")
struct StoreLoggingTests {
    @Test("at trace level, no SQL parameter is logged: no token, no customer name or phone number", arguments: TestEngine.available)
    func noParametersAtTrace(_ engine: TestEngine) async throws {
        let recorder = LogRecorder()
        let token = try await TestDatabase.withStore(engine, logger: recorder.logger()) { store in
            let (user, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            let customer = try await store.seedCustomer("李雷", phones: ["13800138000"])
            _ = try await store.user(forToken: token)
            _ = try await store.customers(onNumber: "+8613800138000")
            _ = try await store.lookup(phone: "13800138000", visibleTo: user)
            _ = try await store.customerCards(ids: [customer])
            return token
        }
        let lines = recorder.lines
        #expect(!lines.contains { $0.contains(String(token.prefix(12))) })
        #expect(!lines.contains { $0.contains("李雷") || $0.contains("13800138000") })
    }
}
