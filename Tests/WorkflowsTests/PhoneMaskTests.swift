@testable import HTTPAPI
import Testing
import TestSupport
import Vocabulary

/// Phone numbers as agents see them.
@Suite("Phone masks")
struct PhoneMaskTests {
    @Test("an agent sees four digits hidden before the last four; a supervisor sees the number whole")
    func masks() {
        let agent = PhoneMask(role: .agent, maskedRoles: [.agent])
        #expect(agent.show("+8613800138000") == "+86138****8000")
        #expect(agent.show("13800138000") == "138****8000")
        #expect(agent.show("+862165528888") == "+8621****8888")
        #expect(agent.show("110") == "110")
        #expect(PhoneMask(role: .supervisor, maskedRoles: [.agent]).show("+8613800138000") == "+8613800138000")
    }

    @Test("numbers in printable ASCII (read by byte) are masked as any text is (read by character)")
    func byteAndCharacterAgree() {
        let agent = PhoneMask(role: .agent, maskedRoles: [.agent])
        func byCharacter(_ number: String) -> String {
            guard number.count >= 7 else { return number }
            let characters = Array(number)
            let kept = max(1, characters.count - 8)
            return String(characters[..<kept]) + "****" + String(characters[(characters.count - 4)...])
        }
        var generator = SeededGenerator(seed: 86)
        let alphabet: [String] = "0123456789+-() #*ab".map(String.init) + ["中", "\r\n", "\t", "é"]
        for _ in 0..<5_000 {
            let number = (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            #expect(agent.show(number) == byCharacter(number), "\(number.debugDescription)")
        }
    }
}
