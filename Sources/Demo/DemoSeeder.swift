import CRM
import Foundation
import Telephony
import Vocabulary

/// Fills an empty CRM with a believable call center: a supervisor, hotline agents 1001…, and
/// customers with Chinese names, phones written every which way, lead grades, cars, policies,
/// past contacts, open tasks and the odd complaint. Deterministic for a given seed.
public struct DemoSeeder: Sendable {
    /// Who can sign in, with their API tokens.
    public struct Account: Sendable {
        public let name: String
        public let role: UserRole
        public let `extension`: String?
        public let token: String
    }

    public var customers: Int
    public var agents: Int
    public var seed: UInt64

    public init(customers: Int = 300, agents: Int = 4, seed: UInt64 = 2026) {
        self.customers = customers
        self.agents = agents
        self.seed = seed
    }

    private static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
    private static let givenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
                                     "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "子涵", "浩然", "欣怡"]
    private static let agentNames = ["李娜", "张敏", "刘洋", "陈杰", "杨帆", "赵磊", "黄丽", "周强"]
    private static let models = ["大众帕萨特", "丰田凯美瑞", "本田雅阁", "别克君威", "比亚迪汉", "日产天籁", "奥迪A4L", "宝马3系"]
    private static let insurers = ["中国人保", "平安保险", "太平洋保险", "中华联合"]
    private static let outcomes = ["询价", "已报价", "客户考虑中", "约到店试驾", "续保意向强", "暂无需求"]

    /// The password every demo account signs in to the pages with.
    public static let password = "calldesk-demo"

    /// Seeds the store; returns the accounts (supervisor first) with their tokens. Each can sign in
    /// to the pages with `password`.
    public func seed(_ store: CRMStore) async throws -> [Account] {
        var random = SplitMix64(seed: seed)
        var accounts: [Account] = []
        let supervisor = try await store.addUser(name: "王建国", role: .supervisor, team: "hotline", seniority: 10)
        accounts.append(Account(name: supervisor.user.name, role: .supervisor, extension: nil, token: supervisor.token))
        try await store.setPassword(userID: supervisor.user.id, to: Self.password, actor: nil)
        var agentIDs: [Int] = []
        for index in 0..<agents {
            let ext = String(1001 + index)
            let name = index < Self.agentNames.count ? Self.agentNames[index] : "坐席\(ext)"
            let added = try await store.addUser(name: name, role: .agent, extension: ext, team: "hotline", seniority: index == 0 ? 5 : 1)
            agentIDs.append(added.user.id)
            try await store.setPassword(userID: added.user.id, to: Self.password, actor: nil)
            accounts.append(Account(name: name, role: .agent, extension: ext, token: added.token))
        }
        var lastMobile: String?
        for index in 0..<customers {
            let name = String(Self.surnames[Int(random.next() % UInt64(Self.surnames.count))])
                + Self.givenNames[Int(random.next() % UInt64(Self.givenNames.count))]
            let owner = agentIDs[index % agentIDs.count]
            // One in ten shares a family member's mobile, so some calls pop a short list.
            let mobile = index % 10 == 9 ? (lastMobile ?? Self.mobile(&random)) : Self.mobile(&random)
            lastMobile = mobile
            var written = [Self.written(mobile, style: Int(random.next() % 5))]
            if random.next() % 4 == 0 { written.append(String(format: "021-%08d", 50_000_000 + Int(random.next() % 40_000_000))) }
            let phones = written.compactMap { raw in store.normalizer.normalize(raw).phoneNumber.map { (raw: raw, number: $0) } }
            let grade = [LeadGrade.a, .b, .b, .c][Int(random.next() % 4)]
            let expiry = Calendar(identifier: .gregorian).date(byAdding: .day, value: Int(random.next() % 365) + 5, to: Date()) ?? Date()
            let vehicle = NewVehicle(vin: Self.vin(&random), model: Self.models[Int(random.next() % UInt64(Self.models.count))],
                                     plate: "沪" + Self.plate(&random), policyExpiry: Self.day(expiry))
            let id = try await store.createCustomer(NewCustomer(name: name, ownerID: owner, phones: phones, grade: grade, vehicles: [vehicle]))
            for back in 0..<Int(random.next() % 4) {
                let when = Date().addingTimeInterval(-Double(back + 1) * 86_400 * Double(random.next() % 20 + 1))
                try await store.addInteraction(customerID: id, kind: "call", outcome: Self.outcomes[Int(random.next() % UInt64(Self.outcomes.count))],
                                               note: nil, authorID: owner, at: when)
            }
            if random.next() % 5 == 0 {
                try await store.addTask(customerID: id, kind: TaskKind.followUp, ownerID: owner,
                                        dueAt: Date().addingTimeInterval(Double(random.next() % 7) * 86_400), note: "\(grade.rawValue)级客户回访")
            }
            if random.next() % 25 == 0 {
                try await store.addTask(customerID: id, kind: TaskKind.complaint, ownerID: owner,
                                        dueAt: Date().addingTimeInterval(86_400), note: "投诉：保养等待时间过长")
            }
        }
        return accounts
    }

    private static func mobile(_ random: inout SplitMix64) -> String {
        let prefixes = ["138", "139", "135", "136", "150", "151", "158", "177", "186", "188", "199"]
        return prefixes[Int(random.next() % UInt64(prefixes.count))] + String(format: "%08d", Int(random.next() % 100_000_000))
    }

    /// The same mobile as people and old systems write it.
    private static func written(_ mobile: String, style: Int) -> String {
        switch style {
        case 0: "+86" + mobile
        case 1: "0086" + mobile
        case 2: "\(mobile.prefix(3)) \(mobile.dropFirst(3).prefix(4)) \(mobile.suffix(4))"
        case 3: "+86 " + mobile
        default: mobile
        }
    }

    private static func vin(_ random: inout SplitMix64) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
        return "L" + String((0..<16).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    private static func plate(_ random: inout SplitMix64) -> String {
        let letters = Array("ABCDEFGHJKLMN"), alphanumerics = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        return String(letters[Int(random.next() % UInt64(letters.count))])
            + String((0..<5).map { _ in alphanumerics[Int(random.next() % UInt64(alphanumerics.count))] })
    }

    private static func day(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 2027, parts.month ?? 1, parts.day ?? 1)
    }
}

/// A small seeded generator so a demo looks the same every time.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
